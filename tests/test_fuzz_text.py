"""Property tests of the text-level stages: any input gives valid offsets or a typed InputError."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import StorylineError
from storyline.extract import extract_article
from storyline.extract.decode import decode_bytes
from storyline.extract.metadata import find_dates
from storyline.extract.scrape import clean_scrape
from storyline.extract.urls import safe_url
from storyline.model import RawDocument, Span
from storyline.text import (
    clean_control_chars,
    content_terms,
    named_terms,
    normalize,
    paragraph_spans,
    shingles,
    split_sentences,
    tokenize,
    word_count,
)

# text that looks like news more often than uniform unicode would: words, punctuation, breaks
WORDS = st.sampled_from(["The", "council", "said", "Mr.", "U.S.", "on", "Monday", "“We", "will”", "—", "2024-02-30",
                         "Jan", "5,", "0001", "9999-12-31T25:61", "\u200b", "\u202e", "|", "{", "};", "(Photo:", "AP",
                         "Reuters", "By", "\n", "\n\n", " \t ", ".", "?", "!", "\x00", "\ud800", "\x1b[2J"])
NEWSY = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=80).map(" ".join)
TEXT = st.one_of(st.text(max_size=400), NEWSY)
FAST = settings(max_examples=200, deadline=None)


def _valid(spans: list[Span], text: str, *, ordered: bool = True) -> bool:
    end = 0
    for span in spans:
        if not (0 <= span.start < span.end <= len(text)) or (ordered and span.start < end):
            return False
        if span.slice(text) != span.slice(text).strip():
            return False
        end = span.end
    return True


@FAST
@given(TEXT)
def test_text_functions_accept_any_text(text):
    assert isinstance(normalize(text), str) and isinstance(word_count(text), int)
    assert all(t and t == t.lower() for t in tokenize(text))
    assert set(content_terms(text)) <= set(tokenize(text))
    assert all(isinstance(t, str) and t for t in named_terms(text))
    assert all(len(s.split(" ")) <= 5 for s in shingles(tokenize(text)))
    cleaned = clean_control_chars(text)
    assert clean_control_chars(cleaned) == cleaned
    cleaned.encode("utf-8")  # no lone surrogates left


@FAST
@given(TEXT)
def test_paragraph_and_sentence_offsets_are_always_valid(text):
    paragraphs = paragraph_spans(text)
    assert _valid(paragraphs, text)
    sentences = split_sentences(text, paragraphs)
    assert _valid(sentences, text)
    assert all(any(p.start <= s.start and s.end <= p.end for p in paragraphs) for s in sentences)


@FAST
@given(TEXT)
def test_scrape_cleaner_keeps_only_blocks_of_its_input(text):
    cleaned = clean_scrape(text)
    folded = " ".join(text.split())
    assert all(" ".join(p.split()) in folded for p in cleaned.paragraphs)
    assert {b.label for b in cleaned.blocks} <= {"code", "caption", "meta", "chrome", "body", "other", "repeat",
                                                "tail", "heading", "item", "outside", "dropped"}


@FAST
@given(TEXT)
def test_found_dates_are_real_dates_at_real_offsets(text):
    for offset, value, precision in find_dates(text):
        assert 0 <= offset < len(text)
        date.fromisoformat(value[:10])
        assert precision in ("day", "minute")


@FAST
@given(st.one_of(st.binary(max_size=600), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 TEXT.map(lambda t: t.encode("utf-16-le", "surrogatepass"))))
def test_decode_bytes_returns_text_or_a_typed_input_error(content):
    try:
        text, encoding = decode_bytes(content, origin="x")
    except StorylineError as exc:
        assert type(exc).__name__ in {"EmptyInputError", "BinaryInputError", "DecodeError"}
        assert exc.message.startswith("x: ")
    else:
        assert isinstance(text, str) and encoding


@FAST
@given(st.one_of(st.text(max_size=80), st.sampled_from(["http://", "https://[::1", "http://a:b@c:99999/", "\x00:x",
                                                       "HTTP://X", "//x", "http:///x", "https://u@h/"])))
def test_safe_url_never_keeps_other_schemes_or_credentials(url):
    kept, warning = safe_url(url)
    if kept is not None:
        assert kept.split(":", 1)[0] in ("http", "https") and "@" not in kept.split("/")[2]
    assert kept is None or warning is None or warning == "url credentials removed"


RECORDS = st.dictionaries(st.sampled_from(["text", "html", "title", "url", "date", "id", "outlet", "author"]),
                          st.one_of(TEXT, st.integers(), st.none(), st.lists(st.integers(), max_size=2)), max_size=6)


@settings(max_examples=120, deadline=None)
@given(st.one_of(
    st.tuples(st.sampled_from(["text/plain", "text/html"]), st.binary(max_size=400)),
    st.tuples(st.sampled_from(["text/plain", "text/html"]), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    st.tuples(st.just("application/x-jsonl-record"), RECORDS.map(lambda r: json.dumps(r).encode())),
    st.tuples(st.just("application/x-jsonl-record"), st.binary(max_size=200)),
))
def test_extract_article_gives_a_clean_article_or_a_storyline_error(case):
    content_type, content = case
    try:
        article = extract_article(RawDocument.from_bytes("in.x", content, content_type))
    except StorylineError as exc:
        assert exc.message
        return
    assert _valid(article.paragraphs, article.text) and _valid(article.sentences, article.text)
    assert clean_control_chars(article.text) == article.text
    (article.title or "").encode("utf-8")  # no lone surrogates
    assert article.url is None or article.url.startswith(("http://", "https://"))
