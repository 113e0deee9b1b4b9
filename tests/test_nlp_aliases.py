"""Alias resolution: acronyms, titles and surnames, spelling variants, roles, namesakes kept apart."""

from __future__ import annotations

from storyline.nlp.entities import find_mentions
from storyline.nlp.gazetteer import load_aliases
from storyline.nlp.names import acronym_definitions, is_acronym_of, parse_person, role_before, translit_key
from storyline.nlp.resolve import resolve_actors
from storyline.text import split_sentences


def _resolve(docs: dict[str, str], stories: dict[str, str] | None = None, doc_model=None):
    aliases = load_aliases()
    mentions = []
    for article_id, text in docs.items():
        doc = doc_model(text) if doc_model else None
        mentions += find_mentions(article_id, text, split_sentences(text), aliases, doc)
    resolution = resolve_actors(mentions, stories or dict.fromkeys(docs, "s1"), aliases)
    return resolution


def _entity_of(resolution, article_id: str, surface: str, docs: dict[str, str], nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = docs[article_id].index(surface, start + 1)
    for m in resolution.mentions:
        if m.article_id == article_id and m.start <= start < m.end:
            return m.entity_id
    raise AssertionError(f"{surface!r} in {article_id} was not resolved")


def test_name_helpers():
    assert is_acronym_of("FEMA", "Federal Emergency Management Agency")
    assert not is_acronym_of("ISIS", "Islamic State of Iraq and the Levant")
    assert translit_key("Nuri") == translit_key("Nouri") and translit_key("Kassem") == translit_key("Qassim")
    assert parse_person("Rear Admiral John Kirby").surname == "kirby"
    assert role_before("Pentagon spokesman Rear Admiral ") == ("Pentagon spokesman", ("Rear Admiral",))


def test_acronym_in_parentheses_joins_long_form_and_acronym():
    docs = {"a": "The Coastal Flood Defence Authority (CFDA) closed the gates. Later CFDA engineers opened them.",
            "b": "Engineers from CFDA inspected the dam on Friday."}
    assert acronym_definitions(docs["a"])[0][:2] == ("Coastal Flood Defence Authority", "CFDA")
    resolution = _resolve(docs)
    long_form = _entity_of(resolution, "a", "Coastal Flood Defence Authority", docs)
    assert _entity_of(resolution, "a", "CFDA", docs) == long_form
    assert _entity_of(resolution, "a", "CFDA", docs, nth=1) == long_form
    assert _entity_of(resolution, "b", "CFDA", docs) == long_form


def test_known_variants_are_one_actor():
    docs = {"a": "Militants of the Islamic State of Iraq and the Levant (ISIL) took the town.",
            "b": "ISIS fighters and Daesh supporters celebrated; the Islamic State said it won."}
    resolution = _resolve(docs)
    ids = {_entity_of(resolution, k, s, docs) for k, s in (("a", "ISIL"), ("b", "ISIS"), ("b", "Daesh"),
                                                          ("b", "Islamic State"))}
    assert len(ids) == 1


def test_title_surname_and_description_join_the_person():
    docs = {"a": "Secretary of State Elena Varga said talks would resume. Varga added that nothing was agreed.\n\n"
                 "The secretary later left for Geneva.",
            "b": "Varga met the foreign minister on Tuesday."}
    resolution = _resolve(docs)
    person = _entity_of(resolution, "a", "Elena Varga", docs)
    assert _entity_of(resolution, "a", "Varga", docs, nth=1) == person
    assert _entity_of(resolution, "a", "The secretary", docs) == person
    assert _entity_of(resolution, "b", "Varga", docs) == person
    assert "Secretary of State" in resolution.roles[person]
    assert resolution.by_id()[person].name == "Elena Varga"


def test_spelling_variants_of_a_name_are_one_person():
    docs = {"a": "Prime Minister Nuri al-Maliki spoke in parliament.",
            "b": "Protesters gathered outside the office of Nouri al-Maliki. Maliki did not respond."}
    resolution = _resolve(docs)
    person = _entity_of(resolution, "a", "Nuri al-Maliki", docs)
    assert _entity_of(resolution, "b", "Nouri al-Maliki", docs) == person
    assert _entity_of(resolution, "b", "Maliki", docs, nth=1) == person


def test_role_description_gives_person_and_organisation():
    docs = {"a": "Harbour Board spokesman Captain Ivo Marek said the quay would reopen."}
    aliases = load_aliases()
    mentions = find_mentions("a", docs["a"], split_sentences(docs["a"]), aliases)
    person = next(m for m in mentions if m.label == "person")
    assert person.text == "Ivo Marek" and person.role == "Harbour Board spokesman" and person.titles == ("Captain",)
    assert any(m.label == "org" and m.text == "Harbour Board" for m in mentions)


def test_same_surname_in_two_stories_stays_two_people():
    docs = {"a": "Senator Mark Kelly voted against the bill. Kelly said it was rushed.",
            "b": "Presenter Megyn Kelly hosted the debate. Kelly asked about taxes."}
    resolution = _resolve(docs, {"a": "story-1", "b": "story-2"})
    mark, megyn = _entity_of(resolution, "a", "Mark Kelly", docs), _entity_of(resolution, "b", "Megyn Kelly", docs)
    assert mark != megyn
    assert _entity_of(resolution, "a", "Kelly", docs, nth=1) == mark
    assert _entity_of(resolution, "b", "Kelly", docs, nth=1) == megyn


def test_surname_alone_in_another_story_does_not_join():
    docs = {"a": "Senator Mark Kelly voted.", "b": "Kelly hosted the show."}
    resolution = _resolve(docs, {"a": "story-1", "b": "story-2"})
    assert _entity_of(resolution, "b", "Kelly", docs) != _entity_of(resolution, "a", "Mark Kelly", docs)


def test_resolution_with_spacy_matches_rules(annotator):
    nlp = annotator.model.get()
    if nlp is None:
        return
    docs = {"a": "Prime Minister Nuri al-Maliki spoke in parliament.",
            "b": "Critics of Nouri al-Maliki gathered on Monday. Maliki did not respond."}
    resolution = _resolve(docs, doc_model=nlp)
    assert _entity_of(resolution, "a", "Nuri al-Maliki", docs) == _entity_of(resolution, "b", "Maliki", docs, nth=1)


def test_written_form_decides_whatever_the_ner_type():
    """One name typed differently by NER, possessive or company suffix: still one actor."""
    from storyline.model import NameMention

    # texts: "Deep Throat met Zentrix Corp. in the garage." / "Deep Throat's tip and Zentrix's answer."
    mentions = [NameMention("a", 0, 11, "Deep Throat", "person"), NameMention("a", 16, 28, "Zentrix Corp.", "org"),
                NameMention("b", 0, 13, "Deep Throat's", "unknown"), NameMention("b", 22, 31, "Zentrix's", "org")]
    resolution = resolve_actors(mentions, {"a": "s1", "b": "s2"}, load_aliases())
    index = resolution.index()
    assert index[("a", 0, 11)] == index[("b", 0, 13)]
    assert index[("a", 16, 28)] == index[("b", 22, 31)]


def test_a_weekday_names_a_different_day_in_each_story():
    from storyline.model import NameMention

    mentions = [NameMention(a, 0, 6, "Friday", "unknown") for a in ("a", "b", "c")]
    resolution = resolve_actors(mentions, {"a": "s1", "b": "s1", "c": "s2"}, load_aliases())
    index = resolution.index()
    assert index[("a", 0, 6)] == index[("b", 0, 6)] != index[("c", 0, 6)]
