import inspect

from bot.analysis.summary import CENTRALITY_WEIGHT, summarize
from bot.dev.evaluation.summary_folds import SHIPPED, Margins, cross_validate, weightings


def test_the_shipped_weights_are_the_ones_summarize_uses_and_are_in_the_grid() -> None:
    defaults = inspect.signature(summarize).parameters
    assert SHIPPED == {"position_decay": defaults["position_decay"].default, "centrality_weight": CENTRALITY_WEIGHT,
                       "length_weight": defaults["length_weight"].default,
                       "facts_weight": defaults["facts_weight"].default}
    assert SHIPPED in weightings()


def test_each_fold_is_scored_with_the_weights_best_on_the_other_folds() -> None:
    # Ten articles, two per fold. Weighting A wins by 2 points everywhere but loses article 0 (fold 0) by 10;
    # B is the shipped weighting and scores 0 everywhere.
    other = {**SHIPPED, "length_weight": 0.0}
    a = Margins(other, [-10.0] + [2.0] * 9)
    b = Margins(SHIPPED, [0.0] * 10)
    result = cross_validate([a, b])
    folds = {row["fold"]: row for row in result["folds"]}
    assert folds[0]["chosen"] == other  # chosen on folds 1-4, where A wins
    assert folds[0]["held-out rouge1 - lead3"] == -4.0  # (-10 + 2) / 2: the fold it never saw
    assert folds[0]["shipped rouge1 - lead3"] == 0.0
    assert folds[3]["held-out rouge1 - lead3"] == 2.0
    assert result["held-out rouge1 - lead3 (all articles)"] == round((-4.0 * 2 + 2.0 * 8) / 10, 2)
