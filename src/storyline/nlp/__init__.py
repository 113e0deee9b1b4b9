"""Actors, quotes, claims and stances: who said what, who stands where.

Modules, in pipeline order:

- ``spacy_model``: load the spaCy pipeline once per process (``nlp`` extra), or fall back to rules;
- ``entities``: name mentions per article (NER or capitalised-span rules, the alias table,
  acronym definitions, descriptions such as "the secretary"); ``names``: name normal forms,
  transliteration keys, titles and roles; ``gazetteer``: the curated alias table (``aliases.json``);
- ``quotes``: direct and reported speech with cue, speaker and spans; ``cues``: the cue words
  (a hand-written list and ``learned_cues``, verbs learned from PolNeAR train by
  ``bench/learn_cues.py``); ``merge``: one quote carried by several outlets becomes one quote with
  several citations;
- ``claims``: counted claims ("1,700 soldiers executed") with source and status;
- ``resolve``: cross-document alias resolution into canonical actors;
- ``stance``: cooperate / oppose / mixed evidence for actor pairs;
- ``annotate``: the stage the pipeline runs (per article, then per story); ``views``: JSON-ready
  read views for the CLI and API.
"""

from storyline.nlp.annotate import Annotator, StoryAnalysis, analyze_story

__all__ = ["Annotator", "StoryAnalysis", "analyze_story"]
