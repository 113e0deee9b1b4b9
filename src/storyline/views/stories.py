"""Read-side views over the store as plain, JSON-ready dicts.

The CLI prints them and the HTTP API returns them, so both show the same thing.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from storyline.cluster.refine import coarse_id, split_id
from storyline.config import ProvenanceConfig, StorylineConfig
from storyline.errors import NotFoundError
from storyline.model import Article, Failure, Span, StoryRow, Summary
from storyline.provenance import Alignment, align_articles, shared_passages
from storyline.store import ProvenanceIndex, Store
from storyline.store import storylines as storylines_store
from storyline.store.queries import (
    ArticleFilter,
    ArticleHeader,
    Page,
    StorylineListing,
    StoryListing,
    article_headers,
    article_story,
    articles_per_day,
    outlet_counts,
    outlet_samples,
    story_listing,
    story_storyline,
    storyline_history,
    storyline_listing,
    storyline_stories,
)
from storyline.store.storylines import StorylineRow
from storyline.summarize import build_timeline
from storyline.views.pages import annotated_paragraphs, article_annotations
from storyline.views.report import number_citations, timeline_view

__all__ = [
    "activity_view",
    "article_detail",
    "article_view",
    "date_estimate",
    "diff_view",
    "failure_view",
    "header_view",
    "highlighted_paragraphs",
    "numbered_report",
    "page_view",
    "provenance_view",
    "search_hit_view",
    "story_detail",
    "story_listing_view",
    "story_overview",
    "story_view",
    "storyline_listing_view",
    "storyline_overview",
    "storyline_view",
    "summary_view",
    "whatsnew_view",
]


def article_view(article: Article, *, with_text: bool = False) -> dict[str, Any]:
    """Describe an article: metadata, and its text when asked."""
    view: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "authors": article.authors,
        "date": article.date.value if article.date else None,
        "date_precision": article.date.precision if article.date else None,
        "date_inferred": article.date.inferred if article.date else None,
        "date_source": article.date.source if article.date else None,
        "language": article.language,
        "credits": article.credits,
        "origin": article.origin,
        "extraction_method": article.extraction_method,
        "warnings": article.warnings,
    }
    if with_text:
        view["text"] = article.text
    return view


def date_estimate(article: dict[str, Any], first_seen: str | None, last_seen: str | None) -> dict[str, Any] | None:
    """The approximate date of an article in a story when the page states none: the story's period.

    Only for an article without a stated date (undated, or dated by inference only) in a story
    with dated articles; always marked ``approximate`` with ``source`` "story", the span
    (``from``/``to``) and a ``precision`` (day, week, month or year) saying how wide it is.

    >>> date_estimate({"date": None}, "2014-06-16", "2014-06-20")
    {'from': '2014-06-16', 'to': '2014-06-20', 'precision': 'week', 'source': 'story', 'approximate': True}
    >>> date_estimate({"date": "2014-06-16", "date_inferred": False}, "2014-06-16", "2014-06-20") is None
    True
    """
    if (article.get("date") and not article.get("date_inferred")) or not first_seen:
        return None
    last = last_seen or first_seen
    days = (date.fromisoformat(last[:10]) - date.fromisoformat(first_seen[:10])).days
    precision = "day" if days == 0 else "week" if days < 7 else "month" if days < 31 else "year"
    return {"from": first_seen[:10], "to": last[:10], "precision": precision, "source": "story", "approximate": True}


def story_view(row: StoryRow) -> dict[str, Any]:
    """Describe a story: id, label, size, dates and keywords."""
    story = row.story
    return {
        "id": story.id,
        "label": story.label,
        "size": len(story.article_ids),
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "keywords": story.keywords,
        "article_ids": story.article_ids,
    }


def summary_view(summary: Summary | None, articles: dict[str, Article]) -> list[dict[str, Any]]:
    """Describe summary sentences with citations (article id, span, kind and the cited text).

    A citation's ``kind`` is "exact" (the cited text is the sentence) or "variant" (another outlet's
    lightly edited copy of it, so the UI can mark it).
    """
    if summary is None:
        return []
    return [
        {
            "text": sentence.text,
            "citations": [
                {"article_id": c.article_id, "start": c.start, "end": c.end, "kind": c.kind,
                 "outlet": articles[c.article_id].outlet if c.article_id in articles else None,
                 "cited_text": articles[c.article_id].text[c.start : c.end] if c.article_id in articles else None}
                for c in sentence.citations
            ],
        }
        for sentence in summary.sentences
    ]


def story_detail(store: Store, story_id: str, config: StorylineConfig | None = None) -> dict[str, Any]:
    """Describe a story with its cited summary, its dated timeline (computed) and its articles.

    Citations and articles carry their ``number`` (:func:`storyline.views.report.citation_numbers`; None
    for an article nothing cites).

    Raises:
        NotFoundError: no story has this id.
    """
    row = store.story(story_id)
    articles = store.articles(row.story.article_ids)
    by_id = {a.id: a for a in articles}
    view = story_view(row)
    view["summary"] = summary_view(store.summary(story_id), by_id)
    view["timeline"] = timeline_view(build_timeline(story_id, articles, (config or StorylineConfig()).timeline), by_id)
    numbers = number_citations(view["summary"], view["timeline"])
    view["articles"] = [{**article_view(a), "number": numbers.get(a.id)} for a in articles]
    for article in view["articles"]:
        article["date_estimate"] = date_estimate(article, row.story.first_seen, row.story.last_seen)
    view["cut"] = _cut_view(store, story_id)
    return view


def failure_view(failure: Failure) -> dict[str, Any]:
    """Describe a failure: input, stage, error type and message."""
    return {"origin": failure.origin, "stage": failure.stage, "error_type": failure.error_type,
            "message": failure.message, "sha256": failure.sha256}


def provenance_view(store: Store, story_id: str, articles: list[Article] | None = None) -> dict[str, Any]:
    """Describe what a story's articles copy from each other: related pairs and shared passages.

    Each passage lists the outlets carrying it (with their spans and word-level edits against the
    reference copy) and its likely origin with the rule that decided it. ``articles``: the story's
    articles when the caller has loaded them already (default: read from the store).

    Raises:
        NotFoundError: no story has this id.
    """
    row = store.story(story_id)
    by_id = {a.id: a for a in (store.articles(row.story.article_ids) if articles is None else articles)}
    pairs = ProvenanceIndex(store).pairs_for(list(by_id))
    alignments = [Alignment.from_dict(p.alignment) for p in pairs]
    return {
        "story_id": story_id,
        "label": row.story.label,
        "articles": [{"id": a.id, "outlet": a.outlet, "title": a.title, "date": a.date.value if a.date else None,
                      "credits": a.credits} for a in by_id.values()],
        "pairs": [{"article_a": p.article_a, "article_b": p.article_b, "exact": p.exact,
                   "jaccard": round(p.jaccard, 4), "containment": round(p.containment, 4),
                   "shared_words": p.shared_words,
                   "identical_sentences": sum(x.kind == "identical" for x in al.pairs),
                   "edited_sentences": sum(x.kind == "edited" for x in al.pairs)}
                  for p, al in zip(pairs, alignments, strict=True)],
        "passages": [p.as_dict() for p in shared_passages(by_id, alignments)],
    }


def diff_view(store: Store, article_a: str, article_b: str, config: ProvenanceConfig | None = None) -> dict[str, Any]:
    """Align two articles side by side: shared runs (identical or edited, with word edits) and unique runs.

    Runs are in reading order of A; runs only B has sit before the first shared run that follows
    them in B.

    Raises:
        NotFoundError: either article is not stored.
    """
    a, b = store.article(article_a), store.article(article_b)
    alignment = align_articles(a, b, config)
    shared = sorted(alignment.shared_runs() + [r for r in alignment.runs if r.kind == "unique_a"],
                    key=lambda r: r.a_span[0] if r.a_span else 0)
    ordered: list[Any] = []
    pending_b = sorted((r for r in alignment.runs if r.kind == "unique_b"), key=lambda r: r.b_span[0])
    for run in shared:
        while pending_b and run.b_span and pending_b[0].b_span[0] < run.b_span[0]:
            ordered.append(pending_b.pop(0))
        ordered.append(run)
    ordered.extend(pending_b)
    runs = []
    for run in ordered:
        sentences = [alignment.pairs[k] for k in run.pairs]
        runs.append({
            "kind": run.kind,
            "a": {"start": run.a_span[0], "end": run.a_span[1], "text": a.text[run.a_span[0]:run.a_span[1]]}
            if run.a_span else None,
            "b": {"start": run.b_span[0], "end": run.b_span[1], "text": b.text[run.b_span[0]:run.b_span[1]]}
            if run.b_span else None,
            "sentences": [{"kind": p.kind, "similarity": p.similarity, "edits": list(p.edits),
                           "a": {"start": p.a_span[0], "end": p.a_span[1]},
                           "b": {"start": p.b_span[0], "end": p.b_span[1]}} for p in sentences],
        })
    return {"a": article_view(a), "b": article_view(b), "related": alignment.related,
            "shared_words": alignment.shared_words, "containment_a": round(alignment.containment_a, 4),
            "containment_b": round(alignment.containment_b, 4), "runs": runs}


def page_view(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    """Describe one page of a listing: its items (already viewed), total and position."""
    return {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset,
            "has_more": page.offset + len(items) < page.total}


def story_listing_view(listing: StoryListing) -> dict[str, Any]:
    """Describe a story in a listing: id, label, size, dates, keywords (no member ids)."""
    return {"id": listing.id, "label": listing.label, "size": listing.size, "first_seen": listing.first_seen,
            "last_seen": listing.last_seen, "keywords": listing.keywords}


def activity_view(counts: list[tuple[str, int]], max_days: int) -> list[dict[str, Any]]:
    """Articles per day as a gap-free series (days without articles count 0), at most the last ``max_days`` days."""
    if not counts:
        return []
    by_day = dict(counts)
    last = date.fromisoformat(counts[-1][0])
    first = max(date.fromisoformat(counts[0][0]), last - timedelta(days=max_days - 1))
    days = (last - first).days + 1
    return [{"day": (d := first + timedelta(days=i)).isoformat(), "count": by_day.get(d.isoformat(), 0)}
            for i in range(days)]


def highlighted_paragraphs(article: Article, span: Span | None) -> list[list[dict[str, Any]]]:
    """Split an article's text into paragraphs of segments, marking the part inside ``span``.

    Returns:
        One list per paragraph of ``{"text", "mark"}`` segments; the marked segments joined
        are exactly ``span.slice(article.text)`` (minus paragraph breaks).
    """
    paragraphs = article.paragraphs or [Span(0, len(article.text))]
    result = []
    for p in paragraphs:
        if span is None or span.end <= p.start or span.start >= p.end:
            result.append([{"text": p.slice(article.text), "mark": False}])
            continue
        cuts = [p.start, max(p.start, span.start), min(p.end, span.end), p.end]
        segments = [{"text": article.text[a:b], "mark": i == 1} for i, (a, b) in enumerate(pairwise(cuts))
                    if b > a]
        result.append(segments)
    return result


def header_view(header: ArticleHeader) -> dict[str, Any]:
    """Describe an article in a list: id, title, outlet, url, date (as in :func:`article_view`) and lede."""
    return {"id": header.id, "title": header.title, "outlet": header.outlet, "url": header.url, "date": header.date,
            "date_precision": header.date_precision, "date_inferred": header.date_inferred, "lede": header.lede}


def story_overview(store: Store, story_id: str, *, limit: int = 50, offset: int = 0, max_outlets: int = 12,
                   per_outlet: int = 4, max_days: int = 366) -> dict[str, Any]:
    """Describe a story for its page: cited summary, one page of articles, outlets side by side, activity.

    Reads only what the page shows, so a story of thousands of articles costs a page, not the story.
    Citations are numbered as in every view (:func:`storyline.views.report.citation_numbers`).

    Raises:
        NotFoundError: no story has this id.
    """
    view = story_listing_view(story_listing(store, story_id))
    summary = store.summary(story_id)
    cited_ids = sorted({c.article_id for s in (summary.sentences if summary else []) for c in s.citations})
    cited = {a.id: a for a in store.articles(cited_ids)}
    view["summary"] = summary_view(summary, cited)
    numbers = number_citations(view["summary"])  # the numbers show and export give them too
    for sentence in view["summary"]:
        for c in sentence["citations"]:
            c["title"] = cited[c["article_id"]].title if c["article_id"] in cited else None
    by_story = ArticleFilter(story_id=story_id)
    articles = article_headers(store, by_story, limit=limit, offset=offset, newest_first=False)

    def dated(header: ArticleHeader) -> dict[str, Any]:
        item = header_view(header)
        item["date_estimate"] = date_estimate(item, view["first_seen"], view["last_seen"])
        return item

    view["articles"] = page_view(articles, [{**dated(a), "number": numbers.get(a.id)} for a in articles.items])
    outlets = outlet_counts(store, by_story)
    samples = outlet_samples(store, story_id, per_outlet)
    view["outlets"] = [{"outlet": outlet, "count": n, "articles": [dated(a) for a in samples.get(outlet, [])]}
                       for outlet, n in outlets[:max_outlets]]
    view["outlets_total"] = len(outlets)
    view["activity"] = activity_view(articles_per_day(store, by_story), max_days)
    view["storyline_id"] = story_storyline(store, story_id)
    view["cut"] = _cut_view(store, story_id)
    return view


def _cut_view(store: Store, story_id: str) -> dict[str, Any] | None:
    """The other part when the story was cut in two (``cluster.refine``): its id, label, size and role."""
    whole = coarse_id(story_id)
    other = split_id(whole) if story_id == whole else whole
    try:
        listing = story_listing(store, other)
    except NotFoundError:
        return None
    # "part": the other was cut off this story; "whole": this story was cut off the other
    return {"id": other, "label": listing.label, "size": listing.size, "role": "part" if other != whole else "whole"}


def article_detail(store: Store, article_id: str, start: int | None = None, end: int | None = None
                   ) -> dict[str, Any]:
    """Describe an article for its page: metadata, text as paragraphs, its story, an optional highlighted span.

    The paragraphs' segments also mark the stored entity mentions and quotes (see
    :func:`storyline.views.pages.annotated_paragraphs`).

    A span outside the text (or empty) is ignored: ``highlight`` is then None.

    Raises:
        NotFoundError: no article has this id.
    """
    article = store.article(article_id)
    view = article_view(article, with_text=True)
    span = None
    if start is not None and end is not None and 0 <= start < end <= len(article.text):
        span = Span(start, end)
    view["highlight"] = {"start": span.start, "end": span.end, "text": span.slice(article.text)} if span else None
    annotations = article_annotations(store, article_id)
    view["paragraphs"] = annotated_paragraphs(article, span, annotations)
    view["annotations"] = {"mentions": sum(kind == "mention" for _, kind, _ in annotations),
                           "quotes": sum(kind == "quote" for _, kind, _ in annotations)}
    story = article_story(store, article_id)
    view["story"] = story_listing_view(story) if story else None
    view["date_estimate"] = date_estimate(view, story.first_seen, story.last_seen) if story else None
    view["storyline_id"] = story_storyline(store, story.id) if story else None
    return view


def search_hit_view(article: Article, snippet: str) -> dict[str, Any]:
    """Describe a search hit: the article and its snippet, plain and split into matched parts.

    ``snippet`` comes from :func:`storyline.store.queries.search_page` (matches between ``\\x02`` and ``\\x03``).
    """
    parts = []
    for i, chunk in enumerate(snippet.replace("\x03", "\x02").split("\x02")):
        if chunk:
            parts.append({"text": chunk, "hit": i % 2 == 1})
    return {**article_view(article), "snippet": "".join(p["text"] for p in parts), "snippet_parts": parts}


def storyline_view(row: StorylineRow) -> dict[str, Any]:
    """Describe a storyline: id, label, date range, its stories (oldest first) and its history."""
    line = row.storyline
    return {
        "id": line.id,
        "label": line.label,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "merged_into": row.merged_into,
        "size": sum(len(s.story.article_ids) for s in row.stories),
        "stories": [{k: v for k, v in story_view(s).items() if k != "article_ids"} for s in row.stories],
        "history": [{"kind": e.kind, "at": e.at, "detail": e.detail} for e in line.history],
    }


def whatsnew_view(store: Store, *, since: str | None = None, ingested_since: str | None = None,
                  ) -> list[dict[str, Any]]:
    """Per storyline, the stories and articles new since a day (published) or a moment (ingested).

    A story is new when it began in that period (first published on or after ``since``, or first
    stored at or after ``ingested_since``); its other articles are listed as new articles.
    """
    rows = storylines_store.whatsnew_rows(store, published_since=since, ingested_since=ingested_since)
    lines = {row.storyline.id: row for row in storylines_store.load_storylines(store)}
    grouped: dict[str, dict[str, Any]] = {}
    for r in rows:
        line_id = r["storyline_id"] or r["story_id"]
        line = lines.get(line_id)
        entry = grouped.setdefault(line_id, {
            "storyline_id": line_id, "label": line.storyline.label if line else "", "new_stories": [],
            "articles": [], "first_seen": line.first_seen if line else None,
            "last_seen": line.last_seen if line else None})
        story_new = (r["story_first"] or "") >= since if since is not None else (r["story_created"] or "") >= (
            ingested_since or "")
        if story_new and r["story_id"] not in {s["id"] for s in entry["new_stories"]}:
            story = next((s for s in (line.stories if line else []) if s.id == r["story_id"]), None)
            entry["new_stories"].append({"id": r["story_id"], "label": story.story.label if story else "",
                                         "first_seen": r["story_first"]})
        item = {"id": r["id"], "title": r["title"], "outlet": r["outlet"], "date": r["day"],
                "date_inferred": bool(r["date_inferred"]) if r["day"] else None, "ingested_at": r["ingested_at"],
                "story_id": r["story_id"], "new_story": story_new}
        item["date_estimate"] = date_estimate(item, r["story_first"], r["story_last"])
        entry["articles"].append(item)
    return sorted(grouped.values(), key=lambda e: (e["last_seen"] or "", e["storyline_id"]), reverse=True)


def storyline_listing_view(listing: StorylineListing) -> dict[str, Any]:
    """Describe a storyline in a listing: id, label, date range, number of stories and articles."""
    return {"id": listing.id, "label": listing.label, "first_seen": listing.first_seen,
            "last_seen": listing.last_seen, "stories": listing.stories, "articles": listing.articles,
            "merged_into": listing.merged_into}


def storyline_overview(store: Store, storyline_id: str, *, max_days: int = 366) -> dict[str, Any]:
    """Describe a storyline for its page: its stories (oldest first, each with its lead summary sentence),
    its history and its articles per day.

    Raises:
        NotFoundError: no storyline has this id.
    """
    view = storyline_listing_view(storyline_listing(store, storyline_id))
    stories = []
    for listing in storyline_stories(store, storyline_id):
        summary = store.summary(listing.id)
        lead = summary.sentences[0].text if summary and summary.sentences else None
        stories.append({**story_listing_view(listing), "lead": lead})
    view["story_list"] = stories
    view["history"] = [{"kind": k, "at": at, "detail": d} for k, at, d in storyline_history(store, storyline_id)]
    view["activity"] = activity_view(articles_per_day(store, ArticleFilter(storyline_id=storyline_id)), max_days)
    return view


def numbered_report(report: dict[str, Any]) -> dict[str, Any]:
    """Number a report's citations as every view does (:func:`storyline.views.report.citation_numbers`)."""
    number_citations(report["summary"], report["timeline"])
    return report
