"""The date resolver: absolute formats, relative expressions, and no resolution without a stated date."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.model import Article, ArticleDate
from storyline.summarize.dates import article_anchor, resolve_dates

MONDAY = date(2025, 3, 3)


def _values(text: str, anchor: date | None = MONDAY) -> list[tuple[str, str, str]]:
    return [(m.text, m.value.isoformat(), m.precision) for m in resolve_dates(text, anchor)]


@pytest.mark.parametrize(("text", "expected"), [
    ("on 13 June 2014", "2014-06-13"),
    ("on June 13, 2014", "2014-06-13"),
    ("Jun 16,2014 - Last updated", "2014-06-16"),
    ("September 1st, 2014|World", "2014-09-01"),
    ("published 2014-09-01T05:48", "2014-09-01"),
    ("died on June 25 , 2009 .", "2009-06-25"),
    ("the 3rd of March 2025", "2025-03-03"),
])
def test_absolute_formats_need_no_anchor(text, expected):
    assert [v for _, v, _ in _values(text, None)] == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("the union said on Monday", "2025-03-03"),          # the publication day itself
    ("pickets gathered late on Sunday", "2025-03-02"),
    ("the minister said Friday", "2025-02-28"),
    ("last Monday", "2025-02-24"),
    ("next Tuesday", "2025-03-04"),
    ("talks will resume on Wednesday", "2025-03-05"),   # future tense looks ahead
    ("talks are due to resume on Thursday", "2025-03-06"),
    ("yesterday", "2025-03-02"),
    ("last night", "2025-03-02"),
    ("today", "2025-03-03"),
    ("three days ago", "2025-02-28"),
    ("on March 1", "2025-03-01"),
    ("on 28 February", "2025-02-28"),
    ("three days after March 1", "2025-03-04"),
    ("two days before 10 March 2025", "2025-03-08"),
])
def test_relative_expressions_resolve_against_the_publication_day(text, expected):
    assert [(v, p) for _, v, p in _values(text)] == [(expected, "day")]


def test_coarse_periods_keep_their_precision():
    assert _values("the port was seized last week") == [("last week", "2025-02-24", "week")]
    assert _values("profits fell last month") == [("last month", "2025-02-01", "month")]
    assert _values("elected in June 2024") == [("June 2024", "2024-06-01", "month")]


def test_a_date_without_year_takes_the_closest_plausible_year():
    assert _values("on December 30", date(2025, 1, 2)) == [("December 30", "2024-12-30", "day")]


def test_nothing_relative_resolves_without_an_anchor():
    assert _values("on Sunday, yesterday, last week, on June 10", None) == []


def test_month_names_that_are_words_are_not_dates():
    assert _values("they may march 5 miles") == []


def _article(value: str, precision: str, inferred: bool) -> Article:
    return Article(id="a", raw_sha256="", origin="x", text="t", date=ArticleDate(value, precision, inferred, "test"))


def test_only_a_stated_day_anchors_relative_dates():
    assert article_anchor(_article("2025-03-03", "day", False)) == MONDAY
    assert article_anchor(_article("2025-03-03T10:00:00", "minute", False)) == MONDAY
    assert article_anchor(_article("2014-06-13", "week", True)) is None     # a caption date, say
    assert article_anchor(_article("2014-06-13", "day", True)) is None
    assert article_anchor(Article(id="b", raw_sha256="", origin="x", text="t")) is None
