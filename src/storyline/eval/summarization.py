"""Multi-document summarisation on DUC 2004 task 2, beside sumy LexRank, TextRank and a lead baseline.

Settings: every system's summary is cut to its first 100 words (whitespace tokens) and scored with
``rouge-score`` (ROUGE-1 and ROUGE-2, Porter stemming on, stop words kept) against each of the four
references separately; recall is averaged over the references, then over clusters. ``storyline``
is :func:`storyline.summarize.summarize_articles` (the pipeline's summariser, default weights, no
sentence cap) selecting whole sentences up to 115 words, then cut at 100 like the others (sumy
returns 10 sentences). sumy runs with its English stemmer and stop words and the project's Punkt
sentence splitter (sumy's default tokenizer would download NLTK data). ``lead`` is the first 100 words of the
cluster's first document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.config import SummarizeConfig
from storyline.errors import NotFoundError, StorylineError
from storyline.eval.common import EvalResult, find_shared_data
from storyline.model import Article, ArticleDate
from storyline.summarize import summarize_articles
from storyline.text import paragraph_spans, split_sentences

__all__ = ["DucCluster", "evaluate_summarization", "load_duc", "make_article"]

WORDS = 100
SELECTION_BUDGET = 115  # storyline selects whole sentences up to this, then is cut at WORDS like every system


@dataclass(slots=True)
class DucCluster:
    """One DUC cluster: its documents as articles and the reference summaries."""

    id: str
    articles: list[Article]
    references: list[str]


def make_article(doc_id: str, text: str, day: str | None = None, outlet: str | None = None) -> Article:
    """Build an Article from plain evaluation text (sentences split as in the pipeline)."""
    paragraphs = paragraph_spans(text)
    date = ArticleDate(day, "day", inferred=False, source="evaluation record") if day else None
    return Article(id=doc_id, raw_sha256="", origin=doc_id, text=text, outlet=outlet, date=date,
                   paragraphs=paragraphs, sentences=split_sentences(text, paragraphs), extraction_method="eval")


def load_duc(folder: Path, limit: int | None = None) -> list[DucCluster]:
    """Read ``clusters.jsonl`` of a DUC folder (see its README)."""
    path = folder / "clusters.jsonl"
    if not path.exists():
        raise NotFoundError(f"{path} not found; pass --data pointing at a DUC 2004 folder")
    clusters = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            articles = [make_article(d["id"], d["text"], d.get("date"), d.get("outlet")) for d in record["docs"]]
            clusters.append(DucCluster(record["cluster_id"], articles, list(record["references"])))
            if limit is not None and len(clusters) >= limit:
                break
    return clusters


def _truncate(text: str, words: int = WORDS) -> str:
    return " ".join(text.split()[:words])


def _storyline(cluster: DucCluster, config: SummarizeConfig) -> str:
    # most valuable sentence first, so the 100-word cut drops the least valuable words (the
    # pipeline shows the same sentences in story order)
    summary = summarize_articles(cluster.id, cluster.articles, config, budget=SELECTION_BUDGET, story_order=False)
    return " ".join(s.text for s in summary.sentences)


def _lead(cluster: DucCluster) -> str:
    return cluster.articles[0].text


def _sumy(kind: str) -> Callable[[DucCluster], str]:
    try:
        import punkt
        from nltk.tokenize import NLTKWordTokenizer
        from sumy.nlp.stemmers import Stemmer
        from sumy.nlp.tokenizers import Tokenizer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError as exc:
        raise StorylineError("the summarisation baselines need the eval extra: pip install 'storyline[eval]'") \
            from exc

    class _Sentences:
        def tokenize(self, text: str) -> list[str]:
            return punkt.sent_tokenize(text, "english")

    class _OfflineTokenizer(Tokenizer):  # sumy's default would download NLTK punkt_tab
        def _get_sentence_tokenizer(self, language: str) -> _Sentences:
            return _Sentences()

        def _get_word_tokenizer(self, language: str) -> NLTKWordTokenizer:
            return NLTKWordTokenizer()

    tokenizer = _OfflineTokenizer("english")
    summarizer = (LexRankSummarizer if kind == "lexrank" else TextRankSummarizer)(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def run(cluster: DucCluster) -> str:
        text = "\n\n".join(a.text for a in cluster.articles)
        document = PlaintextParser.from_string(text, tokenizer).document
        return " ".join(str(s) for s in summarizer(document, 10))

    return run


def _score(summaries: Sequence[str], clusters: Sequence[DucCluster]) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    totals = {"rouge1": 0.0, "rouge2": 0.0}
    for summary, cluster in zip(summaries, clusters, strict=True):
        candidate = _truncate(summary)
        scores = [scorer.score(reference, candidate) for reference in cluster.references]
        for metric in totals:
            totals[metric] += sum(s[metric].recall for s in scores) / len(scores)
    return {metric: value / len(clusters) for metric, value in totals.items()}


def evaluate_summarization(folder: Path | None = None, limit: int | None = None,
                           config: SummarizeConfig | None = None,
                           baselines: Sequence[str] = ("lexrank", "textrank", "lead")) -> EvalResult:
    """Score storyline and the baselines on DUC 2004 (ROUGE-1/2 recall at 100 words).

    Args:
        folder: a DUC 2004 folder (default: ``shared/data/summarization/duc2004``).
        limit: only the first ``limit`` clusters (for quick checks and tests).
        config: summariser settings (default: the pipeline's defaults).
        baselines: which baselines to run beside storyline (``lexrank``, ``textrank``, ``lead``).
    """
    folder = folder or find_shared_data("summarization", "duc2004")
    clusters = load_duc(folder, limit)
    # no sentence cap: DUC summaries are bounded by words only
    config = config or SummarizeConfig(max_sentences=50)
    systems: dict[str, Callable[[DucCluster], str]] = {"storyline": lambda c: _storyline(c, config)}
    for name in baselines:
        systems[name] = _lead if name == "lead" else _sumy(name)
    result = EvalResult("summarization", folder.name)
    for name, system in systems.items():
        result.metrics[name] = _score([system(c) for c in clusters], clusters)
    result.notes.append(f"{len(clusters)} clusters; ROUGE-1/2 recall (rouge-score, Porter stemming, stop words "
                        f"kept), summaries cut to {WORDS} words, mean over the 4 references then clusters")
    return result
