"""Direct quotes by their quotation marks: regions of one or more parts, and the words they hold.

Pure functions over the article text, shared by the cue finders (``attribution``) and the quote
assembly (``quotes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.model import Span

__all__ = ["QuoteRegion", "covers", "join_parts", "part_text", "quote_regions", "region_at", "trim_span"]

OPEN = "“\u201f"
CLOSE = "”"
_SENTENCE_END = re.compile(r"[.!?…]['’”\"]?$")


@dataclass(frozen=True, slots=True)
class QuoteRegion:
    """A direct quote: one or more parts (with their marks), in order."""

    parts: tuple[Span, ...]

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def end(self) -> int:
        return self.parts[-1].end


def quote_regions(text: str) -> list[QuoteRegion]:
    """Find direct quotes: spans including their quotation marks, continued over paragraphs.

    Curly quotes nest (“a “b” c” is one quote); straight quotes, and two apostrophes used as one
    (''like this'', a newswire style), open after a space or line start and close otherwise. A
    quote left open at a paragraph end continues when the next paragraph opens with a quotation
    mark, else it ends with its paragraph.
    """
    regions: list[QuoteRegion] = []
    parts: list[Span] = []
    depth, start, i, n = 0, -1, 0, len(text)
    while i < n:
        ch, width = text[i], 1
        if ch == "'" and text.startswith("''", i):
            ch, width = '"', 2
        if depth == 0:
            if ch in OPEN or (ch == '"' and (i == 0 or not text[i - 1].isalnum())):
                depth, start = 1, i
        elif text[i] == "\n" and text[i + 1:i + 2] != "\n" and (
                _opens_line(text, i + 1) or not _goes_on(text, i + 1)):
            # a line break inside a quote: a next line opening with a quotation mark continues it as a
            # new part; lines that the quote goes on over (text with a sentence a line) are read on;
            # otherwise the quote ends with its line
            j = i + 1
            parts.append(Span(start, i))
            if _opens_line(text, j):
                depth, start, i = 1, j, j + (2 if text.startswith("''", j) else 1)
                continue
            regions.append(QuoteRegion(tuple(parts)))
            parts, depth = [], 0
        elif text.startswith("\n\n", i) or (text[i] == "\n" and text[i + 1:i + 2] == "\n"):
            j = i
            while j < n and text[j].isspace():
                j += 1
            parts.append(Span(start, i))
            if j < n and (text[j] in OPEN or text[j] == '"' or text.startswith("''", j)):
                depth, start, i = 1, j, j + (2 if text.startswith("''", j) else 1)
                continue
            regions.append(QuoteRegion(tuple(parts)))
            parts, depth = [], 0
        elif ch in OPEN:
            depth += 1
        elif ch in CLOSE or (ch == '"' and (i + width == n or not text[i + width].isalnum()
                                            or text[i - 1] in ".,?!")):
            depth -= 1
            if depth == 0:
                parts.append(Span(start, i + width))
                regions.append(QuoteRegion(tuple(parts)))
                parts = []
        i += width
    if depth and start >= 0:
        parts.append(Span(start, n))
        regions.append(QuoteRegion(tuple(parts)))
    return [r for r in regions if any(p.end - p.start > 2 for p in r.parts)]


def _opens_line(text: str, at: int) -> bool:
    return at < len(text) and (text[at] in OPEN or text[at] == '"' or text.startswith("''", at))


def _goes_on(text: str, at: int, lines: int = 8) -> bool:
    """True when an open quote goes on over the line starting at ``at``.

    Lines with no quotation mark are read on until a line closes the quote (it spans them) or opens
    with a quotation mark (the quote's next part: it spans them too); a quotation mark opening inside
    a line, a paragraph break or ``lines`` lines end it.
    """
    for _ in range(lines):
        end = text.find("\n", at)
        line = text[at:end if end >= 0 else len(text)]
        for k, ch in enumerate(line):
            straight = ch in "\"'" and line.startswith(("''", '"'), k)
            if ch in OPEN or (straight and (k == 0 or line[k - 1].isspace())):
                return k == 0
            if ch in CLOSE or (straight and k > 0 and not line[k - 1].isspace()):
                return True
        if end < 0 or text.startswith("\n", end + 1):  # the text or its paragraph ends
            return False
        at = end + 1
    return False


def part_text(text: str, part: Span) -> str:
    """The words of one quote part without its quotation marks and a comma handing over to the cue."""
    piece = text[part.start:part.end].strip()
    piece = piece[2:] if piece[:2] == "''" else piece[1:] if piece[:1] in OPEN + '"' else piece
    piece = piece[:-2] if piece[-2:] == "''" else piece[:-1] if piece[-1:] in CLOSE + '"' else piece
    return piece.strip().rstrip(",").strip()


def join_parts(pieces: list[str]) -> str:
    """Join the parts of one quote, marking where the attribution cut it.

    A part that ends a sentence is followed by a space; one cut mid-sentence ("…interests of Iraq,”
    he said. “We are …") by an ellipsis, so the break is never lost and no words are invented.

    >>> join_parts(["The interests of Iraq", "We are open."])
    'The interests of Iraq … We are open.'
    >>> join_parts(["It was a crazy battle.", "Nobody could leave."])
    'It was a crazy battle. Nobody could leave.'
    """
    out = ""
    for piece in (p for p in pieces if p):
        if out:
            out += " " if _SENTENCE_END.search(out) else " … "
        out += piece
    return out


def region_at(regions: list[QuoteRegion], start: int, end: int) -> int | None:
    """The index of the first region overlapping ``[start, end)``, if any."""
    for i, r in enumerate(regions):
        if r.start < end and start < r.end:
            return i
    return None


def covers(region: QuoteRegion, span: Span) -> bool:
    """True when a span is (mostly) the quote itself, not reported speech quoting a phrase."""
    inside = sum(max(0, min(p.end, span.end) - max(p.start, span.start)) for p in region.parts)
    return inside >= 0.85 * (span.end - span.start)


def trim_span(text: str, start: int, end: int) -> Span | None:
    """The span without surrounding spaces and edge punctuation (, ; : and dashes), or None if empty."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return Span(start, end) if end > start else None
