"""Turn a RawDocument into a clean Article.

Steps:

1. decode the bytes (``extract.decode``): empty, binary and undecodable inputs are refused;
2. by content type: HTML goes to the extractor cascade (``extract.html``: trafilatura and
   readability-lxml, the winner and the reason recorded on the Article); plain text goes to the scrape
   cleaner (``extract.scrape``) and text metadata inference (``extract.metadata``); a JSONL record
   is parsed and its ``html`` or ``text`` field takes the matching path;
3. metadata the source supplied (a JSONL record's title, url, outlet, date) wins over what the
   content suggests; the content fills the gaps;
4. the language is identified (``extract.language``); a non-English article is kept and marked
   with a warning, never dropped;
5. paragraphs are joined with blank lines, and paragraph and sentence offsets are computed on the
   final text, so every later citation indexes that exact string.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from storyline.config import ExtractConfig
from storyline.errors import ExtractionError, MalformedRecordError, StorylineError
from storyline.extract.decode import declared_charset, decode_bytes, strip_stray_controls
from storyline.extract.html import HtmlExtraction, extract_html
from storyline.extract.language import identify_language
from storyline.extract.metadata import find_credits, find_dates, infer_text_metadata
from storyline.extract.scrape import OutletProfile, clean_scrape
from storyline.extract.urls import safe_url
from storyline.model import Article, ArticleDate, Failure, RawDocument
from storyline.text import clean_control_chars, paragraph_spans, split_sentences

__all__ = ["article_id_for", "extract_article", "extract_or_failure", "scrape_input"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
RECORD_TYPE = "application/x-jsonl-record"


def article_id_for(raw: RawDocument) -> str:
    """Return the stable article id of a raw document: derived from its content hash.

    >>> article_id_for(RawDocument.from_bytes("x", b"abc", "text/plain"))
    'a-ba7816bf8f01cfea'
    """
    return f"a-{raw.sha256[:16]}"


def _record_date(value: str) -> ArticleDate | None:
    dates = find_dates(value)
    if not dates:
        return None
    return ArticleDate(dates[0][1], dates[0][2], inferred=False, source="record field 'date'")


def _plausible(date: ArticleDate | None, config: ExtractConfig, warnings: list[str]) -> ArticleDate | None:
    """Drop a date outside ``[min_year, max_year]``: 0001-01-01 and 9999-12-31 are placeholders, not news."""
    if date is not None and not config.min_year <= date.day.year <= config.max_year:
        warnings.append(f"date {date.value} dropped: outside the years {config.min_year}-{config.max_year} "
                        "(extract.min_year, extract.max_year)")
        return None
    return date


def scrape_input(raw: RawDocument, config: ExtractConfig | None = None) -> tuple[str, str] | None:
    """The outlet and the scraped text of a document that goes through the scrape cleaner, else None.

    Plain text and JSONL records with a ``text`` field (and no ``html``) are cleaned as scrapes;
    their outlet is the source's ``outlet`` field or the host of its ``url``. Documents without an
    outlet, or that do not decode, give None (no outlet profile applies). Cheap: no extraction.
    """
    config = config or ExtractConfig()
    fields = dict(raw.metadata)
    try:
        if raw.content_type == RECORD_TYPE:
            record = json.loads(decode_bytes(raw.content, origin=raw.origin,
                                             max_control_ratio=config.binary_control_ratio)[0])
            if not isinstance(record, dict) or "html" in record or not isinstance(record.get("text"), str):
                return None
            fields.update({k: v for k, v in record.items() if isinstance(v, str)})
            text = record["text"]
        elif raw.content_type == "text/plain":
            text = decode_bytes(raw.content, origin=raw.origin, declared=raw.metadata.get("charset"),
                                max_control_ratio=config.binary_control_ratio)[0]
        else:
            return None
    except (StorylineError, ValueError):
        return None
    try:
        host = urlsplit(fields.get("url") or "").hostname
    except ValueError:  # a malformed URL (e.g. an unclosed IPv6 bracket) names no outlet
        host = None
    outlet = (fields.get("outlet") or "").strip().lower() or host
    if not outlet:
        return None
    # the outlet is a store key: lone surrogates (valid in JSON escapes) cannot be stored as UTF-8
    return outlet.encode("utf-8", "replace").decode("utf-8"), text


def _from_text(text: str, profile: OutletProfile | None = None) -> HtmlExtraction:
    cleaned = clean_scrape(text, profile)
    meta = infer_text_metadata(cleaned, text)
    return HtmlExtraction(
        paragraphs=cleaned.paragraphs, method="scrape-cleaner", title=meta.title, authors=meta.authors,
        date=meta.date, outlet=meta.outlet, credits=meta.credits or None,
        reason="plain text: feature-based line classification (extract.scrape)",
    )


def _stray_controls_removed(text: str, warnings: list[str]) -> str:
    """Remove stray NUL and control bytes from decoded input, noting it on the article."""
    text, removed = strip_stray_controls(text)
    if removed:
        warnings.append(f"removed {removed} stray control character{'s' if removed > 1 else ''} (NUL or other "
                        "non-printing bytes) from the input")
    return text


def _parse_record(raw: RawDocument, config: ExtractConfig, profile: OutletProfile | None,
                  warnings: list[str]) -> tuple[HtmlExtraction, dict[str, str]]:
    text, _ = decode_bytes(raw.content, origin=raw.origin, max_control_ratio=config.binary_control_ratio)
    text = _stray_controls_removed(text, warnings)  # raw ones are not valid JSON; escaped ones are cleaned below
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedRecordError(f"{raw.origin}: not valid JSON ({exc.msg} at column {exc.colno})",
                                   origin=raw.origin) from exc
    if not isinstance(record, dict):
        raise MalformedRecordError(f"{raw.origin}: a JSONL line must be an object, not {type(record).__name__}",
                                   origin=raw.origin)
    # JSON escapes can smuggle NULs, ESC sequences and lone surrogates past the bytes-level checks
    fields = {k: clean_control_chars(str(v)) for k, v in record.items()
              if isinstance(v, str | int | float) and clean_control_chars(str(v)).strip()}
    if "html" in fields:
        return extract_html(fields["html"], url=fields.get("url"), config=config), fields
    if "text" in fields:
        return _from_text(fields["text"], profile), fields
    raise MalformedRecordError(f"{raw.origin}: record has neither a 'text' nor an 'html' field",
                               origin=raw.origin)


def extract_article(raw: RawDocument, config: ExtractConfig | None = None,
                    profile: OutletProfile | None = None) -> Article:
    """Extract a clean Article from a raw document (see the module docstring for the steps).

    Args:
        raw: the input.
        config: extraction settings; defaults when None.
        profile: the outlet's recurring lines, for plain-text scrapes (see ``scrape_input``); optional.

    Returns:
        The article, with paragraph and sentence offsets into its text.

    Raises:
        InputError: the input is empty, binary, undecodable or a malformed record.
        ExtractionError: the input decoded but held too little article text.
    """
    config = config or ExtractConfig()
    fields = dict(raw.metadata)
    warnings: list[str] = []
    if raw.content_type == RECORD_TYPE:
        extraction, record_fields = _parse_record(raw, config, profile, warnings)
        fields.update(record_fields)
    else:
        declared = raw.metadata.get("charset") or (
            declared_charset(raw.content) if raw.content_type in HTML_TYPES else None)
        text, encoding = decode_bytes(raw.content, origin=raw.origin, declared=declared,
                                      max_control_ratio=config.binary_control_ratio)
        if encoding not in ("utf-8", "utf-8-sig", "ascii", declared):
            warnings.append(f"decoded as {encoding} (not UTF-8, no charset declared)")
        text = _stray_controls_removed(text, warnings)
        extraction = extract_html(text, url=fields.get("url"), config=config) if raw.content_type in HTML_TYPES \
            else _from_text(text, profile)

    body = clean_control_chars("\n\n".join(p.strip() for p in extraction.paragraphs if p.strip()))
    if len(body) < config.min_text_chars:
        raise ExtractionError(
            f"{raw.origin}: no article text found ({len(body)} characters after removing page chrome; "
            f"minimum {config.min_text_chars})", origin=raw.origin)
    date = _record_date(fields["date"]) if fields.get("date") else None
    guess = identify_language(body, config.language_min_chars)
    language = guess.code if guess else extraction.language
    if language is None:
        warnings.append("language not identified (too little text); text kept as extracted")
    elif language != "en":
        warnings.append(f"non-English article ({language}, {guess.method if guess else 'page markup'}); "
                        "kept as extracted")
    paragraphs = paragraph_spans(body)
    url, url_warning = safe_url(fields.get("url") or extraction.url)
    if url_warning:
        warnings.append(url_warning)
    title = fields.get("title") or extraction.title
    return Article(
        id=article_id_for(raw),
        raw_sha256=raw.sha256,
        origin=raw.origin,
        text=body,
        title=clean_control_chars(title) if title else None,
        url=url,
        outlet=fields.get("outlet") or extraction.outlet,
        authors=[fields["author"]] if fields.get("author") else extraction.authors,
        date=_plausible(date or extraction.date, config, warnings),
        language=language,
        paragraphs=paragraphs,
        sentences=split_sentences(body, paragraphs),
        credits=extraction.credits if extraction.credits is not None else find_credits(body),
        extraction_method=extraction.method,
        extraction_reason=extraction.reason,
        warnings=warnings,
        source_id=fields.get("id"),
    )


def extract_or_failure(raw: RawDocument, config: ExtractConfig | None = None,
                       extractor: Callable[[RawDocument], Article] | None = None) -> Article | Failure:
    """Extract one raw document, turning any error into its Failure (the local and Spark pipelines share this).

    A storyline error keeps its message; any other exception (a bug or a library crash on hostile
    input) becomes a Failure too, so one document never stops a batch. ``extractor`` replaces
    :func:`extract_article` (the local pipeline passes one that enforces a time limit).
    """
    try:
        return extractor(raw) if extractor is not None else extract_article(raw, config)
    except StorylineError as exc:
        return Failure.of(raw.origin, "extract", exc, sha256=raw.sha256)
    except Exception as exc:
        return Failure.of(raw.origin, "extract", exc,
                       f"{raw.origin}: unexpected error while extracting: {exc!r}", raw.sha256)
