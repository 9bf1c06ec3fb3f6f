from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.feeds.parse import FeedParseError, parse_feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
MINISTRY_URL = "https://press.harbour-ministry.example/feed.xml"


def parse_fixture(name: str, url: str = MINISTRY_URL):
    return parse_feed((FEEDS / name).read_bytes(), url=url, now=NOW, content_type="application/rss+xml")


def by_title(parsed, start: str):
    return next(e for e in parsed.entries if e.title.startswith(start))


def test_rss_feed_gives_title_and_every_entry() -> None:
    parsed = parse_fixture("harbour_ministry_rss.xml")
    assert parsed.title == "Harbour Ministry & Friends — Press Room"
    assert len(parsed.entries) == 3
    assert parsed.warnings == []


def test_html_and_entities_are_stripped_from_titles() -> None:
    entry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Vantor")
    assert entry.title == 'Vantor envoy warns of "grave consequences" & recalls staff'


def test_text_keeps_paragraphs_and_loses_scripts() -> None:
    entry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Ministers agree")
    paragraphs = entry.text.split("\n\n")
    assert paragraphs[1] == "“We have lost two years,” Reyes told reporters. “Nobody in this room wants to lose a third."
    assert paragraphs[2].startswith("“The strait belongs")
    assert "alert" not in entry.text and "<" not in entry.text


def test_tracking_parameters_are_dropped_from_links() -> None:
    entry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Ministers agree")
    assert entry.url == "https://press.harbour-ministry.example/2026/11/kessel-talks?id=42"


def test_relative_link_resolves_against_the_feed_url() -> None:
    entry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Harbour and Lissa")
    assert entry.url == "https://press.harbour-ministry.example/2026/11/lissa-memorandum"


def test_dates_are_utc() -> None:
    entry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Ministers agree")
    assert entry.published_at == datetime(2026, 11, 26, 8, 30, tzinfo=UTC)  # 09:30 +0100


def test_future_date_becomes_the_fetch_time() -> None:
    entry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Vantor")
    assert entry.published_at == NOW


def test_missing_date_becomes_the_fetch_time() -> None:
    entry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Harbour and Lissa")
    assert entry.published_at == NOW


def test_a_1970_placeholder_date_becomes_the_fetch_time() -> None:
    parsed = parse_feed(rss_item("<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>"), url=MINISTRY_URL, now=NOW)
    assert parsed.entries[0].published_at == NOW


def test_guid_falls_back_from_id_to_link_to_a_content_hash() -> None:
    ministry = parse_fixture("harbour_ministry_rss.xml")
    assert by_title(ministry, "Ministers agree").guid == "harbour-2026-11-26-kessel"
    assert by_title(ministry, "Harbour and Lissa").guid == "https://press.harbour-ministry.example/2026/11/lissa-memorandum"
    no_link = parse_feed(rss_item(""), url=MINISTRY_URL, now=NOW).entries[0]
    assert no_link.url is None
    assert no_link.guid.startswith("sha256:")
    assert parse_feed(rss_item(""), url=MINISTRY_URL, now=NOW).entries[0].guid == no_link.guid


def test_atom_feed_is_read_with_html_titles_and_plain_text_paragraphs() -> None:
    parsed = parse_fixture("meridian_wire_atom.xml", url="https://meridian-wire.example/diplomacy.atom")
    assert parsed.title == "Meridian Wire: Diplomacy"
    monitors = by_title(parsed, "Lissa")
    assert monitors.title == "Lissa welcomes ceasefire monitors"
    assert monitors.text.split("\n\n")[1] == '"This is the week the guns fall silent," Kovar said.'
    assert monitors.url == "https://meridian-wire.example/2026/11/27/lissa-monitors"
    assert by_title(parsed, "Vantor recalls").published_at == datetime(2026, 11, 27, 5, 45, tzinfo=UTC)


def test_the_same_story_in_two_feeds_has_the_same_content_hash() -> None:
    ministry = by_title(parse_fixture("harbour_ministry_rss.xml"), "Vantor envoy")
    wire = by_title(parse_fixture("meridian_wire_atom.xml"), "Vantor recalls")
    assert ministry.content_hash == wire.content_hash
    assert ministry.url != wire.url


def test_html_page_is_not_a_feed_and_the_error_names_the_url() -> None:
    with pytest.raises(FeedParseError, match="press.harbour-ministry.example/feed.xml"):
        parse_feed((FEEDS / "not_a_feed.html").read_bytes(), url=MINISTRY_URL, now=NOW, content_type="text/html")


