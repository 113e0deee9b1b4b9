"""The read side: what the CLI's ``--json`` prints and the HTTP API returns, over the store.

One module per resource: ``stories`` (articles, stories, storylines, provenance, listings),
``actors`` (actors, quotes, stances, outlet comparison), ``pages`` (page-sized NLP views of the
web UI), ``report`` (summaries, timelines, exports), ``search`` (search with actors' other names)
and ``feeds`` (Atom feeds; imported where used, not re-exported here). Views read the store and may run a stage's
pure functions (timelines, alignment) on demand; they never write.
"""

from storyline.views.actors import (
    actors_view,
    compare_view,
    comparison_view,
    quotes_view,
    stances_view,
    subject_articles,
)
from storyline.views.pages import (
    annotated_paragraphs,
    article_annotations,
    article_meta,
    subject_actors_view,
    subject_article_ids,
)
from storyline.views.report import export_json, export_markdown, subject_report, timeline_view, update_view
from storyline.views.stories import (
    activity_view,
    article_detail,
    article_view,
    date_estimate,
    diff_view,
    failure_view,
    header_view,
    highlighted_paragraphs,
    numbered_report,
    page_view,
    provenance_view,
    search_hit_view,
    story_detail,
    story_listing_view,
    story_overview,
    story_view,
    storyline_listing_view,
    storyline_overview,
    storyline_view,
    summary_view,
    whatsnew_view,
)

__all__ = [
    "activity_view",
    "actors_view",
    "annotated_paragraphs",
    "article_annotations",
    "article_detail",
    "article_meta",
    "article_view",
    "compare_view",
    "comparison_view",
    "date_estimate",
    "diff_view",
    "export_json",
    "export_markdown",
    "failure_view",
    "header_view",
    "highlighted_paragraphs",
    "numbered_report",
    "page_view",
    "provenance_view",
    "quotes_view",
    "search_hit_view",
    "stances_view",
    "story_detail",
    "story_listing_view",
    "story_overview",
    "story_view",
    "storyline_listing_view",
    "storyline_overview",
    "storyline_view",
    "subject_actors_view",
    "subject_article_ids",
    "subject_articles",
    "subject_report",
    "summary_view",
    "timeline_view",
    "update_view",
    "whatsnew_view",
]
