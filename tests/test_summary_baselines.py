import io
import json

from bot.dev.evaluation.summary_baselines import write_baselines

TEXT = (
    "Foreign ministers met in Oslo on Monday to discuss a ceasefire in the north. "
    "The talks lasted six hours and ended without a joint statement. "
    "Norway's foreign minister said the sides had agreed to meet again within two weeks. "
    "Observers called the meeting a modest step forward after months of fighting. "
    "A second round is planned in Geneva before the end of the year."
)


def test_each_sumy_method_writes_three_sentences_taken_from_the_text(nlp) -> None:
    outputs = {method: io.StringIO() for method in ("lexrank", "textrank", "lsa", "luhn")}
    write_baselines(nlp, [{"id": "a1", "text": TEXT}, {"id": "empty", "text": ""}], outputs)
    for method, out in outputs.items():
        first, empty = (json.loads(line) for line in out.getvalue().splitlines())
        assert first["id"] == "a1" and len(first["summary"]) == 3, method
        assert all(sentence in TEXT for sentence in first["summary"]), method
        assert empty == {"id": "empty", "summary": []}
