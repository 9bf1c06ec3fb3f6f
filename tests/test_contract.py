"""`diplobot analyze`: the contract of ../shared/EVAL.md, streamed through the CLI."""

import json

from click.testing import CliRunner

from bot.cli import cli

ARTICLE = {
    "id": "a1",
    "text": "State Department spokeswoman Heather Nauert spoke on Tuesday. "
    '"Everybody recognises that there is a ways to go," she said.',
    "published": "2018-10-03",
}


def run_analyze(stdin: str):
    return CliRunner().invoke(cli, ["analyze"], input=stdin)


def test_every_good_line_is_answered_in_input_order() -> None:
    lines = [json.dumps({**ARTICLE, "id": f"a{i}"}) for i in range(5)]
    result = run_analyze("\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [f"a{i}" for i in range(5)]
    assert set(out[0]) >= {"actors", "quotes", "dates", "deadlines", "summary"}


def test_offsets_point_into_the_text() -> None:
    result = run_analyze(json.dumps(ARTICLE) + "\n")
    out = json.loads(result.stdout.splitlines()[0])
    for field in ("quotes", "dates", "deadlines"):
        for item in out[field]:
            assert ARTICLE["text"][item["start"]:item["end"]] == item["text"]


def test_bad_lines_are_named_and_the_rest_still_answered() -> None:
    stdin = "\n".join([json.dumps(ARTICLE), "{not json", json.dumps({"id": "x"}), json.dumps({**ARTICLE, "id": "a2"})])
    result = run_analyze(stdin + "\n")
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a1", "a2"]
    assert "stdin:2: not valid JSON" in result.stderr
    assert 'stdin:3: no "text" string' in result.stderr


def test_unreadable_published_date_is_reported() -> None:
    result = run_analyze(json.dumps({**ARTICLE, "published": "yesterday-ish"}) + "\n")
    assert result.exit_code == 1
    assert '"published" is not an ISO date' in result.stderr


def test_missing_model_names_the_setting(monkeypatch) -> None:
    monkeypatch.setenv("SPACY_MODEL", "xx_no_such_model")
    result = run_analyze(json.dumps(ARTICLE) + "\n")
    assert result.exit_code == 1
    assert "SPACY_MODEL='xx_no_such_model'" in result.output


def test_rss_style_published_date_is_accepted() -> None:
    result = run_analyze(json.dumps({**ARTICLE, "published": "Thu, 26 Nov 2026 08:00:00 GMT"}) + "\n")
    assert result.exit_code == 0, result.stderr


def test_a_line_separator_inside_the_text_keeps_one_output_line_per_article() -> None:
    odd = {**ARTICLE, "id": "odd", "text": ARTICLE["text"].replace(" spoke", "\u2028spoke\x85")}
    result = run_analyze(json.dumps(odd, ensure_ascii=False) + "\n" + json.dumps(ARTICLE) + "\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["odd", "a1"]
