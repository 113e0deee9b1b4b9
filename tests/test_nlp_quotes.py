"""Quote edge cases, with spaCy and with the rule fallback: nesting, paragraphs, cues, no speaker."""

from __future__ import annotations

import copy

import pytest

from storyline.model import Article, SpeakerQuote
from storyline.nlp.merge import merge_quotes
from storyline.nlp.quotes import quote_regions
from storyline.text import paragraph_spans, split_sentences


def _article(text: str) -> Article:
    paragraphs = paragraph_spans(text)
    return Article("a-test", "", "test", text, paragraphs=paragraphs, sentences=split_sentences(text, paragraphs))


def _quotes(annotator, text: str):
    article = _article(text)
    annotation = annotator.annotate([article])[0]
    return annotation.quotes, text


def _speaker(quote, text: str) -> str | None:
    return text[quote.speaker_ref.start:quote.speaker_ref.end] if quote.speaker_ref else None


@pytest.fixture
def spacy_annotator(annotator):
    """The spaCy annotator; the test is skipped when the model is not installed."""
    if annotator.model.get() is None:
        pytest.skip("spaCy model not installed")
    return annotator


@pytest.fixture(params=["spacy", "rules"])
def any_annotator(request, annotator, rules_annotator):
    if request.param == "spacy" and annotator.model.get() is None:
        pytest.skip("spaCy model not installed")
    return annotator if request.param == "spacy" else rules_annotator


def test_regions_nest_and_span_paragraphs():
    text = "“He told me ‘never again’ and “enough” twice,” she said.\n\n“First half.\n\n“Second half,” he said."
    regions = quote_regions(text)
    assert len(regions) == 2
    assert text[regions[0].start:regions[0].end] == "“He told me ‘never again’ and “enough” twice,”"
    assert len(regions[1].parts) == 2


def test_nested_quote_is_one_quote(any_annotator):
    text = ("Mayor Anna Berg spoke on Monday.\n\n"
            "“The inspector told me ‘we will not reopen the bridge’ and left,” Berg said.")
    quotes, text = _quotes(any_annotator, text)
    direct = [q for q in quotes if q.direct]
    assert len(direct) == 1
    assert "‘we will not reopen the bridge’" in direct[0].text
    assert _speaker(direct[0], text) == "Berg"


def test_quote_spanning_paragraphs(any_annotator):
    text = ("Union leader Tomas Vell addressed the crowd.\n\n“We have waited three years for this contract.\n\n"
            "“We will not wait another three,” said Tomas Vell.")
    quotes, _ = _quotes(any_annotator, text)
    direct = [q for q in quotes if q.direct]
    assert len(direct) == 1 and len(direct[0].parts) == 2
    assert direct[0].text.startswith("We have waited") and direct[0].text.endswith("another three")
    assert "Tomas Vell" in _speaker(direct[0], text)


def test_quote_split_by_a_cue_is_one_quote_and_pronoun_resolves(any_annotator):
    text = ("Mayor Anna Berg spoke on Monday.\n\n"
            "“The river is rising fast,” she said. “Everyone in the low streets must leave tonight.”")
    quotes, _ = _quotes(any_annotator, text)
    direct = [q for q in quotes if q.direct]
    assert len(direct) == 1 and len(direct[0].parts) == 2
    assert direct[0].cue == "said" and _speaker(direct[0], text) == "Anna Berg"


def test_quote_without_speaker_is_unattributed(any_annotator):
    quotes, _ = _quotes(any_annotator, "The council met again.\n\n“This cannot go on forever and everyone knows it.”"
                                       "\n\nThe vote is on Friday.")
    direct = [q for q in quotes if q.direct]
    assert len(direct) == 1 and not direct[0].attributed and direct[0].speaker is None


def test_reported_speech_and_according_to(any_annotator):
    text = ("Port spokesman Ivo Marek said the harbour had reopened to all ships on Tuesday.\n\n"
            "Two cranes were damaged in the storm, according to Reuters.")
    quotes, _ = _quotes(any_annotator, text)
    reported = [q for q in quotes if not q.direct]
    by_cue = {q.cue: q for q in reported}
    assert "the harbour had reopened" in by_cue["said"].text
    assert _speaker(by_cue["said"], text) == "Ivo Marek"
    assert by_cue["according to"].speaker == "Reuters"
    assert "Two cranes were damaged" in by_cue["according to"].text


def test_she_added_resolves_to_the_last_speaker(any_annotator):
    text = ("Ministry spokeswoman Lena Dorn said the figures were provisional.\n\n"
            "She added that a claim of 900 arrests could not be confirmed.")
    quotes, _ = _quotes(any_annotator, text)
    added = next(q for q in quotes if q.cue == "added")
    assert _speaker(added, text) == "Lena Dorn"


def test_the_same_quote_in_two_outlets_is_one_quote_with_two_citations():
    quotes = [SpeakerQuote("a1", 10, 60, "We will rebuild every bridge the flood took, and soon.", True, "said",
                           "Anna Berg", "e-berg"),
              SpeakerQuote("a2", 5, 40, "We will rebuild every bridge the flood took", True, "told", "Anna Berg",
                           "e-berg"),
              SpeakerQuote("a2", 90, 130, "We will rebuild every road the storm took", True, "said", "Anna Berg",
                           "e-berg"),
              SpeakerQuote("a3", 0, 30, "We will rebuild every bridge the flood took", True, "said", "Ivo Marek",
                           "e-marek")]
    merged = merge_quotes(quotes)
    berg = [q for q in merged if q.speaker_entity_id == "e-berg"]
    assert len(berg) == 2
    assert {c.article_id for c in berg[0].citations} == {"a1", "a2"}
    assert len(merged) == 3  # the same words said by another person stay another quote


