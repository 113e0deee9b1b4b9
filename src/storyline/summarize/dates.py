"""Find and resolve the dates a sentence mentions, against the article's publication date.

A rule-based resolver (no model, no download, microseconds per sentence), written for news:

1. Absolute dates with a year ("13 June 2014", "June 13, 2014", "Jun 16,2014", "2014-06-13",
   "September 1st, 2014", PTB-tokenised "June 25 , 2009") resolve on their own.
2. Everything else needs an *anchor*: the article's stated publication day. Dates without a year
   ("June 10"), day words ("yesterday", "last night", "today"), weekdays ("on Monday", "late on
   Sunday", "last Friday", "next Tuesday"), "N days ago", "last week" / "last month" resolve
   against it. "three days after June 10" offsets a resolved date.
3. An article whose date is inferred or approximate (``ArticleDate.inferred``, precision coarser
   than a day) has no anchor: its relative expressions stay unresolved rather than be resolved
   against, say, the date in a file-photo caption.

A bare weekday refers to the most recent such day (the publication day included), unless the
sentence speaks of the future ("will", "is due to", "next"), then to the coming one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from storyline.model import Article

__all__ = ["DateMention", "article_anchor", "resolve_dates"]

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "oct": 10, "nov": 11, "dec": 12}
# Capitalised month names only: "may" and "march" are also common verbs.
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT = r"(?P<count>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)(?!\d)")),
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s*{_YEAR}\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}\s*,?\s*{_YEAR}\b")),
    ("md", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*[,:]?\s*\d)")),
    ("dm", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!\s*,?\s*\d)")),
    ("my", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("word", re.compile(r"\b(?P<word>yesterday|today|tonight|tomorrow|last night|this (?:morning|afternoon|evening))\b",
                        re.IGNORECASE)),
    ("ago", re.compile(rf"\b{_COUNT}\s+(?P<unit>days?|weeks?)\s+ago\b", re.IGNORECASE)),
    ("weekday", re.compile(r"\b(?:(?P<which>last|next|this|past|coming)\s+)?(?P<weekday>Monday|Tuesday|Wednesday"
                           r"|Thursday|Friday|Saturday|Sunday)\b")),
    ("period", re.compile(r"\b(?P<which>last|this|next|past)\s+(?P<unit>week|month|year)\b", re.IGNORECASE)),
)
_OFFSET = re.compile(rf"\b{_COUNT}\s+(?P<unit>days?|weeks?)\s+(?P<dir>after|before|earlier than|later than)\s+$",
                     re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|won't|shall|is due|are due|is expected to|are expected to|is set to|are set to|"
                     r"plans? to|scheduled|next|upcoming|coming|until)\b", re.IGNORECASE)
_LOOKBACK = 45  # characters before a weekday searched for a future cue
# cheap test first: most sentences have no digit, month, weekday or day word at all
_MAYBE = re.compile(r"\d|day|night|morning|afternoon|evening|tomorrow|week|month|year|Jan|Feb|Mar|Apr|May|Jun|Jul"
                    r"|Aug|Sep|Oct|Nov|Dec", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a sentence and the date it refers to.

    ``precision`` is "day", "week", "month" or "year" (``value`` is then the first day of that
    period); ``relative`` says whether the anchor was needed to resolve it.
    """

    start: int
    end: int
    text: str
    value: date
    precision: str
    relative: bool


def article_anchor(article: Article) -> date | None:
    """Return the day relative dates in ``article`` resolve against, or None.

    Only a stated publication date of day precision or finer anchors relative dates; an inferred
    or approximate date (a caption date, a week-precision guess) never does.
    """
    if article.date is None or article.date.inferred or article.date.precision not in ("minute", "hour", "day"):
        return None
    return article.date.day


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _closest_year(month: int, day: int, anchor: date) -> date | None:
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    # news mostly looks back: a date up to a month ahead is the coming one, otherwise the past one
    past = [d for d in options if d <= anchor + timedelta(days=31)]
    return max(past) if past else (min(options) if options else None)


