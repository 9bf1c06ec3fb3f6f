"""Feed text in Slack: it shows as typed and can never ping, link or break the markup."""

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.mrkdwn import ELLIPSIS, escape, escape_within, link, plain, safe_url, truncate


def test_broadcasts_mentions_and_links_show_as_typed() -> None:
    text = "Alert <!channel> and <!here|here>, ask <@U123> or <#C999>, then <https://evil.example|click>"
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert "&lt;!channel&gt;" in escaped
    assert "&lt;@U123&gt;" in escaped
    assert "&lt;https://evil.example|click&gt;" in escaped


def test_bare_broadcast_words_are_broken() -> None:
    escaped = escape("Hey @channel and @HERE and @everyone")
    assert "@channel" not in escaped
    assert "@HERE" not in escaped
    assert "@everyone" not in escaped
    assert escaped.replace("\u2060", "") == "Hey @channel and @HERE and @everyone"


def test_ampersand_is_escaped_first_so_entities_are_not_doubled_wrongly() -> None:
    assert escape("AT&T <b>") == "AT&amp;T &lt;b&gt;"
    assert escape("&lt;") == "&amp;lt;"


def test_control_and_bidi_characters_are_dropped() -> None:
    assert escape("Talks\x00 in\u202e Geneva\x1b") == "Talks in Geneva"


def test_truncate_cuts_on_a_word_boundary_with_an_ellipsis() -> None:
    text = "The foreign ministers agreed to meet again in Vienna next month"
    cut = truncate(text, 30)
    assert len(cut) <= 30
    assert cut.endswith(ELLIPSIS)
    assert cut == "The foreign ministers agreed" + ELLIPSIS


def test_truncate_keeps_short_text_and_cuts_one_long_word() -> None:
    assert truncate("Geneva", 10) == "Geneva"
    cut = truncate("x" * 50, 10)
    assert len(cut) == 10 and cut.endswith(ELLIPSIS)


def test_escape_within_never_cuts_an_entity_in_half() -> None:
    for limit in range(5, 40):
        cut = escape_within("Trade & tariffs & sanctions & talks & more & more", limit)
        assert len(cut) <= limit
        body = cut.removesuffix(ELLIPSIS)
        assert "&" not in body.replace("&amp;", "")


def test_link_escapes_its_label_and_refuses_other_schemes() -> None:
    assert link("https://news.example/a?x=1&y=2", "Talks <resume>") == \
        "<https://news.example/a?x=1&amp;y=2|Talks &lt;resume&gt;>"
    assert link("javascript:alert(1)", "Click") == "Click"
    assert link(None, "No link") == "No link"


def test_a_link_label_is_one_line() -> None:
    assert link("https://news.example/a", "Wire\nService \r\n") == "<https://news.example/a|Wire Service>"


def test_url_cannot_break_out_of_the_link() -> None:
    url = safe_url("https://news.example/a|<!channel>> b")
    assert url is not None
    assert "|" not in url and "<" not in url and ">" not in url and " " not in url


def test_plain_text_is_one_line_and_cut() -> None:
    assert plain("Summit\n  in   Seoul", 150) == "Summit in Seoul"
    assert len(plain("word " * 100, 150)) <= 150


@given(st.text(), st.integers(min_value=1, max_value=400))
def test_escaping_any_text_is_inert_and_within_the_limit(text: str, limit: int) -> None:
    out = escape_within(text, limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    assert "<" not in link("https://a.example/" + text, text)[1:-1]


def test_mrkdwn_reads_back_as_the_text_people_typed() -> None:
    from bot.slack.mrkdwn import links_in, to_plain

    original = "Talks <!channel> & @here"
    rendered = "*" + link("https://news.example/a?x=1&y=2", original) + "* " + escape(original)
    assert to_plain(rendered) == f"*{original}* {original}"
    assert links_in(rendered) == [("https://news.example/a?x=1&y=2", original)]


def test_international_host_names_stay_reachable() -> None:
    assert safe_url("https://bücher.example/über uns") == "https://xn--bcher-kva.example/%C3%BCber%20uns"


def test_formatting_marks_in_feed_text_show_as_typed() -> None:
    from bot.slack.mrkdwn import to_plain

    typed = "Envoy: *URGENT* _read this now_ ~cancelled~ `rm -rf /` ```override``` :warning:\n>quoted"
    escaped = escape(typed)
    for live in ("*URGENT*", "_read this now_", "~cancelled~", "`rm -rf /`", "```", ":warning:", "\n&gt;"):
        assert live not in escaped
    assert to_plain(escaped) == typed


def test_underscores_inside_words_are_left_alone() -> None:
    assert escape("error channel_not_found at feed_2018.xml") == "error channel_not_found at feed_2018.xml"


def test_a_cut_never_leaves_a_formatting_mark_half_broken() -> None:
    for limit in range(5, 40):
        cut = escape_within("Talks *URGENT* _now_ ~off~ tomorrow in Geneva", limit)
        assert not cut.removesuffix(ELLIPSIS).endswith(("\u200b*", "\u200b_", "\u200b~"))


def test_code_span_shows_a_url_verbatim_and_inertly() -> None:
    from bot.slack.mrkdwn import code

    assert code("https://feeds.example/world_news.rss?a=1&b=2") == "`https://feeds.example/world_news.rss?a=1&amp;b=2`"
    shown = code("x` <!channel> @here")
    assert shown.count("`") == 3 and shown.startswith("`") and shown.endswith("`")
    assert "<" not in shown and "@here" not in shown