def test_headline_names_its_speaker_before_a_colon(any_annotator):
    text = "Mayor Berg: Bridge Will Stay Closed All Winter\n\nThe bridge over the river was closed in May."
    quotes, _ = _quotes(any_annotator, text)
    headline = next(q for q in quotes if q.cue == ":")
    assert headline.speaker == "Mayor Berg" and headline.text == "Bridge Will Stay Closed All Winter"


def test_long_tail_cues_and_noun_cues(spacy_annotator):
    text = ("Senator Ada Holm denounced the toll increase.\n\n"
            "Holm's comments on the port drew a reply from the harbour board.\n\n"
            "Minister Karl Rask is calling for the city to reopen the old ferry line.")
    quotes, _ = _quotes(spacy_annotator, text)
    by_cue = {q.cue: q for q in quotes}
    assert by_cue["denounced"].text == "the toll increase" and by_cue["denounced"].speaker == "Senator Ada Holm"
    assert by_cue["comments"].text == "the port" and by_cue["comments"].speaker == "Holm"
    assert "the city to reopen the old ferry line" in by_cue["is calling"].text


def test_learned_cue_verbs_load():
    from storyline.nlp.cues import CUE_LEMMAS, DEFAULT_CUES
    from storyline.nlp.learned_cues import LEARNED_CUE_LEMMAS, LEARNED_FORMS

    assert len(LEARNED_CUE_LEMMAS) > 100 and "voice" in LEARNED_CUE_LEMMAS
    assert all(lemma.isalpha() and lemma.islower() for lemma in LEARNED_CUE_LEMMAS)
    assert not LEARNED_CUE_LEMMAS & CUE_LEMMAS  # only what the hand list lacks
    assert DEFAULT_CUES.verbs >= LEARNED_CUE_LEMMAS and set(LEARNED_FORMS.values()) <= LEARNED_CUE_LEMMAS


def test_learned_cue_forms_map_to_their_lemma():
    from storyline.nlp.cues import DEFAULT_CUES, CueLexicon

    assert DEFAULT_CUES.form_lemma("voiced") == "voice" and DEFAULT_CUES.form_lemma("withdrew") == "withdraw"
    assert DEFAULT_CUES.form_lemma("hoped") == "hope"  # the hand list wins over a learned "hop"
    assert CueLexicon(frozenset(), {}).form_lemma("withdrew") == "withdrew"  # a lexicon is its own, no global


def test_learned_cue_verb_is_an_attribution(spacy_annotator):
    from storyline.nlp.cues import CueLexicon

    text = "Senator Mara Quill voiced concern that the bridge budget would run out by spring."
    quotes, _ = _quotes(spacy_annotator, text)
    voiced = next(q for q in quotes if q.cue == "voiced")
    assert voiced.speaker == "Senator Mara Quill" and "the bridge budget would run out" in voiced.text
    hand_only = copy.copy(spacy_annotator)  # the same loaded model, another lexicon
    hand_only.cues = CueLexicon(frozenset(), {})  # the hand list alone has no "voice"
    assert not _quotes(hand_only, text)[0]
    assert _quotes(spacy_annotator, text)[0]  # the default annotator is untouched


def test_cue_inside_reported_content_is_part_of_it(spacy_annotator):
    for text, inner in (("Mayor Anna Berg said the council wants to close the old bridge in March.", "wants"),
                        ("The mayor said that the governor believes the bridge is unsafe.", "believes")):
        quotes, _ = _quotes(spacy_annotator, text)
        assert [q.cue for q in quotes] == ["said"], inner
        assert inner in quotes[0].text


def test_two_apostrophes_quote_like_a_quotation_mark(any_annotator):
    text = ("''The bridge will stay closed all winter,'' Mayor Anna Berg said. ''And nobody who says, "
            "'It can be fixed by May,' has looked at it.''")
    regions = quote_regions(text)
    assert [text[r.start:r.end][:6] for r in regions] == ["''The ", "''And "]
    quotes, _ = _quotes(any_annotator, text)
    direct = [q for q in quotes if q.direct]
    assert len(direct) == 1 and len(direct[0].parts) == 2 and direct[0].cue == "said"
    assert direct[0].text.startswith("The bridge will stay closed all winter") and "says" not in {q.cue for q in quotes}


def test_place_or_time_phrase_is_not_content(spacy_annotator):
    assert not _quotes(spacy_annotator, "Governor Tomas Vell responded in March.")[0]
    quotes, _ = _quotes(spacy_annotator, "Senator Ada Holm wrote from Oslo about the toll increase.")
    assert [q.text for q in quotes] == ["about the toll increase"]


def test_noun_cue_without_possessor_speaks_through_the_verb_subject(spacy_annotator):
    quotes, _ = _quotes(spacy_annotator, "Senator Ada Holm made the claim that the toll would double.")
    claim = next(q for q in quotes if q.cue == "claim")
    assert claim.speaker == "Senator Ada Holm" and claim.text == "that the toll would double"


def test_cue_interrupting_a_sentence_reports_that_sentence(spacy_annotator):
    text = "The bigger risk, Mayor Anna Berg said, is a flood that closes the harbour for a month."
    quotes, _ = _quotes(spacy_annotator, text)
    said = next(q for q in quotes if q.cue == "said")
    assert said.speaker == "Mayor Anna Berg" and "is a flood that closes the harbour" in said.text
