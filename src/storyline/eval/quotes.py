"""Quote attribution on PolNeAR: source, cue and content span F1, exact and overlap-based.

Scoring (per role, micro-averaged over documents): gold spans are the annotated role spans of the
``attributions`` (identical spans of one document count once; a discontinuous span counts as the
range it covers). A predicted span matches a gold span **exactly** when both cover the same
characters after trimming white space and edge punctuation (.,;:), and **by overlap** when they
share at least one word; matching is one-to-one, greedy by overlap size.

Baseline ``quote_marks``: every quotation of three words or more, with the nearest "said"/"says"
in its paragraph as cue and the name or pronoun next to that cue as source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from storyline.config import NlpConfig
from storyline.eval.common import EvalResult
from storyline.model import Article
from storyline.nlp.annotate import Annotator
from storyline.text import paragraph_spans, split_sentences

__all__ = ["ROLES", "baseline_attributions", "evaluate_quotes", "score_attributions", "storyline_attributions"]

ROLES = ("source", "cue", "content")
Spans = dict[str, list[tuple[int, int]]]
_EDGE = " \t\n.,;:"
_BASELINE_QUOTE = re.compile(r"[“\"]([^”\"\n]{3,}?)[”\"]")
_SAID = re.compile(r"\b(?:said|says|say)\b")
_NAME_OR_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*)"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def gold_spans(record: dict) -> Spans:
    """Return the gold spans of each role of one PolNeAR record (covering ranges, deduplicated)."""
    text = record["text"]
    spans: Spans = {role: [] for role in ROLES}
    for attribution in record["attributions"]:
        for role in ROLES:
            parts = attribution[f"{role}_span"]
            if parts:
                span = _trim(text, min(p[0] for p in parts), max(p[1] for p in parts))
                if span[1] > span[0] and span not in spans[role]:
                    spans[role].append(span)
    return spans


def _words(text: str, span: tuple[int, int]) -> set[int]:
    return {m.start() + span[0] for m in re.finditer(r"\w+", text[span[0]:span[1]])}


def _match(text: str, predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> tuple[int, int]:
    """Return (exact matches, overlap matches), each one-to-one."""
    exact = len(set(predicted) & set(gold))
    pairs = []
    gold_words = [_words(text, g) for g in gold]
    for i, p in enumerate(predicted):
        words = _words(text, p)
        for j in range(len(gold)):
            shared = len(words & gold_words[j])
            if shared:
                pairs.append((-shared, i, j))
    used_p, used_g = set(), set()
    for _, i, j in sorted(pairs):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return exact, len(used_p)


def score_attributions(records: list[dict], predictions: list[Spans]) -> dict[str, float]:
    """Return P/R/F1 per role, exact and overlap (``content_f1`` is the overlap F1; ``*_exact_f1`` exact)."""
    totals = {role: [0, 0, 0, 0] for role in ROLES}  # exact hits, overlap hits, predicted, gold
    for record, predicted in zip(records, predictions, strict=True):
        gold = gold_spans(record)
        for role in ROLES:
            p = sorted(set(predicted.get(role, [])))
            exact, overlap = _match(record["text"], p, gold[role])
            t = totals[role]
            t[0] += exact
            t[1] += overlap
            t[2] += len(p)
            t[3] += len(gold[role])
    metrics: dict[str, float] = {}
    for role, (exact, overlap, n_pred, n_gold) in totals.items():
        for name, hits in (("", overlap), ("_exact", exact)):
            precision = hits / n_pred if n_pred else 0.0
            recall = hits / n_gold if n_gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            if not name:
                metrics[f"{role}_precision"] = precision
                metrics[f"{role}_recall"] = recall
            metrics[f"{role}{name}_f1"] = f1
    return metrics


def _article(record: dict, index: int) -> Article:
    text = record["text"]
    paragraphs = paragraph_spans(text)
    return Article(id=f"polnear-{index}", raw_sha256="", origin=record.get("doc_id", ""), text=text,
                   paragraphs=paragraphs, sentences=split_sentences(text, paragraphs))


def storyline_attributions(records: list[dict], annotator: Annotator) -> list[Spans]:
    """Predict role spans with storyline's quote attribution."""
    articles = [_article(r, i) for i, r in enumerate(records)]
    predictions = []
    for article, annotation in zip(articles, annotator.annotate(articles), strict=True):
        text = article.text
        spans: Spans = {role: [] for role in ROLES}
        for quote in annotation.quotes:
            spans["content"].append(_trim(text, quote.parts[0].start, quote.parts[-1].end))
            if quote.cue_span is not None:
                spans["cue"].append(_trim(text, quote.cue_span.start, quote.cue_span.end))
            if quote.speaker_span is not None:
                spans["source"].append(_trim(text, quote.speaker_span.start, quote.speaker_span.end))
        predictions.append(spans)
    return predictions


def baseline_attributions(records: list[dict]) -> list[Spans]:
    """Predict role spans with quotation marks and the nearest "said" (see the module docstring)."""
    predictions = []
    for record in records:
        text = record["text"]
        spans: Spans = {role: [] for role in ROLES}
        for paragraph in paragraph_spans(text):
            chunk = text[paragraph.start:paragraph.end]
            saids = list(_SAID.finditer(chunk))
            for quote in _BASELINE_QUOTE.finditer(chunk):
                if len(quote.group(1).split()) < 3:
                    continue
                spans["content"].append(_trim(text, paragraph.start + quote.start(), paragraph.start + quote.end()))
                if not saids:
                    continue
                said = min(saids, key=lambda m: min(abs(m.start() - quote.end()), abs(quote.start() - m.end())))
                spans["cue"].append((paragraph.start + said.start(), paragraph.start + said.end()))
                before = re.search(rf"({_NAME_OR_PRONOUN})\s*$", chunk[:said.start()])
                after = re.match(rf"\s*({_NAME_OR_PRONOUN})", chunk[said.end():])
                source = None
                if said.start() >= quote.end() and before and before.start(1) >= quote.end():
                    source = (before.start(1), before.end(1))
                elif after:
                    source = (said.end() + after.start(1), said.end() + after.end(1))
                elif before:
                    source = (before.start(1), before.end(1))
                if source:
                    spans["source"].append(_trim(text, paragraph.start + source[0], paragraph.start + source[1]))
        predictions.append(spans)
    return predictions


def load_polnear(path: Path, limit: int | None = None) -> list[dict]:
    """Read PolNeAR records from ``dev.jsonl`` in ``path`` (a file or the polnear folder)."""
    file = path / "dev.jsonl" if path.is_dir() else path
    records = []
    with file.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
                if limit and len(records) >= limit:
                    break
    return records


def evaluate_quotes(path: Path, limit: int | None = None, config: NlpConfig | None = None,
                    annotator: Annotator | None = None) -> EvalResult:
    """Score storyline and the quotation-mark baseline on the PolNeAR dev split, in the same run."""
    records = load_polnear(path, limit)
    annotator = annotator or Annotator(config or NlpConfig())
    result = EvalResult("quotes", str(path))
    result.metrics["storyline"] = score_attributions(records, storyline_attributions(records, annotator))
    result.metrics["quote_marks"] = score_attributions(records, baseline_attributions(records))
    result.notes.append(f"{len(records)} documents, {sum(len(r['attributions']) for r in records)} attributions; "
                        f"storyline annotator: {annotator.method}; role_f1 = overlap match, role_exact_f1 = exact")
    return result
