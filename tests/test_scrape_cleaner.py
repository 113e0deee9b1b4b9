"""The feature-based scrape cleaner: article region, end markers, outlet profiles."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from storyline.extract.scrape import OutletProfile, _is_code, clean_scrape, is_chrome_wording, line_key, word_count

ARTICLE = [
    "The council voted on Tuesday to close the old bridge for repairs after engineers found cracks in it.",
    "Drivers will be diverted through the town centre for at least six months, the council said in a statement.",
    "Shopkeepers on the high street said they expected more customers, but residents worried about traffic.",
]


def _page(*middle: str, top: tuple[str, ...] = (), bottom: tuple[str, ...] = ()) -> str:
    return "\n".join([*top, *middle, *bottom])


def test_end_marker_in_the_navigation_does_not_cut_the_article():
    page = _page(*ARTICLE, top=("Home", "Trending", "Most read"),
                 bottom=("Related articles", "A different story about something else, with a long sentence here."))
    assert clean_scrape(page).paragraphs == ARTICLE


def test_teasers_after_a_long_menu_are_outside_the_article():
    menu = tuple(f"Section {i}" for i in range(12))
    teaser = "Another article about the election results in the north of the country, published yesterday."
    cleaned = clean_scrape(_page(*ARTICLE, bottom=(*menu, teaser)))
    assert cleaned.paragraphs == ARTICLE
    assert next(b for b in cleaned.blocks if b.text == teaser).label == "tail"


def test_outlet_profile_turns_recurring_lines_into_chrome():
    boiler = "Our journalism is funded by readers like you, and every contribution helps us report the news."
    profile = OutletProfile()
    for other in ("First other story of the outlet, told in one sentence here.",
                  "Second other story of the outlet, told in one sentence there."):
        profile.add(_page(other, boiler))
    page = _page(*ARTICLE, boiler)
    assert boiler in clean_scrape(page).paragraphs
    cleaned = clean_scrape(page, profile)
    assert boiler not in cleaned.paragraphs and cleaned.paragraphs == ARTICLE


def test_unspaced_scripts_count_as_words():
    assert word_count("商標権侵害と判断される場合があります") >= 8
    japanese = "今回の事件のように、権利者の許諾を得ずに、不正に改造した商品を販売することは、商標権侵害になります。"
    assert clean_scrape(_page("メニュー", japanese, japanese[:-1] + "か。")).paragraphs


def _record(outlet: str, *lines: str) -> bytes:
    import json

    return json.dumps({"outlet": outlet, "title": "A story", "text": "\n".join(lines)}).encode()


def test_a_line_recurring_on_three_stored_pages_of_an_outlet_is_removed_from_the_fourth(tmp_store):
    from storyline import Pipeline, StorylineConfig
    from storyline.config import ExtractConfig
    from storyline.model import RawDocument
    from storyline.store import outlet_line_pages

    config = StorylineConfig(extract=ExtractConfig(timeout_seconds=0))
    boiler = ("The Harbour Times has reported on the coast and its towns since 1921, "
              "and every story is checked by two editors before it is published.")
    stories = [
        ("The ferry company said on Monday that the winter timetable would start two weeks early.",
         "Passengers who booked crossings for the old dates will be moved to the nearest sailing, it said."),
        ("Fishermen landed the largest catch of herring in a decade at the north quay this week.",
         "Prices at the morning auction fell by a third as buyers struggled to take the extra fish."),
        ("A storm brought down power lines along the coast road late on Thursday night.",
         "Engineers restored electricity to most homes by the morning, the network operator said."),
        ("The lifeboat crew rescued two walkers cut off by the tide near the lighthouse on Sunday.",
         "Both were unhurt, and the coastguard reminded visitors to check the tide tables first."),
    ]
    raws = [RawDocument.from_bytes(f"batch.jsonl#L{i + 1}", _record("Harbour Times", *body, boiler),
                                   "application/x-jsonl-record") for i, body in enumerate(stories)]
    fourth_text = "\n".join([*stories[3], boiler])
    assert boiler in clean_scrape(fourth_text).paragraphs  # on its own page, the line reads like prose

    with Pipeline(tmp_store, config) as pipeline:
        report = pipeline.ingest(raws)
    assert len(report.ingested) == 4 and not report.failures
    texts = [tmp_store.article(a).text for a in report.ingested]
    assert all(boiler in text for text in texts[:3])  # fewer than 3 earlier pages: kept
    assert boiler not in texts[3] and all(s in texts[3] for s in stories[3])
    pages, line_pages = outlet_line_pages(tmp_store, "harbour times", [line_key(boiler)])
    assert pages == 4 and OutletProfile(pages, line_pages, 3).recurring(line_key(boiler))

    # another outlet's page with the same line keeps it: profiles are per outlet
    with Pipeline(tmp_store, config) as pipeline:
        other = pipeline.ingest([RawDocument.from_bytes("other.jsonl#L1", _record("Valley Post", *stories[0], boiler),
                                                        "application/x-jsonl-record")])
    assert boiler in tmp_store.article(other.ingested[0]).text


def test_lone_surrogates_in_a_json_scrape_get_line_keys_and_a_storable_outlet():
    """JSON escapes may hold lone surrogates: profiling such a page must not abort the batch."""
    import json

    from storyline.extract import RECORD_TYPE, scrape_input
    from storyline.extract.scrape import page_line_keys
    from storyline.model import RawDocument

    record = json.dumps({"outlet": "Daily \ud800 Post", "text": "A first line \ud800 of the page.\nSecond line."})
    raw = RawDocument.from_bytes("feed.jsonl#L1", record.encode("ascii"), RECORD_TYPE)
    outlet, text = scrape_input(raw)
    outlet.encode("utf-8")  # storable
    assert len(page_line_keys(text)) == 2


def test_a_malformed_url_names_no_outlet_instead_of_raising():
    import json

    from storyline.extract import RECORD_TYPE, scrape_input
    from storyline.model import RawDocument

    record = json.dumps({"url": "http://[::1/story", "text": "A line of the page.\nAnother line."})
    assert scrape_input(RawDocument.from_bytes("feed.jsonl#L2", record.encode(), RECORD_TYPE)) is None


# The chrome and code checks as single case-insensitive patterns (their first, slower form); the shipped
# checks lower-case the block and split start-anchored from floating alternatives, and must agree.
_CHROME_REFERENCE = re.compile(
    r"(?:\b\d+\s+users?\s+ha(?:ve|s)\s+voted\b|\bincluding you\b|\bemailed to you\b|\bsubscribe\b"
    r"|\bnewsletter\b|\bsign (?:up|in)\b|\blog ?in\b|\ball rights reserved\b|^\s*©|\bcopyright\b"
    r"|\bclick here\b|\bfollow us\b|\bcookies?\b|^\s*(?:share|tweet|print|e-?mail)(?: this)?\b"
    r"|^\s*(?:you are here|skip to (?:main )?content|select page|main menu|menu|search|home)\b"
    r"|^\s*media id\s*:|^\s*advertisement\b|^\s*(?:tags?|filed under|categories)\s*:)",
    re.IGNORECASE,
)
_CODE_REFERENCE = re.compile(
    r"(?:^\s*/\*|\*/\s*$|^\s*[{}]|[{}]\s*$|\bmso-[\w-]+\s*:|^\s*[\w-]+\s*:\s*[^\s;]+(?:\s+[^\s;]+)*;\s*$"
    r"|\bfunction\s*\(|\bvar\s+\w+\s*=|\bdocument\.\w+|^\s*<[a-z]+[\s>])",
    re.IGNORECASE,
)
_PIECES = st.sampled_from(["Share", "this", "Home", "Sign up", "cookies", "3 users have voted", "©", "Copyright",
                           "The", "minister", "said", "Tags:", "color: red;", "{", "}", "/*", "*/", "var x =",
                           "function(", "document.write", "<div>", "mso-font:", "login", "log in", "menu", "search",
                           "Newsletter", "EMAIL this", "  ", ".", "Follow Us", "ADVERTISEMENT", "media id:"])


@given(st.lists(_PIECES, max_size=12), st.sampled_from([" ", "", "  "]))
def test_chrome_and_code_checks_match_their_reference_patterns(pieces, joiner):
    text = joiner.join(pieces)
    assert is_chrome_wording(text) == bool(_CHROME_REFERENCE.search(text))
    assert _is_code(text.lower()) == bool(_CODE_REFERENCE.search(text))
