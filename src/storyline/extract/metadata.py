"""Metadata a page states in its text: title, byline, dates, outlet and wire credits.

Used for scraped plain text, where no HTML metadata exists, and to fill gaps HTML leaves.
A date the page states (byline, date line, dateline) is the publication date; a date merely
mentioned (a caption, the body) is only an inferred, approximate date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from storyline.extract.scrape import Block, CleanedText, is_chrome_wording
from storyline.model import ArticleDate
from storyline.text import fold_quotes, normalize, word_count

__all__ = ["TextMetadata", "agency_name", "find_credits", "find_dates", "infer_text_metadata", "parse_date"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::\d{2})?"
               r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?\b"),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<y>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
)

# Wire agencies and the ways a text credits them.
_AGENCIES = {
    "Reuters": r"Reuters",
    "AFP": r"AFP|Agence France[- ]Presse",
    "AP": r"AP|Associated Press",
}
# An agency named by its form: capitalised words ending in "Wire", "News Agency" or "Press Agency".
_GENERIC_AGENCY = r"(?P<agency>(?:[A-Z][\w&'’.-]*\s+){0,3}(?:Wire|News Agency|Press Agency))"
_GENERIC_ENDING = re.compile(r"Wire|News Agency|Press Agency")
_CREDIT_CONTEXTS = (
    r"\(\s*(?:{a})\s*\)",                        # (Reuters)
    r"^[^.\n]{{0,60}},\s*(?:{a})\s*[—–-]",       # Mosul and Washington, Reuters—
    r"\b(?:{a})\s+reported\b",                   # Agence France-Presse reported
    r"\baccording to (?:the )?(?:{a})\b",        # according to AFP
    r"\btold (?:{a})\b",                         # told Reuters
    r"\b(?:reporting|writing|editing) by\b.*\b(?:{a})\b",
    r"^\s*(?:{a})\s*$",                          # a bare "AP" in a sources footer
)


@dataclass(slots=True)
class TextMetadata:
    """What the text itself says about the article."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: ArticleDate | None = None
    outlet: str | None = None
    credits: list[str] = field(default_factory=list)


def parse_date(match: re.Match[str]) -> tuple[str, str] | None:
    """Turn a match of one of the date patterns into ``(iso value, precision)``; None if invalid."""
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else _MONTHS[parts["month"][:3].lower()]
    try:
        day = date(int(parts["y"]), month, int(parts["d"]))
    except ValueError:
        return None
    if parts.get("H"):
        try:
            stamp = datetime.fromisoformat(match.group(0).replace("Z", "+00:00").replace(" ", "T"))
        except ValueError:
            return day.isoformat(), "day"
        return stamp.isoformat(), "minute"
    return day.isoformat(), "day"


def find_dates(text: str) -> list[tuple[int, str, str]]:
    """Return ``(offset, iso value, precision)`` for every full date written in ``text``.

    >>> [d[1:] for d in find_dates("By Agencies - Jun 16,2014 and 2014-09-01T05:48:21+00:00")]
    [('2014-06-16', 'day'), ('2014-09-01T05:48:21+00:00', 'minute')]
    """
    found: dict[int, tuple[int, str, str]] = {}
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parsed = parse_date(match)
            if parsed and not any(s <= match.start() < s + 30 for s in found):
                found[match.start()] = (match.start(), *parsed)
    return sorted(found.values())


def find_credits(text: str) -> list[str]:
    """Return the wire agencies ``text`` credits, in a fixed order.

    >>> find_credits("Mosul and Washington, Reuters—The United States ... according to AFP.")
    ['Reuters', 'AFP']
    """
    credits = []
    for agency, names in _AGENCIES.items():
        flags = re.MULTILINE | (0 if agency == "AP" else re.IGNORECASE)
        if not re.search(names, text, flags):  # one scan rules out most agencies before the contexts
            continue
        for context in _CREDIT_CONTEXTS:
            if re.search(context.format(a=names), text, flags):
                credits.append(agency)
                break
    if not _GENERIC_ENDING.search(text):
        return credits
    # agencies known only by the form of their name ("Continental Wire", "Xinhua News Agency")
    for context in _CREDIT_CONTEXTS[:5]:
        for match in re.finditer(context.format(a=_GENERIC_AGENCY), text, re.MULTILINE):
            name = " ".join(match.group("agency").split())
            if name not in credits:
                credits.append(name)
    return credits


def agency_name(name: str | None) -> str | None:
    """Return the canonical wire agency a name (an outlet, a byline) stands for, or None.

    >>> agency_name("Agence France-Presse"), agency_name("Continental Wire"), agency_name("Jordan Times")
    ('AFP', 'Continental Wire', None)
    """
    if not name:
        return None
    for agency, names in _AGENCIES.items():
        if re.fullmatch(rf"\s*(?:the\s+)?(?:{names})\s*", name, 0 if agency == "AP" else re.IGNORECASE):
            return agency
    match = re.fullmatch(rf"\s*{_GENERIC_AGENCY}\s*", name)
    return " ".join(match.group("agency").split()) if match else None