def _weekday(match: re.Match[str], text: str, anchor: date) -> date:
    target = _WEEKDAYS.index(match["weekday"].lower())
    which = (match["which"] or "").lower()
    back = (anchor.weekday() - target) % 7
    if which in ("next", "coming"):
        return anchor + timedelta(days=(target - anchor.weekday()) % 7 or 7)
    if which in ("last", "past"):
        return anchor - timedelta(days=back or 7)
    before = text[max(0, match.start() - _LOOKBACK): match.start()]
    if _FUTURE.search(before) and back:
        return anchor + timedelta(days=7 - back)
    return anchor - timedelta(days=back)


def _resolve(kind: str, match: re.Match[str], text: str, anchor: date | None) -> tuple[date, str] | None:
    """Return ``(value, precision)`` for one match, or None when it cannot be grounded."""
    try:
        if kind == "iso":
            return date(int(match["year"]), int(match["m"]), int(match["day"])), "day"
        if kind in ("dmy", "mdy"):
            return date(int(match["year"]), _month(match["month"]), int(match["day"])), "day"
        if kind == "my":
            return date(int(match["year"]), _month(match["month"]), 1), "month"
    except ValueError:
        return None
    if anchor is None:
        return None
    if kind in ("md", "dm"):
        day = int(match["day"])
        value = _closest_year(_month(match["month"]), day, anchor) if 1 <= day <= 31 else None
        return (value, "day") if value else None
    if kind == "word":
        word = match["word"].lower()
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
        return anchor + timedelta(days=offset), "day"
    if kind == "ago":
        count = _NUMBERS.get(match["count"].lower()) or int(match["count"])
        unit = match["unit"].lower()
        days = count * (7 if unit.startswith("week") else 1)
        return anchor - timedelta(days=days), "day" if unit.startswith("day") else "week"
    if kind == "weekday":
        return _weekday(match, text, anchor), "day"
    if kind == "period":
        which, unit = match["which"].lower(), match["unit"].lower()
        step = {"last": -1, "past": -1, "this": 0, "next": 1}[which]
        if unit == "week":
            monday = anchor - timedelta(days=anchor.weekday())
            return monday + timedelta(days=7 * step), "week"
        if unit == "month":
            month_index = anchor.year * 12 + anchor.month - 1 + step
            return date(month_index // 12, month_index % 12 + 1, 1), "month"
        return date(anchor.year + step, 1, 1), "year"
    return None


def resolve_dates(text: str, anchor: date | None) -> list[DateMention]:
    """Find the date expressions in ``text`` and resolve them.

    Args:
        text: one sentence (or any text).
        anchor: the publication day relative expressions resolve against (see
            :func:`article_anchor`); None resolves only self-contained dates.

    Returns:
        Non-overlapping mentions in text order; expressions that cannot be grounded are left out.

    >>> [(m.text, m.value.isoformat()) for m in resolve_dates("on 13 June 2014 and on Sunday", date(2014, 6, 23))]
    [('13 June 2014', '2014-06-13'), ('Sunday', '2014-06-22')]
    >>> resolve_dates("on Sunday", None)
    []
    """
    if not _MAYBE.search(text):
        return []
    taken: list[tuple[int, int]] = []
    mentions: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            resolved = _resolve(kind, match, text, anchor)
            taken.append((start, end))  # an unresolvable span still blocks weaker readings of it
            if resolved is None:
                continue
            value, precision = resolved
            relative = kind not in ("iso", "dmy", "mdy", "my")
            offset = _OFFSET.search(text[:start])
            if offset and precision == "day":
                count = _NUMBERS.get(offset["count"].lower()) or int(offset["count"])
                days = count * (7 if offset["unit"].lower().startswith("week") else 1)
                sign = 1 if offset["dir"].lower() in ("after", "later than") else -1
                value, start, relative = value + timedelta(days=sign * days), offset.start(), True
            mentions.append(DateMention(start, end, text[start:end], value, precision, relative))
    return sorted(mentions, key=lambda m: m.start)
