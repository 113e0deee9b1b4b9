import doctest

from hypothesis import given
from hypothesis import strategies as st

from storyline import text
from storyline.text import paragraph_spans, split_sentences, tokenize


def test_doctests():
    assert doctest.testmod(text).failed == 0


def test_sentences_keep_abbreviations_and_quotes():
    t = "Pentagon spokesman Rear Admiral John Kirby said “there is no plan”. The U.S. said no.\n\nNew one."
    assert [s.slice(t) for s in split_sentences(t)] == [
        "Pentagon spokesman Rear Admiral John Kirby said “there is no plan”.", "The U.S. said no.", "New one."]


def test_tokenize_folds_spelling_variants():
    assert tokenize("Shi’ite") == tokenize("Shi'ite") == tokenize("Shiite") == ["shiite"]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400))
def test_sentence_spans_are_ordered_trimmed_and_inside_the_text(value):
    spans = split_sentences(value)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(value)
        piece = span.slice(value)
        assert piece == piece.strip() and piece
        previous_end = span.end
    for p in paragraph_spans(value):
        assert p.slice(value).strip() == p.slice(value)