def _title_case(name: str) -> str:
    return name.title() if name.isupper() or name.islower() or "-" in name else name


def _site_segments(header: list[Block]) -> tuple[set[str], str | None]:
    """Find pipe-separated segments that recur across header lines: the site's name."""
    segments = [[s.strip() for s in b.text.split("|") if s.strip()] for b in header if "|" in b.text]
    names: set[str] = set()
    outlet = None
    for i, line in enumerate(segments):
        for other in segments[i + 1 :]:
            for a in line:
                for b in other:
                    na, nb = normalize(a), normalize(b)
                    short, long_ = (na, nb) if len(na) <= len(nb) else (nb, na)
                    if short and long_.startswith(short) and len(short) >= 3:
                        names.update({na, nb})
                        outlet = outlet or _title_case(a if na == short else b)
    return names, outlet


def _title(header: list[Block], site_names: set[str]) -> str | None:
    """The headline: the longest title-like segment of the last title-like header block.

    Site names and taglines sit at the top of a page; the headline sits just above the byline
    or the body, so the block closest to the body wins.
    """
    best: str | None = None
    for block in header:
        if block.label in ("meta", "caption", "code") or (block.label == "chrome" and "|" not in block.text):
            continue
        segments = []
        for segment in block.text.split("|"):
            segment = segment.strip().lstrip("/").strip()
            words = word_count(segment)
            if normalize(segment) in site_names or not 3 <= words <= 30 or segment.endswith((".", ":", ";", ",")):
                continue
            segments.append((words, segment))
        if segments:
            best = max(segments)[1]
    return best


_OUTLET_LINE = re.compile(r"^(?:[A-Z][\w&'’.]*)(?:\s+(?:of|the|and|[A-Z][\w&'’.]*)){0,5}$")
_PHOTO_CREDIT = re.compile(r"\((?:photo|picture)\s*:\s*([^/()]{3,40})/", re.IGNORECASE)


def _outlet_from_masthead(header: list[Block]) -> str | None:
    """The masthead: a short capitalised line (tagline after " - " dropped) above the headline."""
    for block in header:
        if block.label not in ("chrome", "other") or "|" in block.text or is_chrome_wording(block.text):
            continue
        name = re.split(r"\s+[-–—]\s+", block.text.strip())[0].strip()
        if _OUTLET_LINE.match(name) and 1 <= word_count(name) <= 5 and len(name) >= 4:
            return _title_case(name)
    return None


def _outlet_from_credit(blocks: list[Block]) -> str | None:
    for block in blocks:
        match = _PHOTO_CREDIT.search(block.text) if block.label == "caption" else None
        if match and word_count(match.group(1)) <= 5:
            return match.group(1).strip()
    return None


def _authors(header: list[Block]) -> list[str]:
    for block in header:
        match = re.match(r"^\s*(?:by|written(?:\s+by)?)\s*[:|\-]?\s*([^|\-–—\d]+)", fold_quotes(block.text),
                         re.IGNORECASE)
        if match and block.label == "meta":
            name = match.group(1).strip(" :,")
            if name and name.lower() not in {"agencies", "staff", "admin"} and word_count(name) <= 5:
                return [name]
    return []


def _stated_date(header: list[Block], first_paragraph: str) -> ArticleDate | None:
    for block in header:
        if block.label != "meta":
            continue
        dates = find_dates(block.text)
        if dates:
            best = max(dates, key=lambda d: d[2] == "minute")
            return ArticleDate(best[1], best[2], inferred=False, source=f"byline: {block.text.strip()[:60]}")
    dateline = find_dates(first_paragraph[:80])
    if dateline:
        return ArticleDate(dateline[0][1], dateline[0][2], inferred=False, source="dateline")
    return None


def _inferred_date(blocks: list[Block]) -> ArticleDate | None:
    """The latest full date mentioned anywhere: the article cannot be older than that."""
    mentions = []
    for text in (b.text for b in blocks if b.label in ("caption", "other", "body", "heading")):
        mentions.extend((d[1][:10], text) for d in find_dates(text))
    if not mentions:
        return None
    value, where = max(mentions)
    kind = "a photo caption" if re.search(r"\b(?:photo|picture)\b", where, re.IGNORECASE) else "the text"
    return ArticleDate(value, "week", inferred=True, source=f"latest date mentioned in {kind}")


def infer_text_metadata(cleaned: CleanedText, all_text: str) -> TextMetadata:
    """Infer title, authors, date, outlet and wire credits from a cleaned scraped page.

    Args:
        cleaned: the page's labelled blocks; its header holds title, byline and navigation.
        all_text: the whole page text (credits can sit in footers).
    """
    header = cleaned.header
    site_names, outlet = _site_segments(header)
    first = cleaned.paragraphs[0] if cleaned.paragraphs else ""
    return TextMetadata(
        title=_title(header, site_names),
        authors=_authors(header),
        date=_stated_date(header, first) or _inferred_date(cleaned.blocks),
        outlet=outlet or _outlet_from_masthead(header) or _outlet_from_credit(cleaned.blocks),
        credits=find_credits(all_text),
    )