def test_truncated_feed_keeps_its_complete_entries_with_a_warning() -> None:
    parsed = parse_fixture("truncated_rss.xml")
    assert [e.title for e in parsed.entries] == ["Kovar meets Reyes in Lissa"]
    assert any("malformed" in warning for warning in parsed.warnings)
    assert any("cut off" in warning for warning in parsed.warnings)


def test_an_entry_cut_off_by_the_end_of_the_document_is_left_for_later() -> None:
    body = rss_title("Kovar meets Reyes", None).replace(b"</channel></rss>", b"<item><title>Statement on the Kes")
    assert [e.title for e in parse_feed(body, url=MINISTRY_URL, now=NOW).entries] == ["Kovar meets Reyes"]


def test_empty_body_is_an_error() -> None:
    with pytest.raises(FeedParseError, match="empty"):
        parse_feed(b"  \n", url=MINISTRY_URL, now=NOW)


def test_a_body_that_looks_like_a_path_is_never_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss_item("<link>https://leak.example/</link>"))
    with pytest.raises(FeedParseError):
        parse_feed(str(secret).encode(), url=MINISTRY_URL, now=NOW)


def test_valid_feed_without_entries_is_empty_not_an_error() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet week</title></channel></rss>'
    parsed = parse_feed(body, url=MINISTRY_URL, now=NOW)
    assert parsed.title == "Quiet week" and parsed.entries == []


def test_entry_with_nothing_to_show_is_skipped_and_others_kept() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Lissa FO</title>'
        b'<item><guid isPermaLink="false">empty-1</guid></item>'
        b"<item><title>Kovar meets Reyes</title></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(body, url=MINISTRY_URL, now=NOW)
    assert [e.title for e in parsed.entries] == ["Kovar meets Reyes"]
    assert any("entry 1 skipped" in warning for warning in parsed.warnings)


def test_latin1_feed_is_decoded_from_its_declaration() -> None:
    body = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Télex</title>'
        "<item><title>Délégation reçue à Lissa</title></item></channel></rss>"
    ).encode("latin-1")
    assert parse_feed(body, url=MINISTRY_URL, now=NOW).entries[0].title == "Délégation reçue à Lissa"


def rss_title(title: str, declared: str | None, sent: str = "utf-8") -> bytes:
    """A one-item feed whose item has this title, declaring one encoding and sent in another."""
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    return (f'{declaration}<rss version="2.0"><channel><title>Lissa FO</title>'
            f"<item><title>{title}</title></item></channel></rss>").encode(sent)


@pytest.mark.parametrize(
    ("body", "title"),
    [
        pytest.param(rss_title("Délégation reçue", "UTF-8", "latin-1"), "Délégation reçue",
                     id="declared-utf8-sent-latin1"),
        pytest.param(rss_title("“Kovar” – Lissa", None, "cp1252"), "“Kovar” – Lissa",
                     id="undeclared-cp1252"),
        pytest.param(rss_title("Kovar à Lissa", "UTF-16", "utf-16"), "Kovar à Lissa", id="utf16"),
        pytest.param(rss_title("Kovar", "x-klingon"), "Kovar", id="unknown-encoding"),
        pytest.param(rss_title("Ko\x00var", None), "Kovar", id="nul-byte"),
        pytest.param(rss_title("&lt;script&gt;alert(1)&lt;/script&gt;Monitors &lt;img src=x onerror=alert(1)&gt;arrive",
                               None), "Monitors arrive", id="script-and-img-in-title"),
    ],
)
def test_hostile_encodings_and_markup_still_give_a_clean_title(body: bytes, title: str) -> None:
    assert parse_feed(body, url=MINISTRY_URL, now=NOW).entries[0].title == title


@pytest.mark.parametrize("body", [bytes(range(256)) * 4, b'{"items": []}', b"<rss><channel><item><title>cut"],
                         ids=["binary", "json", "cut-before-any-entry"])
def test_documents_that_are_not_feeds_are_refused(body: bytes) -> None:
    with pytest.raises(FeedParseError, match="press.harbour-ministry.example"):
        parse_feed(body, url=MINISTRY_URL, now=NOW)


def rss_item(extra: str) -> bytes:
    """A one-item RSS feed; `extra` adds elements to the item."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Lissa Foreign Office</title>'
        "<item><title>Kovar receives the Vantor ambassador</title>"
        "<description>The meeting lasted two hours.</description>"
        f"{extra}</item></channel></rss>"
    ).encode()


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda t: f"<rss><channel><item>{t}".encode()))
def test_any_bytes_give_entries_or_a_feed_parse_error(body: bytes) -> None:
    try:
        parsed = parse_feed(body, url=MINISTRY_URL, now=NOW)
    except FeedParseError:
        return
    for entry in parsed.entries:
        assert entry.title and entry.published_at <= NOW and "\x00" not in entry.text + entry.title
