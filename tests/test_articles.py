from urllib.parse import parse_qsl, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.articles import (
    bounded_guid,
    canonical_url,
    clean_text,
    content_hash,
    fallback_guid,
    html_to_text,
    is_tracking_parameter,
    one_line,
)

# --- text -------------------------------------------------------------------------------------------------


def test_html_paragraphs_become_blank_lines_so_a_quote_over_paragraphs_survives() -> None:
    text = html_to_text(QUOTE_OVER_PARAGRAPHS)
    assert text == (
        "“We have lost two years,” Reyes said. “Nobody wants to lose a third.\n\n"
        "“The strait belongs to the fishermen on both shores,” she added."
    )


def test_entities_are_decoded_and_tags_removed() -> None:
    assert html_to_text("Harbour &amp; Vantor&#8217;s <b>envoys</b>&nbsp;meet") == "Harbour & Vantor’s envoys meet"


def test_scripts_and_styles_leave_no_text() -> None:
    html = "<p>Talks resume.</p><script>alert('x')</script><style>p{color:red}</style><p>Monitors arrive.</p>"
    assert html_to_text(html) == "Talks resume.\n\nMonitors arrive."


def test_line_breaks_are_kept_and_source_newlines_are_spaces() -> None:
    assert html_to_text("Geneva,<br>27 November\nafternoon") == "Geneva,\n27 November afternoon"


def test_source_line_breaks_never_split_a_paragraph_and_invisible_references_go_before_accents_compose() -> None:
    # A feed's text without tags: its newlines (and tabs, line separators) are spaces in HTML, one paragraph.
    assert html_to_text("Talks resume\n\n\tin Geneva\u2028today  ") == "Talks resume in Geneva today"
    # A zero-width space written as a reference is dropped first, so the accent after it still composes.
    assert html_to_text("Caf\u0065&#8203;\u0301 talks\r\nresume") == "Caf\u00e9 talks resume"


def test_broken_markup_still_gives_its_text() -> None:
    assert html_to_text("<p>Unclosed <b>bold & a stray < sign") == "Unclosed bold & a stray < sign"


def test_control_characters_and_bidi_overrides_are_removed() -> None:
    assert clean_text("Reyes\x00 said\u202e tnemetats\x07") == "Reyes said tnemetats"


def test_plain_text_keeps_paragraphs_and_folds_spaces() -> None:
    assert clean_text("  First   line \r\n\r\n\r\n Second\tparagraph  ") == "First line\n\nSecond paragraph"


def test_one_line_folds_a_title() -> None:
    assert one_line("Ministers\n agree\tto talk ") == "Ministers agree to talk"


# --- URLs -------------------------------------------------------------------------------------------------


def test_tracking_parameters_are_dropped_and_others_kept() -> None:
    url = "https://News.Example:443/2026/11/talks?utm_source=rss&id=42&fbclid=x&UTM_Medium=feed&page=2#top"
    assert canonical_url(url) == "https://news.example/2026/11/talks?id=42&page=2"


def test_the_rest_of_the_query_is_kept_as_written() -> None:
    assert canonical_url("https://wire.example/story?12345&utm_source=x") == "https://wire.example/story?12345"
    assert canonical_url("https://wire.example/s?q=a%20b&utm%5Fmedium=rss") == "https://wire.example/s?q=a%20b"


def test_relative_links_resolve_against_the_feed() -> None:
    assert canonical_url("/2026/11/memo", base="https://press.example/feed.xml") == "https://press.example/2026/11/memo"


def test_links_that_are_not_web_pages_are_dropped() -> None:
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("mailto:press@ministry.example") is None
    assert canonical_url("https://user:secret@ministry.example/a") is None
    assert canonical_url("http://[::1") is None
    assert canonical_url("") is None


def test_hash_bang_routes_are_kept() -> None:
    assert canonical_url("https://wire.example/#!/story/7") == "https://wire.example/#!/story/7"


# --- identity ---------------------------------------------------------------------------------------------


def test_content_hash_ignores_case_and_spacing() -> None:
    first = content_hash("Envoy recalled", LONG_TEXT)
    second = content_hash("VANTOR RECALLS ENVOY", "  " + LONG_TEXT.upper().replace(" ", "\n "))
    assert first == second


def test_short_texts_are_told_apart_by_their_titles() -> None:
    assert content_hash("Talks in Geneva", "Read more.") != content_hash("Monitors arrive", "Read more.")


def test_fallback_guid_is_stable_and_distinct() -> None:
    assert fallback_guid("Talks", "Text") == fallback_guid("talks", "text ")
    assert fallback_guid("Talks", "Text") != fallback_guid("Talks", "Other text")


def test_overlong_guids_are_hashed_to_fit() -> None:
    assert bounded_guid("tag:wire.example,2026:1") == "tag:wire.example,2026:1"
    assert len(bounded_guid("x" * 5000)) <= 2048


QUOTE_OVER_PARAGRAPHS = """
<p>&ldquo;We have lost two years,&rdquo; Reyes said. &ldquo;Nobody wants to
lose a third.</p>
<p>&ldquo;The strait belongs to the fishermen on both shores,&rdquo; she added.</p>
"""

LONG_TEXT = (
    "Vantor's ambassador to Harbour, Teodor Malin, warned on Friday of grave consequences if the fishing "
    "quota dispute is not settled within thirty days, and said part of the embassy staff would return home."
)


# --- any input at all -------------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_html_gives_clean_text_without_markers_or_controls(html: str) -> None:
    text = html_to_text(html)
    assert "\x00" not in text and "\r" not in text
    assert "\n\n\n" not in text
    assert text == text.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from([None, "https://press.example/feed.xml"]))
def test_any_link_is_either_dropped_or_a_short_http_url(link: str, base: str | None) -> None:
    url = canonical_url(link, base=base)
    if url is not None:
        assert url.startswith(("http://", "https://")) and len(url) <= 2048
        assert not any(is_tracking_parameter(name) for name, _ in parse_qsl(urlsplit(url).query))
