"""The annotate stage: per-article NLP in batches, then per-story resolution and stances.

``Annotator.annotate`` runs once per new article: spaCy (loaded once per process, batched with
``nlp.pipe``) or the rule fallback finds name mentions, quotes and counted claims.
``analyze_story`` runs whenever a story changes: it resolves the mentions of all its articles
into actors, points every quote at its speaker's actor and collects stance evidence. Neither
touches the store; ``pipeline.py`` moves the records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from storyline.config import NlpConfig
from storyline.model import Article, ArticleAnnotation, Entity, StanceEvidence
from storyline.nlp.claims import find_claims
from storyline.nlp.cues import DEFAULT_CUES, CueLexicon
from storyline.nlp.entities import find_mentions, person_mention
from storyline.nlp.gazetteer import AliasTable, load_aliases
from storyline.nlp.quotes import attribute_quotes
from storyline.nlp.resolve import Resolution, known_entity_id, resolve_actors
from storyline.nlp.spacy_model import SpacyModel
from storyline.nlp.stance import find_stance_evidence

__all__ = ["Annotator", "StoryAnalysis", "analyze_story"]


class Annotator:
    """Finds mentions, quotes and claims in articles.

    Args:
        config: the ``nlp`` config section.
        aliases: the alias table (the packaged one by default).
        cues: the cue verbs of the quote finder (the hand-written and learned ones by default).
    """

    def __init__(self, config: NlpConfig | None = None, aliases: AliasTable | None = None,
                 cues: CueLexicon = DEFAULT_CUES) -> None:
        self.config = config or NlpConfig()
        self.aliases = aliases or load_aliases()
        self.cues = cues
        # neither the lemmatizer (cue verbs are matched by their forms, CueLexicon.lemma) nor the attribute
        # ruler (quotes read Penn tags, not universal POS) is needed: together a sixth of spaCy's time
        self.model = SpacyModel(disable=("lemmatizer", "attribute_ruler"), enabled=self.config.use_spacy)

    @property
    def method(self) -> str:
        """``spacy:<model>`` or ``rules``."""
        return self.model.method

    def annotate(self, articles: Sequence[Article]) -> list[ArticleAnnotation]:
        """Annotate articles (one spaCy batch pass when the model is available; ``nlp.processes`` workers)."""
        nlp = self.model.get()
        # worker processes pay off only when there are several batches to share out
        processes = self.config.processes if len(articles) > 2 * self.config.batch_size else 1
        docs = nlp.pipe([a.text for a in articles], batch_size=self.config.batch_size, n_process=processes) \
            if nlp is not None else (None for _ in articles)
        return [self.annotate_one(article, doc) for article, doc in zip(articles, docs, strict=False)]

    def annotate_one(self, article: Article, doc: object = None) -> ArticleAnnotation:
        """Annotate one article given its spaCy ``Doc`` (or None for the rules)."""
        mentions = find_mentions(article.id, article.text, article.sentences, self.aliases, doc)
        quotes = attribute_quotes(article.id, article.text, mentions, article.sentences, doc,
                                  self.config.quote_min_words, self.cues)
        # a speaker the tagger missed ("Rouhani said") becomes a person mention, so it resolves
        known = {(m.start, m.end) for m in mentions}
        for i, quote in enumerate(quotes):
            ref = quote.speaker_ref
            if ref is not None and (ref.start, ref.end) not in known:
                mention = person_mention(article.id, article.text, ref.start, ref.end, "speaker")
                if mention is None:
                    continue
                if (mention.start, mention.end) != (ref.start, ref.end):  # "Mr Bahn": the name without its title
                    quotes[i] = replace(quote, speaker_ref=mention.span)
                if (mention.start, mention.end) not in known:
                    mentions.append(mention)
                    known.add((mention.start, mention.end))
        mentions.sort(key=lambda m: (m.start, m.end))
        claims = find_claims(article.id, article.text, article.sentences, quotes)
        return ArticleAnnotation(article.id, mentions, quotes, claims, "spacy" if doc is not None else "rules")


@dataclass(slots=True)
class StoryAnalysis:
    """A story's actors, its quotes' speakers and its stance evidence."""

    resolution: Resolution
    speakers: dict[tuple[str, int, int], str] = field(default_factory=dict)
    """``(article id, quote start, quote end) -> entity id`` of each attributed quote's speaker."""
    stances: list[StanceEvidence] = field(default_factory=list)


def analyze_story(articles: Sequence[Article], annotations: Sequence[ArticleAnnotation], story_of: dict[str, str],
                  aliases: AliasTable, config: NlpConfig | None = None) -> StoryAnalysis:
    """Resolve a story's mentions into actors, attach quote speakers, collect stance evidence."""
    config = config or NlpConfig()
    resolution = resolve_actors([m for a in annotations for m in a.mentions], story_of, aliases,
                                config.name_similarity)
    index = resolution.index()
    entities = resolution.by_id()
    analysis = StoryAnalysis(resolution)
    # relate actors through what they speak for: the Pentagon speaks for the United States
    top: dict[str, str] = {}
    for entity in resolution.entities:
        parent = aliases.top(entity.name) if entity.type != "person" else None
        if parent is not None and parent.name != entity.name:
            top[entity.id] = known_entity_id(parent.type, parent.name)
        elif entity.type == "person":
            for role in resolution.roles.get(entity.id, ()):
                found = aliases.find(role)
                if found:
                    actor = aliases.top(found[0][2].name) or found[0][2]
                    top[entity.id] = known_entity_id(actor.type, actor.name)
                    break
    by_article = {a.id: a for a in articles}
    mentions_of: dict[str, list] = {}
    for m in resolution.mentions:
        mentions_of.setdefault(m.article_id, []).append(m)
    for annotation in annotations:
        article = by_article.get(annotation.article_id)
        if article is None:
            continue
        quote_speakers: dict[tuple[int, int], str] = {}
        here = {m.entity_id for m in mentions_of.get(article.id, [])}
        for quote in annotation.quotes:
            ref = quote.speaker_ref
            entity = index.get((article.id, ref.start, ref.end)) if ref is not None else None
            if entity is None and quote.resolved_by == "description" and quote.speaker:
                entity = _described(quote.speaker, here, entities, resolution.roles)
            if entity is not None:
                analysis.speakers[(article.id, quote.span.start, quote.span.end)] = entity
                for part in quote.parts:
                    quote_speakers[(part.start, part.end)] = top.get(entity, entity)
        mentions = [type(m)(m.article_id, m.start, m.end, top.get(m.entity_id, m.entity_id), m.text)
                    for m in mentions_of.get(article.id, [])
                    if entities.get(m.entity_id) is not None and entities[m.entity_id].type != "loc"]
        analysis.stances.extend(find_stance_evidence(article.id, article.text, article.sentences, mentions,
                                                     speakers=quote_speakers))
    return analysis


def _described(phrase: str, here: set[str], entities: dict[str, Entity],
               roles: dict[str, tuple[str, ...]]) -> str | None:
    """The one actor of the article whose role in the story, or whose name, holds a description's head.

    "the prime minister" is the story's one Prime Minister the article mentions; "the ministry" its
    one ministry. None when there is no such actor or more than one.
    """
    words = re.split(r",|\s(?:of|for|at|in|from|with|on|who|which|that)\s", phrase.lower(), maxsplit=1)[0].split()
    head = words[-1].strip("’'s") if words else ""
    if not head:
        return None
    found = [e for e in here if e in entities and (
        any(head in role.lower().split() for role in roles.get(e, ())) or
        (entities[e].type != "person" and head in entities[e].name.lower().split()))]
    return found[0] if len(found) == 1 else None

