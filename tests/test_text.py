import doctest

from hypothesis import given
from hypothesis import strategies as st

from storyline import text
from storyline.text import fold_quotes, paragraph_spans, split_sentences, tokenize


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


@given(st.text(alphabet=st.sampled_from("ab ’‘‚‛′“”„‟″–—−\u00a0éZ'\"-"), max_size=60) | st.text(max_size=60))
def test_fold_quotes_maps_each_quote_and_dash_to_ascii_keeping_length(text):
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                           "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})
    folded = fold_quotes(text)
    assert folded == text.translate(table) and len(folded) == len(text)
