"""Where quote attribution misses on PolNeAR: recall and precision by kind of attribution.

    python bench/quote_misses.py --split train --limit 150 [--cache /tmp/polnear-docs]

Every gold attribution is put in categories (cue kind, source kind, content kind) and counted as
found when a predicted content span shares a word with its content (and, for the source column,
a predicted source shares a word with its source). Predicted contents that match no gold content
are counted by their cue lemma, so precision is visible beside recall. ``--cache`` keeps the spaCy
parses (DocBin) so a rerun after a rule change skips the parser. Design on ``train``; report ``dev``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from storyline.config import NlpConfig
from storyline.eval.quotes import _article, gold_spans, score_attributions
from storyline.nlp.annotate import Annotator
from storyline.nlp.cues import CUE_LEMMAS, DEFAULT_CUES

_SPEECH = {"say", "tell", "add", "state", "claim", "argue", "insist", "warn", "note", "explain", "write", "ask"}
_PRONOUNS = {"he", "she", "they", "i", "we", "it", "you", "who"}
# Penn tags: the annotator's spaCy pipeline runs no attribute ruler, so universal POS (pos_) is empty
_NOUN_TAGS = {"NN", "NNS", "NNP", "NNPS"}
_VERB_TAGS = {"VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "MD"}


def load(split: str, limit: int | None) -> list[dict]:
    """Read a PolNeAR split from ../shared/data."""
    folder = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "quotes" / "polnear"
    path = folder / ("train.jsonl.gz" if split == "train" else "dev.jsonl")
    opener = gzip.open if path.suffix == ".gz" else open
    records = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            records.append(json.loads(line))
            if limit and len(records) >= limit:
                break
    return records


def parse(records: list[dict], cache: Path | None, split: str, nlp) -> list:
    """spaCy docs of the records, from the cache when it holds this split and size."""
    from spacy.tokens import DocBin

    file = cache / f"{split}-{len(records)}.spacy" if cache else None
    if file is not None and file.exists():
        return list(DocBin().from_disk(file).get_docs(nlp.vocab))
    docs = list(nlp.pipe([r["text"] for r in records], batch_size=16))
    if file is not None:
        cache.mkdir(parents=True, exist_ok=True)
        bin_ = DocBin(docs=docs)
        bin_.to_disk(file)
    return docs


def _range(parts: list[list[int]]) -> tuple[int, int] | None:
    return (min(p[0] for p in parts), max(p[1] for p in parts)) if parts else None


def _words(text: str, span: tuple[int, int]) -> set[int]:
    return {m.start() + span[0] for m in re.finditer(r"\w+", text[span[0]:span[1]])}


def categories(text: str, doc, attribution: dict) -> list[str]:
    """The kinds of one gold attribution (cue, source, content)."""
    kinds = []
    cue = _range(attribution["cue_span"])
    if cue is None:
        kinds.append("cue:none")
    else:
        cue_text = text[cue[0]:cue[1]].lower()
        span = doc.char_span(cue[0], cue[1], alignment_mode="expand")
        root = span.root if span is not None and len(span) else None
        lemma = DEFAULT_CUES.lemma(root) if root is not None else ""
        if "according" in cue_text:
            kinds.append("cue:according to")
        elif root is not None and root.tag_ in _NOUN_TAGS:
            kinds.append("cue:noun (statement, report)")
        elif lemma in _SPEECH:
            kinds.append("cue:speech verb (say, tell, ...)")
        elif lemma in CUE_LEMMAS:
            kinds.append("cue:other lexicon verb")
        elif lemma in DEFAULT_CUES.verbs:
            kinds.append("cue:learned verb (learned_cues)")
        elif root is not None and root.tag_ in _VERB_TAGS:
            kinds.append("cue:verb not in lexicon")
        else:
            kinds.append("cue:other (colon, adjective, ...)")
    source = _range(attribution["source_span"])
    if source is None:
        kinds.append("source:none")
    else:
        words = text[source[0]:source[1]].split()
        if len(words) == 1 and words[0].lower() in _PRONOUNS:
            kinds.append("source:pronoun")
        elif words and words[0][:1].isupper() and words[0].lower() not in {"the", "a", "an"}:
            kinds.append("source:name")
        else:
            kinds.append("source:description")
    content = _range(attribution["content_span"])
    if content is not None:
        chunk = text[content[0]:content[1]]
        marks = sum(chunk.count(c) for c in "“”\"")
        kinds.append("content:direct" if chunk.lstrip()[:1] in "“\"" else
                     "content:mixed (quote inside)" if marks else "content:indirect (no marks)")
        sentences = {t.sent.start for t in doc.char_span(content[0], content[1], alignment_mode="expand") or []}
        kinds.append("content:multi-sentence" if len(sentences) > 1 else "content:one sentence")
        if source is not None and cue is not None:
            order = sorted([("s", source[0]), ("c", cue[0]), ("t", content[0])], key=lambda x: x[1])
            kinds.append("order:" + "".join(o for o, _ in order))
    return kinds


def main() -> None:
    """Print recall by category and false positives by cue lemma."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="train", choices=["train", "dev"])
    parser.add_argument("--limit", type=int, default=150)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--examples", type=str, default="", help="print missed attributions of this category")
    args = parser.parse_args()
    records = load(args.split, args.limit)
    annotator = Annotator(NlpConfig())
    nlp = annotator.model.get()
    docs = parse(records, args.cache, args.split, nlp)
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # gold, content found, source found
    false_positive: Counter[str] = Counter()
    predicted_all = []
    shown = 0
    for index, (record, doc) in enumerate(zip(records, docs, strict=True)):
        text = record["text"]
        annotation = annotator.annotate_one(_article(record, index), doc)
        contents = [(q.parts[0].start, q.parts[-1].end) for q in annotation.quotes]
        sources = [(q.speaker_span.start, q.speaker_span.end) for q in annotation.quotes if q.speaker_span]
        predicted_all.append({"content": contents, "source": sources,
                              "cue": [(q.cue_span.start, q.cue_span.end) for q in annotation.quotes if q.cue_span]})
        content_words = [_words(text, c) for c in contents]
        source_words = [_words(text, s) for s in sources]
        gold_contents = [_words(text, g) for g in gold_spans(record)["content"]]
        for quote, words in zip(annotation.quotes, content_words, strict=True):
            if not any(words & g for g in gold_contents):
                span = doc.char_span(quote.cue_span.start, quote.cue_span.end, alignment_mode="expand") \
                    if quote.cue_span else None
                false_positive[DEFAULT_CUES.lemma(span.root) if span is not None and len(span) else "(no cue)"] += 1
        for attribution in record["attributions"]:
            content = _range(attribution["content_span"])
            if content is None:
                continue
            words = _words(text, content)
            hit = any(words & w for w in content_words)
            source = _range(attribution["source_span"])
            source_hit = source is not None and any(_words(text, source) & w for w in source_words)
            kinds = categories(text, doc, attribution)
            for kind in ["all", *kinds]:
                row = found[kind]
                row[0] += 1
                row[1] += hit
                row[2] += source_hit
            if args.examples and args.examples in kinds and not hit and shown < 25:
                shown += 1
                print(f"- [{attribution['source_text']}] [{attribution['cue_text']}] "
                      f"{(attribution['content_text'] or '')[:120]!r}")
    metrics = score_attributions(records, predicted_all)
    print(f"{args.split}: {len(records)} articles; content P/R/F1 {metrics['content_precision']:.3f} / "
          f"{metrics['content_recall']:.3f} / {metrics['content_f1']:.3f}; source P/R/F1 "
          f"{metrics['source_precision']:.3f} / {metrics['source_recall']:.3f} / {metrics['source_f1']:.3f}")
    print(f"{'category':38} {'gold':>6} {'content found':>14} {'source found':>13} {'missed':>7}")
    for kind, (gold, hit, source_hit) in sorted(found.items(), key=lambda kv: (kv[0].split(':')[0], -kv[1][0])):
        print(f"{kind:38} {gold:6d} {hit / gold:14.3f} {source_hit / gold:13.3f} {gold - hit:7d}")
    print("false-positive contents by cue lemma:", ", ".join(f"{k} {v}" for k, v in false_positive.most_common(20)))


if __name__ == "__main__":
    main()
