"""Cross-document alias resolution on ECB+ entity chains (CoNLL F1: MUC, B-cubed, CEAF-e).

Protocol: the gold entity mentions that are proper names (every word capitalised, not a single
word that also occurs in lower case in the corpus) are the mentions to cluster; gold clusters are
their chain ids. storyline types each mention with its NER (spaCy, or the rules), resolves all
of them into actors with the story (ECB+ subtopic) as the scope for surname-only mentions, and
its actor ids are the predicted clusters; a mention it cannot resolve is a singleton.
Baselines: ``string_match``, mentions with the same normalised string are one cluster;
``head_word``, mentions with the same last word that is not a title ("President Obama", "Obama",
"Barack Obama") are one cluster.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

from storyline.config import NlpConfig
from storyline.eval.common import EvalResult
from storyline.eval.coref import conll
from storyline.model import Article, Mention, NameMention
from storyline.nlp.annotate import Annotator
from storyline.nlp.names import NAME_PARTICLES, name_key, title_words
from storyline.nlp.resolve import resolve_actors
from storyline.text import paragraph_spans, split_sentences

__all__ = ["evaluate_entities", "head_word", "name_mentions"]

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


def head_word(text: str) -> str:
    """The last word of a name that is not a title or a possessive (the head-word baseline's key).

    >>> head_word("President Barack Obama's"), head_word("the United States")
    ('obama', 'states')
    """
    words = [w for w in name_key(re.sub(r"['’]s$", "", text.strip())).split() if w not in title_words()]
    return words[-1] if words else name_key(text)


def _covering(gold: dict, predicted: list[Mention]) -> Mention | None:
    """The system mention covering at least half of a gold mention (the largest overlap), if any."""
    start, end = gold["char_start"], gold["char_end"]
    best = max(predicted, key=lambda p: min(p.end, end) - max(p.start, start), default=None)
    if best is None or min(best.end, end) - max(best.start, start) < 0.5 * (end - start):
        return None
    return best


def _scored(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """CoNLL scores of system-found mentions, with the share of gold mentions they cover."""
    covered = sum(not v.startswith("single:") for v in predicted.values())
    return {**conll(gold, predicted), "coverage": covered / len(predicted) if predicted else 0.0}


def evaluate_entities(path: Path, topics: int | None = None, use_spacy: bool = True,
                      annotator: Annotator | None = None) -> EvalResult:
    """Score storyline's alias resolution and the baselines on ECB+ (``documents``/``mentions``).

    ``storyline`` clusters the gold mention spans (typed by the annotator's NER); ``storyline_mentions``
    is what a reader sees: the actors the annotator finds and resolves on its own, each gold mention
    scored by the system mention covering at least half of it (``coverage``: the share so covered;
    an uncovered mention is a singleton). ``storyline_actors`` and ``head_word_actors``: the same on
    the mentions of human participants only (ECB+ ``HUM``: persons, organisations, governments).
    """
    documents = _read(path / "documents.jsonl.gz")
    if topics:
        wanted = sorted({d["topic"] for d in documents}, key=lambda t: int(t) if t.isdigit() else t)[:topics]
        documents = [d for d in documents if d["topic"] in wanted]
    texts = {d["id"]: d["text"] for d in documents}
    story_of = {d["id"]: d["subtopic"] for d in documents}
    gold_mentions = name_mentions(_read(path / "mentions.jsonl.gz"), texts)
    annotator = annotator or Annotator(NlpConfig(use_spacy=use_spacy))
    ids = sorted(texts)
    articles = []
    for doc_id in ids:
        paragraphs = paragraph_spans(texts[doc_id])
        articles.append(Article(id=doc_id, raw_sha256="", origin=doc_id, text=texts[doc_id], paragraphs=paragraphs,
                                sentences=split_sentences(texts[doc_id], paragraphs)))
    predicted_by_doc = {a.article_id: a.mentions for a in annotator.annotate(articles)}
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for m in gold_mentions:
        by_doc[m["doc_id"]].append(m)
    aliases = annotator.aliases
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
    index = resolve_actors(to_resolve, story_of, aliases).index()
    gold = {m["mention_id"]: m["chain_id"] for m in gold_mentions}
    system = {m["mention_id"]: index.get((m["doc_id"], m["char_start"], m["char_end"]), f"single:{m['mention_id']}")
              for m in gold_mentions}
    found = resolve_actors([m for ms in predicted_by_doc.values() for m in ms], story_of, aliases).mentions
    found_by_doc: dict[str, list[Mention]] = defaultdict(list)
    for mention in found:
        found_by_doc[mention.article_id].append(mention)
    own: dict[str, str] = {}
    for m in gold_mentions:
        covering = _covering(m, found_by_doc.get(m["doc_id"], []))
        own[m["mention_id"]] = covering.entity_id if covering is not None else f"single:{m['mention_id']}"
    result = EvalResult("entities", str(path))
    result.metrics["storyline"] = conll(gold, system)
    result.metrics["storyline_mentions"] = _scored(gold, own)
    result.metrics["string_match"] = conll(gold, {m["mention_id"]: name_key(m["text"]) for m in gold_mentions})
    result.metrics["head_word"] = conll(gold, {m["mention_id"]: head_word(m["text"]) for m in gold_mentions})
    # actors: the mentions of human participants (persons, organisations, governments acting)
    actors = {m["mention_id"] for m in gold_mentions if m.get("mention_type") == "HUM"}
    if actors:
        gold_actors = {k: v for k, v in gold.items() if k in actors}
        result.metrics["storyline_actors"] = _scored(gold_actors, {k: v for k, v in own.items() if k in actors})
        result.metrics["head_word_actors"] = conll(gold_actors, {m["mention_id"]: head_word(m["text"])
                                                                 for m in gold_mentions if m["mention_id"] in actors})
    chains = len(set(gold.values()))
    result.notes.append(f"{len(documents)} documents, {len(gold)} proper-name entity mentions in {chains} gold chains; "
                        f"annotator: {annotator.method}")
    return result
