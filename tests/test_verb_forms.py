from bot.analysis.verb_forms import base_form


def test_regular_past_forms_lose_their_ending_and_keep_a_silent_e() -> None:
    pairs = {"released": "release", "completed": "complete", "lowered": "lower", "signed": "sign",
             "submitted": "submit", "cancelled": "cancel", "ratified": "ratify", "processed": "process",
             "negotiated": "negotiate", "decided": "decide", "limited": "limit", "agreed": "agree",
             "freed": "free"}
    assert {word: base_form(word) for word in pairs} == pairs


def test_irregular_forms_and_base_forms() -> None:
    assert [base_form(w) for w in ("withdrawn", "paid", "held", "shut", "withdraw", "need")] == [
        "withdraw", "pay", "hold", "shut", "withdraw", "need"]
