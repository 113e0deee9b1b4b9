"""Direct quotes with hand-resolved speakers (T17 gold, or any set in its layout): found and named-speaker accuracy.

Data layout (``shared/data/quotes/t17-gold``): ``articles.jsonl`` lists ``{"id", "topic"}`` of
articles whose text lives in the Timeline17 files (``timelines/t17/<topic>/articles.jsonl.gz``),
``quotes.jsonl`` one quotation a line with character offsets into that (tokenized) text and the
speaker's canonical name (``"UNNAMED"`` for an anonymous source, ``null`` when the text does not say).
Another hand-labelled set in the same layout may point at other texts with ``"texts"`` in a line of
``articles.jsonl`` (a JSONL(.gz) file relative to the set's folder, records ``{"id", "text"}``).

The tokenized T17 text (`` '' for quotation marks, -LRB-, spaces before punctuation) is
detokenized first, as no reader's input looks like it, and the gold offsets are carried over.

Measures:

- ``found``: share of gold quotes of at least three words that a system quote overlaps by at least
  half of the gold span (a quote split by its attribution counts each part);
- ``speaker_accuracy``: of the found quotes whose gold speaker is named, the share whose shown
  speaker names the same person or organisation (name words compared without titles, one set of
  words inside the other); a quote shown as unattributed counts as wrong;
- ``named_shown``: of the found quotes, the share shown with a named speaker;
- ``speaker_precision``: of the found quotes shown with a named speaker and a named gold speaker,
  the share that is right.

Baseline ``quote_marks``: quotations of three or more words, speaker = the name next to the nearest
"said"/"says" in the paragraph (a pronoun there is not a name).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from storyline.config import NlpConfig
from storyline.eval.common import EvalResult, find_shared_data
from storyline.model import Article
from storyline.nlp.annotate import Annotator, analyze_story
from storyline.nlp.names import parse_person, translit_key
from storyline.text import paragraph_spans, split_sentences

__all__ = ["GoldQuote", "detokenize", "evaluate_speakers", "load_gold", "same_speaker"]

_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}", "``": "“", "''": "”"}
_NO_SPACE_BEFORE = re.compile(r"^(?:[,.;:!?%)\]}”]|'s|'S|n't|N'T|'re|'ve|'ll|'d|'m|')$")
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "“", "$"})
_ORG_WORDS = frozenset({"the", "of", "and", "for", "s"})


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """A gold quotation: its span in the (detokenized) article text and its speaker."""

    doc_id: str
    start: int
    end: int
    speaker: str | None
    speaker_type: str

    @property
    def named(self) -> bool:
        return self.speaker is not None and self.speaker != "UNNAMED"


def detokenize(text: str) -> tuple[str, list[int]]:
    """Undo PTB tokenization; return the text and, for every input offset, its output offset.

    >>> print(detokenize("He said `` I wo n't go -LRB- now -RRB- . ''")[0])
    He said “I won't go (now).”
    """
    out: list[str] = []
    size = 0
    offsets = [0] * (len(text) + 1)
    glue = True  # no space before the next token
    for match in re.finditer(r"\n|[^ \n]+", text):
        token = match.group()
        if token == "\n":
            if out and out[-1] == " ":
                out.pop()
                size -= 1
            offsets[match.start()] = size
            out.append("\n")
            size += 1
            glue = True
            continue
        shown = _BRACKETS.get(token, token)
        if not glue and not _NO_SPACE_BEFORE.match(shown):
            out.append(" ")
            size += 1
        for i in range(len(token)):
            offsets[match.start() + i] = size + min(i, len(shown))
        offsets[match.end()] = size + len(shown)
        out.append(shown)
        size += len(shown)
        glue = shown in _NO_SPACE_AFTER
    # a space between tokens maps to where the next token starts
    following = size
    for i in range(len(text), -1, -1):
        if i < len(text) and text[i] == " ":
            offsets[i] = following
        else:
            following = offsets[i]
    return "".join(out), offsets


def _read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_gold(path: Path) -> tuple[list[Article], list[GoldQuote]]:
    """Read a gold set (see the module docstring): detokenized articles and gold quotes on them."""
    wanted = _read_jsonl(path / "articles.jsonl")
    texts: dict[str, str] = {}
    tokenized: set[str] = set()
    by_source: dict[Path, list[str]] = defaultdict(list)
    for row in wanted:
        if row.get("texts"):
            by_source[path / row["texts"]].append(row["id"])
        else:
            t17 = path.parent.parent / "timelines" / "t17"
            if not t17.exists():
                t17 = find_shared_data("timelines", "t17")
            by_source[t17 / row["topic"] / "articles.jsonl.gz"].append(row["id"])
            tokenized.add(row["id"])
    for source, ids in by_source.items():
        keep = set(ids)
        for record in _read_jsonl(source):
            if record["id"] in keep:
                texts[record["id"]] = record["text"]
    articles: dict[str, Article] = {}
    maps: dict[str, list[int]] = {}
    for doc_id in [r["id"] for r in wanted]:
        raw = texts[doc_id]
        text, offsets = detokenize(raw) if doc_id in tokenized else (raw, list(range(len(raw) + 1)))
        maps[doc_id] = offsets
        paragraphs = paragraph_spans(text)
        articles[doc_id] = Article(id=doc_id, raw_sha256="", origin=doc_id, text=text, paragraphs=paragraphs,
                                   sentences=split_sentences(text, paragraphs))
    quotes = []
    for q in _read_jsonl(path / "quotes.jsonl"):
        offsets = maps[q["doc_id"]]
        quotes.append(GoldQuote(q["doc_id"], offsets[q["char_start"]], offsets[q["char_end"]], q.get("speaker"),
                                q.get("speaker_type", "unknown")))
    return list(articles.values()), quotes


def _name_words(name: str) -> set[str]:
    parsed = parse_person(name)
    words = re.findall(r"[^\W_]+", parsed.full.lower())
    return {translit_key(w) for w in words if w not in _ORG_WORDS and len(w) > 1} or {translit_key(name.lower())}


def same_speaker(system: str | None, gold: str) -> bool:
    """True when two speaker names name the same actor: the words of one (no titles) inside the other's.

    >>> same_speaker("Hosni Mubarak", "Mubarak"), same_speaker("Omar Hariri", "Mustafa Abdel Jalil")
    (True, False)
    """
    if not system:
        return False
    a, b = _name_words(system), _name_words(gold)
    return a <= b or b <= a


@dataclass(slots=True)
class _Shown:
    parts: tuple[tuple[int, int], ...]
    speaker: str | None


def _storyline_quotes(articles: list[Article], annotator: Annotator, config: NlpConfig) -> dict[str, list[_Shown]]:
    """The quotes each article shows, with the speaker a view names (each article its own story)."""
    shown: dict[str, list[_Shown]] = {}
    for article, annotation in zip(articles, annotator.annotate(articles), strict=True):
        analysis = analyze_story([article], [annotation], {article.id: article.id}, annotator.aliases, config)
        names = {e.id: e.name for e in analysis.resolution.entities}
        rows = []
        for quote in (q for q in annotation.quotes if q.kind == "quote"):  # what a reader is shown
            entity = analysis.speakers.get((article.id, quote.span.start, quote.span.end))
            rows.append(_Shown(tuple((p.start, p.end) for p in quote.parts), names.get(entity) if entity else None))
        shown[article.id] = rows
    return shown


_QUOTE = re.compile(r"[“\"]([^”\"]{3,}?)[”\"]")
_SAID = re.compile(r"\b(?:said|says|say)\b")
_NAME = re.compile(r"(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*")
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})


def _baseline_quotes(articles: list[Article]) -> dict[str, list[_Shown]]:
    shown: dict[str, list[_Shown]] = {}
    for article in articles:
        text, rows = article.text, []
        for paragraph in article.paragraphs:
            chunk = text[paragraph.start:paragraph.end]
            saids = list(_SAID.finditer(chunk))
            for quote in _QUOTE.finditer(chunk):
                if len(quote.group(1).split()) < 3:
                    continue
                speaker = None
                if saids:
                    said = min(saids, key=lambda m: min(abs(m.start() - quote.end()), abs(quote.start() - m.end())))
                    after = _NAME.match(chunk, said.end() + 1) if chunk[said.end():said.end() + 1] == " " else None
                    before = re.search(rf"({_NAME.pattern})\s*$", chunk[:said.start()])
                    name = after.group() if after else before.group(1) if before else None
                    speaker = name if name and name.lower() not in _PRONOUNS else None
                start = paragraph.start + quote.start(1)
                rows.append(_Shown(((start, start + len(quote.group(1))),), speaker))
        shown[article.id] = rows
    return shown


def score_speakers(gold: list[GoldQuote], shown: dict[str, list[_Shown]], texts: dict[str, str]) -> dict[str, float]:
    """Return found, speaker_accuracy, named_shown and speaker_precision (see the module docstring)."""
    counted = found = named_gold = right = shown_named = named_both = right_named = 0
    for g in gold:
        if len(re.findall(r"\w+", texts[g.doc_id][g.start:g.end])) < 3:
            continue
        counted += 1
        best, overlap = None, 0
        for row in shown.get(g.doc_id, []):
            size = sum(max(0, min(b, g.end) - max(a, g.start)) for a, b in row.parts)
            if size > overlap:
                best, overlap = row, size
        if best is None or overlap < 0.5 * (g.end - g.start):
            continue
        found += 1
        shown_named += best.speaker is not None
        if g.named:
            named_gold += 1
            ok = same_speaker(best.speaker, g.speaker or "")
            right += ok
            if best.speaker is not None:
                named_both += 1
                right_named += ok
    return {"found": found / counted if counted else 0.0,
            "speaker_accuracy": right / named_gold if named_gold else 0.0,
            "named_shown": shown_named / found if found else 0.0,
            "speaker_precision": right_named / named_both if named_both else 0.0}


def evaluate_speakers(path: Path, config: NlpConfig | None = None, annotator: Annotator | None = None) -> EvalResult:
    """Score storyline's quotes and speakers and the quotation-mark baseline on a gold set, in one run."""
    config = config or NlpConfig()
    articles, gold = load_gold(path)
    texts = {a.id: a.text for a in articles}
    annotator = annotator or Annotator(config)
    result = EvalResult("quotes", str(path))
    result.metrics["storyline"] = score_speakers(gold, _storyline_quotes(articles, annotator, config), texts)
    result.metrics["quote_marks"] = score_speakers(gold, _baseline_quotes(articles), texts)
    counted = sum(1 for g in gold if len(re.findall(r"\w+", texts[g.doc_id][g.start:g.end])) >= 3)
    result.notes.append(f"{len(articles)} articles, {counted} gold quotes of 3+ words "
                        f"({sum(g.named for g in gold)} with a named speaker); annotator: {annotator.method}")
    return result
