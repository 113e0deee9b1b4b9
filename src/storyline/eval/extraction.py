"""Article body extraction on the scrapinghub benchmark, beside trafilatura and readability-lxml.

Two evaluations over the same pages, scored with the benchmark's own metric (token 4-gram shingle
precision / recall / F1 per page, averaged; the set's ``evaluate.py`` is imported at run time):

- ``html``: storyline's extraction cascade vs trafilatura's default ``extract()`` and
  readability-lxml, all run in this process on the same decoded pages;
- ``text``: what a naive scraper saves (the page's whole visible text, block elements on their
  own lines) cleaned by storyline's plain-text scrape cleaner, vs keeping everything and vs
  jusText run on the same lines.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from types import ModuleType

from storyline.config import ExtractConfig
from storyline.errors import NotFoundError, StorylineError
from storyline.eval.common import EvalResult, find_shared_data
from storyline.extract import extract_article
from storyline.extract.htmltext import html_to_lines
from storyline.extract.scrape import clean_scrape
from storyline.model import RawDocument

__all__ = ["Page", "evaluate_html", "evaluate_text", "load_metric", "load_pages", "scraped_text"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page: id, raw bytes, decoded HTML, URL and ground-truth body."""

    id: str
    content: bytes
    html: str
    url: str
    truth: str


def default_data() -> Path:
    """The scrapinghub set in the shared data folder."""
    return find_shared_data("extraction", "scrapinghub")


def load_metric(data: Path) -> ModuleType:
    """Import the set's own ``evaluate.py`` (the reference implementation of the metric).

    Raises:
        NotFoundError: the folder has no ``evaluate.py``.
    """
    path = data / "evaluate.py"
    if not path.exists():
        raise NotFoundError(f"{data} has no evaluate.py; pass --data pointing at the scrapinghub folder")
    spec = importlib.util.spec_from_file_location("scrapinghub_evaluate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages(data: Path, limit: int | None = None) -> list[Page]:
    """Load pages in id order; with ``limit``, an evenly spaced sample of that many.

    Raises:
        NotFoundError: ``ground-truth.json`` is missing.
    """
    truth_path = data / "ground-truth.json"
    if not truth_path.exists():
        raise NotFoundError(f"{data} has no ground-truth.json; pass --data pointing at the scrapinghub folder")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    keys = sorted(truth)
    if limit is not None and 0 < limit < len(keys):
        keys = [keys[i * len(keys) // limit] for i in range(limit)]
    pages = []
    for key in keys:
        content = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
        pages.append(Page(key, content, content.decode("utf-8", errors="replace"), truth[key].get("url", ""),
                          truth[key].get("articleBody", "")))
    return pages


def scraped_text(html: str) -> str:
    """What a naive scraper saves from a page: all visible text, block elements on their own lines."""
    return "\n".join(html_to_lines(html))


def _score(metric: ModuleType, pages: list[Page], predict: Callable[[Page], str]) -> dict[str, float]:
    counts = []
    for page in pages:
        try:
            predicted = predict(page)
        except Exception as exc:  # a baseline crashing on one page scores that page as empty
            log.debug("%s failed on %s: %r", getattr(predict, "__name__", "system"), page.id, exc)
            predicted = ""
        counts.append(metric.string_shingle_matching(true=page.truth, pred=predicted))
    values = metric.metrics_from_tp_fp_fns(counts)
    return {"precision": values["precision"], "recall": values["recall"], "f1": values["f1"]}


def _storyline_html(config: ExtractConfig) -> Callable[[Page], str]:
    def storyline(page: Page) -> str:
        raw = RawDocument.from_bytes(page.id, page.content, "text/html", metadata={"url": page.url})
        try:
            return extract_article(raw, config).text
        except StorylineError:
            return ""

    return storyline


def _trafilatura(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html) or ""


def _readability(page: Page) -> str:
    from readability import Document

    return "\n".join(html_to_lines(Document(page.html).summary(html_partial=True)))


def evaluate_html(data: Path | None = None, limit: int | None = None,
                  config: ExtractConfig | None = None) -> EvalResult:
    """Score storyline's HTML extraction beside trafilatura and readability-lxml on the same pages."""
    data = data or default_data()
    metric, pages = load_metric(data), load_pages(data, limit)
    result = EvalResult("extraction (html)", f"{data.name} html ({len(pages)} pages)")
    result.metrics["storyline"] = _score(metric, pages, _storyline_html(config or ExtractConfig()))
    result.metrics["trafilatura"] = _score(metric, pages, _trafilatura)
    result.metrics["readability"] = _score(metric, pages, _readability)
    result.notes.append("metric: the set's evaluate.py (4-gram shingle P/R/F1 per page, averaged)")
    return result


def _justext(text: str) -> str:
    import justext

    markup = "<html><body>" + "".join(f"<p>{escape(line)}</p>" for line in text.split("\n")) + "</body></html>"
    paragraphs = justext.justext(markup.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def evaluate_text(data: Path | None = None, limit: int | None = None) -> EvalResult:
    """Score the plain-text scrape cleaner on naive scrapes of the pages, beside keep-all and jusText."""
    data = data or default_data()
    metric, pages = load_metric(data), load_pages(data, limit)
    texts = {page.id: scraped_text(page.html) for page in pages}
    result = EvalResult("extraction (scraped text)", f"{data.name} scraped text ({len(pages)} pages)")
    result.metrics["storyline"] = _score(metric, pages, lambda p: "\n".join(clean_scrape(texts[p.id]).paragraphs))
    result.metrics["keep_everything"] = _score(metric, pages, lambda p: texts[p.id])
    result.metrics["justext"] = _score(metric, pages, lambda p: _justext(texts[p.id]))
    result.notes.append("input: the page's visible text, block elements on their own lines (a naive scraper)")
    return result
