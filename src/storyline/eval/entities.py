"""Cross-document alias resolution on ECB+ entity chains (CoNLL F1: MUC, B-cubed, CEAF-e).

Protocol: the gold entity mentions that are proper names (every word capitalised, not a single
word that also occurs in lower case in the corpus) are the mentions to cluster; gold clusters are
their chain ids. storyline types each mention with its NER (spaCy, or the rules), resolves all
of them into actors with the story (ECB+ subtopic) as the scope for surname-only mentions, and
its actor ids are the predicted clusters; a mention it cannot resolve is a singleton.
Baseline ``string_match``: mentions with the same normalised string are one cluster.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

from storyline.eval.common import EvalResult
from storyline.eval.coref import conll
from storyline.model import NameMention
from storyline.nlp.entities import find_mentions
from storyline.nlp.gazetteer import load_aliases
from storyline.nlp.names import NAME_PARTICLES, name_key
from storyline.nlp.resolve import resolve_actors
from storyline.nlp.spacy_model import SpacyModel
from storyline.text import split_sentences

__all__ = ["evaluate_entities", "name_mentions"]

_CONNECTORS = NAME_PARTICLES | {"of", "the", "and", "for", "&"}


def _read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def name_mentions(mentions: list[dict], texts: dict[str, str]) -> list[dict]:
    """Keep the gold entity mentions written as proper names."""
    lower_words = {w for text in texts.values() for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
    kept = []
    for m in mentions:
        if m["type"] != "entity" or m["doc_id"] not in texts:
            continue
        words = re.sub(r"^(?:the|The)\s+", "", m["text"]).split()
        if not words or not all(w[:1].isupper() or w.lower() in _CONNECTORS for w in words):
            continue
        if not words[0][:1].isupper() or (len(words) == 1 and words[0].lower() in lower_words):
            continue
        kept.append(m)
    return kept


def evaluate_entities(path: Path, topics: int | None = None, use_spacy: bool = True) -> EvalResult:
    """Score storyline's alias resolution and the string-match baseline on ECB+ (``documents``/``mentions``)."""
    documents = _read(path / "documents.jsonl.gz")
    if topics:
        wanted = sorted({d["topic"] for d in documents}, key=lambda t: int(t) if t.isdigit() else t)[:topics]
        documents = [d for d in documents if d["topic"] in wanted]
    texts = {d["id"]: d["text"] for d in documents}
    story_of = {d["id"]: d["subtopic"] for d in documents}
    gold_mentions = name_mentions(_read(path / "mentions.jsonl.gz"), texts)
    aliases = load_aliases()
    model = SpacyModel(disable=("parser", "lemmatizer"), enabled=use_spacy)
    nlp = model.get()
    ids = sorted(texts)
    docs = nlp.pipe([texts[i] for i in ids], batch_size=32) if nlp is not None else (None for _ in ids)
    predicted_by_doc: dict[str, list[NameMention]] = {}
    for doc_id, doc in zip(ids, docs, strict=False):
        text = texts[doc_id]
        predicted_by_doc[doc_id] = find_mentions(doc_id, text, split_sentences(text), aliases, doc)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for m in gold_mentions:
        by_doc[m["doc_id"]].append(m)
    to_resolve: list[NameMention] = []
    for doc_id, gold in by_doc.items():
        predicted = predicted_by_doc.get(doc_id, [])
        for m in gold:
            start, end = m["char_start"], m["char_end"]
            overlapping = [p for p in predicted if p.start < end and start < p.end]
            best = max(overlapping, key=lambda p: min(p.end, end) - max(p.start, start), default=None)
            label = best.label if best is not None else "unknown"
            canonical = best.canonical if best is not None and (best.start, best.end) == (start, end) else None
            if label == "nominal":
                label = "unknown"
            to_resolve.append(NameMention(doc_id, start, end, texts[doc_id][start:end], label,
                                          canonical=canonical, source="gold-span"))
    resolution = resolve_actors(to_resolve, story_of, aliases)
    index = resolution.index()
    gold = {m["mention_id"]: m["chain_id"] for m in gold_mentions}
    system = {m["mention_id"]: index.get((m["doc_id"], m["char_start"], m["char_end"]), f"single:{m['mention_id']}")
              for m in gold_mentions}
    baseline = {m["mention_id"]: name_key(m["text"]) for m in gold_mentions}
    result = EvalResult("entities", str(path))
    result.metrics["storyline"] = conll(gold, system)
    result.metrics["string_match"] = conll(gold, baseline)
    chains = len(set(gold.values()))
    result.notes.append(f"{len(documents)} documents, {len(gold)} proper-name entity mentions in {chains} gold chains; "
                        f"NER: {model.method}")
    return result
