"""The feature-based scrape cleaner: article region, end markers, outlet profiles."""

from __future__ import annotations

from storyline.extract.scrape import OutletProfile, clean_scrape, word_count

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
