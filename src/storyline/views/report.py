"""Summaries and timelines of a story or storyline as read views and exports (Markdown, JSON).

Timelines are computed on demand from the subject's articles (they depend only on the articles,
and the date resolver is fast), so they are never stale after stories merge or split; the story
summary is the one the pipeline stored. Every sentence carries its citations with the cited
article's outlet, title, url and date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storyline.config import StorylineConfig
from storyline.errors import NotFoundError
from storyline.model import Article, Summary, SummarySentence, Timeline
from storyline.store import Store
from storyline.store import storylines as storylines_store
from storyline.summarize import build_timeline, summarize_articles, update_summary

__all__ = ["Subject", "citation_numbers", "export_json", "export_markdown", "load_subject", "number_citations",
           "subject_report", "timeline_view", "update_view"]


@dataclass(slots=True)
class Subject:
    """A story or a storyline, with its articles."""

    id: str
    kind: str
    label: str
    articles: list[Article]


def load_subject(store: Store, subject_id: str) -> Subject:
    """Load a story or a storyline (all its stories' articles) by id.

    A storyline merged into another resolves to the one it was merged into.

    Raises:
        NotFoundError: no story or storyline has this id.
    """
    try:
        row = store.story(subject_id)
    except NotFoundError:
        line = storylines_store.load_storyline(store, subject_id)
        seen = {subject_id}
        while line is not None and line.merged_into and line.merged_into not in seen:
            seen.add(line.merged_into)
            line = storylines_store.load_storyline(store, line.merged_into)
        if line is None:
            raise NotFoundError(f"no story or storyline {subject_id!r}; list them with `storyline stories` "
                                "or `storyline storylines`") from None
        ids = [a for story in line.stories for a in story.story.article_ids]
        return Subject(line.storyline.id, "storyline", line.storyline.label, store.articles(ids))
    return Subject(subject_id, "story", row.story.label, store.articles(row.story.article_ids))


def _citations(sentence: SummarySentence, articles: dict[str, Article]) -> list[dict[str, Any]]:
    out = []
    for c in sentence.citations:
        article = articles.get(c.article_id)
        out.append({
            "article_id": c.article_id, "start": c.start, "end": c.end,
            "outlet": article.outlet if article else None,
            "title": article.title if article else None,
            "url": article.url if article else None,
            "date": article.date.value if article and article.date else None,
            "cited_text": article.text[c.start:c.end] if article else None,
        })
    return out


def sentences_view(sentences: Sequence[SummarySentence], articles: dict[str, Article]) -> list[dict[str, Any]]:
    """Describe sentences with their citations (span, cited text, outlet, title, url, date)."""
    return [{"text": s.text, "citations": _citations(s, articles)} for s in sentences]


def timeline_view(timeline: Timeline, articles: dict[str, Article]) -> list[dict[str, Any]]:
    """Describe timeline entries: date, precision, approximate flag and cited sentences."""
    return [{"date": e.date, "precision": e.precision, "approximate": e.precision != "day",
             "sentences": sentences_view(e.sentences, articles)} for e in timeline.entries]


def citation_numbers(summary: Sequence[dict[str, Any]], timeline: Sequence[dict[str, Any]] = ()) -> dict[str, int]:
    """Number cited articles 1, 2, ... in order of first citation: the summary's, then the timeline's.

    The one numbering every view shows (``show``, ``timeline``, ``export``, the story and timeline
    pages): because the summary comes first, a page showing only the summary (a story page) numbers
    its citations exactly as the full report does, without computing the timeline.

    >>> citation_numbers([{"citations": [{"article_id": "b"}, {"article_id": "a"}]}],
    ...                  [{"sentences": [{"citations": [{"article_id": "c"}, {"article_id": "a"}]}]}])
    {'b': 1, 'a': 2, 'c': 3}
    """
    numbers: dict[str, int] = {}
    for sentence in [*summary, *(s for entry in timeline for s in entry["sentences"])]:
        for c in sentence["citations"]:
            numbers.setdefault(c["article_id"], len(numbers) + 1)
    return numbers


def number_citations(summary: Sequence[dict[str, Any]], timeline: Sequence[dict[str, Any]] = ()) -> dict[str, int]:
    """Set each citation's ``number`` (:func:`citation_numbers`) and order a sentence's citations by it."""
    numbers = citation_numbers(summary, timeline)
    for sentence in [*summary, *(s for entry in timeline for s in entry["sentences"])]:
        for c in sentence["citations"]:
            c["number"] = numbers[c["article_id"]]
        sentence["citations"].sort(key=lambda c: c["number"])
    return numbers


def subject_report(store: Store, subject_id: str, config: StorylineConfig | None = None) -> dict[str, Any]:
    """Summary, timeline and cited sources of a story or storyline, JSON-ready.

    The stored summary is used for a story when there is one; otherwise it is computed. Citations
    and sources carry their ``number`` (:func:`citation_numbers`); sources are listed in that order.
    """
    config = config or StorylineConfig()
    subject = load_subject(store, subject_id)
    by_id = {a.id: a for a in subject.articles}
    summary: Summary | None = store.summary(subject_id) if subject.kind == "story" else None
    if summary is None:
        summary = summarize_articles(subject_id, subject.articles, config.summarize)
    timeline = build_timeline(subject_id, subject.articles, config.timeline)
    summary_sentences = sentences_view(summary.sentences, by_id)
    timeline_entries = timeline_view(timeline, by_id)
    numbers = number_citations(summary_sentences, timeline_entries)
    return {
        "id": subject.id, "kind": subject.kind, "label": subject.label,
        "summary": summary_sentences,
        "timeline": timeline_entries,
        "sources": [{"id": a, "outlet": by_id[a].outlet, "title": by_id[a].title, "url": by_id[a].url,
                     "date": by_id[a].date.value if by_id[a].date else None,
                     "date_inferred": by_id[a].date.inferred if by_id[a].date else None, "number": n}
                    for a, n in numbers.items() if a in by_id],
    }


def update_view(store: Store, subject_id: str, since: str, config: StorylineConfig | None = None) -> dict[str, Any]:
    """What articles after ``since`` add to a story or storyline, JSON-ready."""
    config = config or StorylineConfig()
    subject = load_subject(store, subject_id)
    summary = update_summary(subject_id, subject.articles, since, config.summarize)
    return {"id": subject.id, "kind": subject.kind, "label": subject.label, "since": since,
            "summary": sentences_view(summary.sentences, {a.id: a for a in subject.articles})}


def export_json(report: dict[str, Any]) -> dict[str, Any]:
    """The JSON export: the report as is (summary, timeline, sources)."""
    return report


def _marks(sentence: dict[str, Any], numbers: dict[str, int]) -> str:
    return "".join(f"[{numbers[c['article_id']]}]" for c in sentence["citations"] if c["article_id"] in numbers)


def _source_numbers(report: dict[str, Any]) -> dict[str, int]:
    return {s["id"]: s.get("number") or i for i, s in enumerate(report["sources"], start=1)}


def export_markdown(report: dict[str, Any]) -> str:
    """Render a report as Markdown: summary, timeline, then numbered sources (numbered as everywhere)."""
    numbers = _source_numbers(report)
    lines = [f"# {report['label'] or report['id']}", "", f"*{report['kind']} `{report['id']}`*", "", "## Summary", ""]
    lines += [f"- {s['text']} {_marks(s, numbers)}" for s in report["summary"]] or ["_No summary yet._"]
    lines += ["", "## Timeline", ""]
    for entry in report["timeline"]:
        when = entry["date"] if not entry["approximate"] else f"around {entry['date']} (±{entry['precision']})"
        lines.append(f"- **{when}**")
        lines += [f"  - {s['text']} {_marks(s, numbers)}" for s in entry["sentences"]]
    if not report["timeline"]:
        lines.append("_No dated events found._")
    lines += ["", "## Sources", ""]
    for source in report["sources"]:
        title = source["title"] or "(untitled)"
        linked = f"[{title}]({source['url']})" if source["url"] else title
        day = (source["date"] or "undated")[:10] + (" (inferred)" if source["date_inferred"] else "")
        lines.append(f"{numbers[source['id']]}. {source['outlet'] or 'unknown outlet'}, {linked}, {day} "
                     f"(`{source['id']}`)")
    return "\n".join(lines) + "\n"
