"""Numbers reported for countable events ("1,700 soldiers executed"), with who says so and how sure.

For each number in a sentence, the nearest event word within a few words gives the measure
(killed, captured, sent, wounded, displaced), the noun after the number gives the unit (troops,
people, fighters, advisers), and "in/at/near Place" gives the places. The status comes from the
sentence, or the next one when it refers back ("those numbers appear exaggerated"):
``unconfirmed`` ("could not be confirmed"), ``disputed`` ("exaggerated", "denied"),
``confirmed``, ``claimed`` (attributed to a speaker) or ``reported``.
"""

from __future__ import annotations

import re

from storyline.model import Claim, QuoteMention, Span

__all__ = ["MEASURES", "UNITS", "find_claims"]

MEASURES: dict[str, tuple[str, ...]] = {
    "killed": ("killed", "kill", "kills", "killing", "executed", "execute", "executing", "massacred", "dead", "died",
               "deaths", "slain", "beheaded", "shot"),
    "captured": ("captured", "capture", "capturing", "seized", "held", "kidnapped", "abducted", "detained",
                 "arrested", "surrendered"),
    "sent": ("sent", "send", "sending", "deployed", "deploy", "deploying", "dispatched", "offered", "offer"),
    "wounded": ("wounded", "injured", "hurt"),
    "displaced": ("evacuated", "displaced", "fled", "homeless"),
}
UNITS: dict[str, tuple[str, ...]] = {
    "troops": ("troops", "soldiers", "soldier", "servicemen", "army", "marines", "personnel", "deserters", "recruits"),
    "people": ("people", "civilians", "residents", "persons", "men", "women", "children", "villagers", "families"),
    "fighters": ("fighters", "militants", "insurgents", "members", "gunmen", "jihadists", "rebels", "militiamen"),
    "advisers": ("advisers", "advisors", "experts", "trainers"),
}
_NUMBER = re.compile(r"(?<![\w$£€.,])(?P<a>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*"
                     r"(?P<b>\d{1,3}(?:,\d{3})+|\d+))?(?:\s+(?P<scale>million|thousand|hundred))?(?![\w%])")
_PLACE = re.compile(r"\b(?:in|at|near|from|outside)\s+((?:[A-Z][\w’'-]+)(?:\s+[A-Z][\w’'-]+){0,2})")
_UNCONFIRMED = re.compile(r"could not (?:be )?(?:independently )?(?:confirm|verif)|not (?:been )?(?:independently )?"
                          r"(?:confirmed|verified)|unconfirmed|unverified|cannot be (?:confirmed|verified)", re.I)
_DISPUTED = re.compile(r"exaggerat|disputed?|denied|deny|inflated|false|questioned|overstated", re.I)
_CONFIRMED = re.compile(r"(?<!not )(?<!n't )\bconfirmed\b", re.I)
_CLAIMED = re.compile(r"\b(?:claim(?:ed|s)?|purported(?:ly)?|boasted|alleged(?:ly)?)\b", re.I)
_REFERS_BACK = re.compile(r"\b(?:those|these|the|that|this)\s+(?:numbers?|figures?|claims?|counts?|tolls?|totals?)\b",
                          re.I)
_NOT_COUNTS = frozenset({"hours", "hour", "days", "day", "weeks", "months", "years", "year", "minutes", "miles", "mile",
                         "km", "kilometres", "kilometers", "metres", "meters", "percent", "per", "%", "dollars",
                         "billion", "am", "pm", "a.m", "p.m"})
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[\w’'-]+")
_SCALE = {"million": 1e6, "thousand": 1e3, "hundred": 1e2}


def _value(raw: str, scale: str | None) -> float:
    return float(raw.replace(",", "")) * _SCALE.get(scale or "", 1.0)


def _nearest(words: list[tuple[int, str]], position: int, lexicon: dict[str, tuple[str, ...]],
             window: int) -> str | None:
    best = None
    for index, word in words:
        for name, forms in lexicon.items():
            if word in forms and abs(index - position) <= window and (best is None or abs(index - position) < best[0]):
                best = (abs(index - position), name)
    return best[1] if best else None


def _status(text: str) -> str | None:
    if _UNCONFIRMED.search(text):
        return "unconfirmed"
    if _DISPUTED.search(text):
        return "disputed"
    if _CONFIRMED.search(text):
        return "confirmed"
    return None


def find_claims(article_id: str, text: str, sentences: list[Span], quotes: list[QuoteMention]) -> list[Claim]:
    """Return the counted claims of one article (see the module docstring)."""
    claims = []
    for index, sentence in enumerate(sentences):
        chunk = text[sentence.start:sentence.end]
        tokens = list(_TOKEN.finditer(chunk))
        words = [(i, t.group().lower()) for i, t in enumerate(tokens)]
        for match in _NUMBER.finditer(chunk):
            a, b = match.group("a"), match.group("b")
            low = _value(a, match.group("scale"))
            if not b and 1900 <= low <= 2100 and "," not in a:
                continue  # a year
            position = next((i for i, t in enumerate(tokens) if t.start() >= match.start()), 0)
            measure = _nearest(words, position, MEASURES, 6)
            if measure is None:
                continue
            after = [w for _, w in words[position + 1: position + 4]]
            if after and after[0] in _NOT_COUNTS:
                continue  # "24 hours", "105 miles", "30 percent"
            unit = next((name for name, forms in UNITS.items() for w in after[:3] if w in forms), "")
            high = _value(b, match.group("scale")) if b else low
            span = Span(sentence.start, sentence.end)
            status, status_span = _status(chunk), span
            if status is None and index + 1 < len(sentences):
                following = text[sentences[index + 1].start:sentences[index + 1].end]
                if _REFERS_BACK.search(following):
                    status, status_span = _status(following), sentences[index + 1]
            source = _source(span, match.start() + sentence.start, quotes, text)
            if status is None:
                status = "claimed" if source or _CLAIMED.search(chunk) else "reported"
                status_span = None
            places = tuple(dict.fromkeys(p.group(1) for p in _PLACE.finditer(chunk)))
            claims.append(Claim(article_id, span, match.group().strip(), low, high, measure, unit, places, status,
                                source, status_span if status_span != span else None))
    # "1,700 soldiers out of 2,500 it had captured": a number with no noun counts what its neighbour counts
    units = {c.span: c.unit for c in claims if c.unit}
    return [c if c.unit or c.span not in units else Claim(c.article_id, c.span, c.value, c.low, c.high, c.measure,
                                                           units[c.span], c.places, c.status, c.source, c.status_span)
            for c in claims]


def _source(sentence: Span, position: int, quotes: list[QuoteMention], text: str) -> str | None:
    """Who the article attributes the number to: the speaker of the quote that holds it."""
    for quote in quotes:
        if quote.speaker and any(p.start <= position < p.end for p in quote.parts):
            if quote.speaker_ref is not None:
                return text[quote.speaker_ref.start:quote.speaker_ref.end]
            return quote.speaker
    return None
