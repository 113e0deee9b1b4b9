"""Quote edge cases, with spaCy and with the rule fallback: nesting, paragraphs, cues, no speaker."""

from __future__ import annotations

import copy

import pytest

from storyline.model import Article, SpeakerQuote
from storyline.nlp.merge import group_quotes, merge_quotes, words_within
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


def test_the_same_words_in_two_outlets_are_one_quote_holding_what_is_shown():
    quotes = [SpeakerQuote("a1", 10, 60, "We will rebuild every bridge the flood took, and soon.", True, "said",
                           "Anna Berg", "e-berg"),
              SpeakerQuote("a2", 5, 40, "We will rebuild every bridge the flood took", True, "told", "Anna Berg",
                           "e-berg"),
              SpeakerQuote("a2", 90, 130, "We will rebuild every road the storm took", True, "said", "Anna Berg",
                           "e-berg"),
              SpeakerQuote("a3", 0, 30, "we will REBUILD every bridge the flood took!", True, "said", "Ivo Marek",
                           "e-marek"),
              SpeakerQuote("a4", 0, 30, "The council will meet on Monday to vote", False, "said", "Anna Berg",
                           "e-berg")]
    groups = group_quotes(quotes)
    bridge = next(g for g in groups if len(g.members) > 1)
    # grouped by the words alone: the same speaker and cue never join different words, another speaker
    # never splits the same words; an article carries a quote once
    assert {m.article_id for m in bridge.members} == {"a1", "a2", "a3"}
    assert bridge.text.lower().startswith("we will rebuild every bridge the flood took")
    assert all(words_within(bridge.text, m.text) for m in bridge.members)
    assert bridge.speaker == ("Anna Berg", "e-berg")  # what most carriers say
    assert len(groups) == 3
    merged = merge_quotes(quotes)
    assert {c.article_id for c in merged[0].citations} == {"a1", "a2", "a3"}


def test_a_shared_run_of_words_is_what_two_wordings_are_shown_by():
    long = SpeakerQuote("a1", 0, 90, "At this moment I would not rule out anything that would be constructive to "
                                      "providing real stability", True, "said", "John Kerry", "e-kerry")
    short = SpeakerQuote("a2", 0, 40, "I wouldn't rule out anything that would be constructive", True, "said", None,
                         None)
    trimmed = SpeakerQuote("a4", 0, 40, "“Not rule out anything that would be constructive to providing,” he said",
                           True, "said", None, None)
    other = SpeakerQuote("a3", 0, 40, "the interests of the Americans", False, "said", "John Kerry", "e-kerry")
    groups = group_quotes([long, short, other, trimmed])
    # "would not" and "wouldn't" differ: 7 shared words of 10 are not one quote; the same speaker does not join
    # "the interests of the Americans" to his quote
    assert len(groups) == 3
    joined = next(g for g in groups if len(g.members) == 2)
    assert {m.article_id for m in joined.members} == {"a1", "a4"}
    assert joined.text == "Not rule out anything that would be constructive to providing"  # the shared run
    assert all(words_within(joined.text, m.text) for m in joined.members)
    assert not words_within("I wouldn't rule out anything", long.text)


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


def _shown(quotes):
    """The quotes a reader is shown (not noun-phrase attributions)."""
    return [q for q in quotes if q.kind == "quote"]


def test_a_noun_phrase_or_a_date_is_not_a_quote(spacy_annotator):
    text = ("Ayatollah Ali Khamenei accused the United States on Sunday.\n\n"
            "President Hassan Rouhani said on Saturday.\n\n"
            "President Barack Obama has ruled out sending them back.")
    quotes, _ = _quotes(spacy_annotator, text)
    assert not _shown(quotes)
    assert not any(q.text == "on Saturday" for q in quotes)
    ruled = [q for q in quotes if q.cue and q.cue.startswith("has ruled")]
    assert all(q.cue == "has ruled out" for q in ruled)  # the particle stays: the meaning is not reversed


def test_a_clause_or_a_spoken_commitment_is_a_quote(spacy_annotator):
    text = ("Mayor Anna Berg said the bridge would reopen in May.\n\n"
            "Minister Karl Rask vowed to rebuild the harbour.")
    quotes, _ = _quotes(spacy_annotator, text)
    shown = {q.cue: q for q in _shown(quotes)}
    assert "the bridge would reopen in May" in shown["said"].text
    assert shown["vowed"].text == "to rebuild the harbour"


def test_an_outlet_is_the_channel_and_the_words_are_its_source(any_annotator):
    text = ("The harbour will stay closed until May, the port authority said on Monday, Agence France-Presse "
            "reported.\n\nTwo cranes were damaged in the storm, according to Reuters.")
    quotes, _ = _quotes(any_annotator, text)
    according = next(q for q in quotes if q.cue == "according to")
    assert according.speaker_ref is None and according.channel == "Reuters" and according.resolved_by == "channel"
    if any_annotator.model.get() is not None:
        said = next(q for q in _shown(quotes) if q.cue == "said")
        assert said.speaker == "the port authority" and said.channel == "Agence France-Presse"
        assert not any(q.resolved_by == "channel" and q.kind == "quote" and "harbour" in q.text for q in quotes)


def test_pronouns_follow_gender_and_an_unnamed_source_stays_unnamed(spacy_annotator):
    text = ("Pilot Jon Egging died on Saturday. Egging is survived by his wife, Emma.\n\n"
            "“He loved his job,” she said.\n\n"
            "An army spokesman in the capital reported heavy fighting. “We lost two posts,” he said.")
    quotes, text = _quotes(spacy_annotator, text)
    loved = next(q for q in quotes if q.text.startswith("He loved"))
    assert _speaker(loved, text) == "Emma"
    posts = next(q for q in quotes if q.text.startswith("We lost"))
    assert posts.speaker_ref is None and posts.resolved_by == "unnamed"  # never given to Egging


def test_a_description_and_a_pronoun_chain_reach_the_named_person(spacy_annotator):
    text = ("Prime Minister Nouri al-Maliki met his generals in Baghdad.\n\n"
            "The prime minister has spoken more of retaliation. He was shown on television on Monday.\n\n"
            "“We will purge the traitors,” he said.")
    quotes, text = _quotes(spacy_annotator, text)
    purge = next(q for q in quotes if q.text.startswith("We will purge"))
    assert "Maliki" in _speaker(purge, text)


def test_a_quote_split_by_its_attribution_keeps_its_break(any_annotator):
    text = ("Secretary Ana Holm spoke in Geneva.\n\n"
            "“We respect the interests of the region,” she said. “We are open to any process.”")
    quotes, _ = _quotes(any_annotator, text)
    quote = next(q for q in quotes if q.direct)
    assert quote.text == "We respect the interests of the region … We are open to any process."


def test_an_unclosed_quote_ends_with_its_line_unless_a_later_line_closes_it():
    text = "“The situation is bad.\nPolice said nothing.\nShe told “Reuters” later.\n“First.\nSecond line.”"
    regions = quote_regions(text)
    assert text[regions[0].start:regions[0].end] == "“The situation is bad."
    assert text[regions[-1].start:regions[-1].end] == "“First.\nSecond line.”"


def test_words_quoted_inside_an_attributed_sentence_are_that_speakers(spacy_annotator):
    text = ("Aid worker Ian Rodgers said rescuers could not find vehicles, and the power was down, "
            "leaving the city “very, very dark”.")
    quotes, text = _quotes(spacy_annotator, text)
    dark = next(q for q in quotes if q.direct)
    assert dark.text == "very, very dark" and _speaker(dark, text) == "Ian Rodgers"
