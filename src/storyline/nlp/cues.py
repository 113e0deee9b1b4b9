"""Cue words of attribution: verbs and nouns that introduce what someone said or holds.

Shared by the parse-based and the pattern-based quote finders (``quotes.py``). Which verbs are
cues is a :class:`CueLexicon`: the hand-written list plus the verbs learned from PolNeAR train
(``learned_cues``) by default; ``bench/learn_cues.py`` passes candidate lists the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from storyline.nlp.learned_cues import LEARNED_CUE_LEMMAS, LEARNED_FORMS

__all__ = ["COMMIT_LEMMAS", "CUE_FORMS", "CUE_LEMMAS", "DEFAULT_CUES", "NOUN_CUES", "OBJECT_CUES", "QUOTE_LEMMAS",
           "WEAK_CUES", "CueLexicon"]

CUE_LEMMAS = frozenset({
    "say", "tell", "add", "state", "announce", "claim", "warn", "note", "explain", "insist", "argue", "accuse",
    "report", "write", "ask", "urge", "deny", "confirm", "acknowledge", "suggest", "predict", "vow", "pledge",
    "declare", "describe", "reply", "respond", "estimate", "recall", "complain", "admit", "promise", "stress",
    "emphasize", "emphasise", "contend", "assert", "maintain", "allege", "concede", "caution", "observe", "remark",
    "tweet", "testify", "charge", "counter", "retort", "quip", "boast", "believe", "think", "call", "criticize",
    "criticise", "blame", "dismiss", "reject", "hint", "indicate", "show", "find", "conclude", "agree", "demand",
    "threaten", "proclaim", "mention", "point", "quote", "read", "want", "plan", "hope", "expect", "fear", "feel",
    "know", "cite", "reveal", "recommend", "propose", "attack", "slam", "blast", "praise", "question", "decline",
    "refuse", "see", "worry", "doubt", "signal", "tout", "endorse", "support", "oppose", "imply", "project",
    "forecast", "defend", "wonder", "disclose", "publish", "release",
    # more verbs of speaking, judging and intending (the long tail of attribution cues on PolNeAR train)
    "continue", "express", "speak", "discuss", "talk", "joke", "thank", "assure", "mock", "echo", "challenge",
    "denounce", "decry", "remind", "refer", "offer", "answer", "shout", "yell", "chant", "email", "plead",
    "ridicule", "brand", "highlight", "protest", "list", "repeat", "reiterate", "congratulate", "lament", "scoff",
    "brag", "label", "dub", "characterize", "characterise", "advocate", "condemn", "applaud", "hail", "laud",
    "lambaste", "chide", "fault", "tease", "apologize", "apologise", "swear", "guarantee", "inform", "advise",
    "request", "appeal", "implore", "back", "favor", "favour", "prefer", "seem", "appear", "consider", "intend",
    "seek", "suspect", "assume", "recognize", "recognise", "realize", "realise", "understand", "remember",
    "imagine", "envision", "anticipate", "accept", "dispute", "regard", "deem", "insinuate", "muse", "outline",
})
"""Lemmas of verbs that introduce speech or attributed content (the hand-written list)."""

_IRREGULAR = {"said": "say", "says": "say", "saying": "say", "told": "tell", "wrote": "write", "written": "write",
              "thought": "think", "found": "find", "shown": "show", "denied": "deny", "denies": "deny",
              "replied": "reply", "replies": "reply", "read": "read", "reads": "read", "reading": "read",
              "spoke": "speak", "spoken": "speak", "sought": "seek", "knew": "know", "known": "know", "saw": "see",
              "seen": "see", "felt": "feel", "understood": "understand", "swore": "swear", "sworn": "swear"}
_MAX_REMEMBERED = 1 << 15
_ENDINGS = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", ""), ("es", ""),
            ("s", ""))


@dataclass(frozen=True, eq=False)
class CueLexicon:
    """The cue verbs the quote finder uses: the hand-written list and learned ones.

    Args:
        learned: learned cue lemmas (``learned_cues.LEARNED_CUE_LEMMAS`` by default).
        forms: word forms of learned lemmas that stripping endings would not map back ("withdrew").
    """

    learned: frozenset[str] = LEARNED_CUE_LEMMAS
    forms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(dict(LEARNED_FORMS)))
    verbs: frozenset[str] = field(init=False)
    """The cue verb lemmas: the hand-written list and the learned one."""
    _lemmas: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verbs", CUE_LEMMAS | self.learned)
        object.__setattr__(self, "_lemmas", {})  # lemmas of word forms, filled as forms are met

    def lemma(self, token: Any) -> str:
        """The cue lemma of a token, from spaCy's lemmatizer when it ran, else by stripping endings."""
        if token.lemma_ and token.lemma_ != token.text:
            return str(token.lemma_).lower()
        return self.form_lemma(token.lower_)

    def form_lemma(self, word: str) -> str:
        """The cue lemma of a lower-cased word form (remembered: asked for every token of every article)."""
        found = self._lemmas.get(word)
        if found is None:
            if len(self._lemmas) >= _MAX_REMEMBERED:  # bounded: a long-running server meets every word
                self._lemmas.clear()
            found = self._lemmas[word] = self._strip(word)
        return found

    def _strip(self, word: str) -> str:
        if word in _IRREGULAR:
            return _IRREGULAR[word]
        if word in self.forms:
            return self.forms[word]
        for lexicon in (CUE_LEMMAS, self.verbs):  # the hand list first: "hoped" is "hope", not a learned "hop"
            for suffix, repl in _ENDINGS:
                if word.endswith(suffix):
                    stem = word[: -len(suffix)] + repl
                    if stem in lexicon:
                        return stem
                    if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in lexicon:  # admitted
                        return stem[:-1]
        return word

    def is_verb(self, lemma: str) -> bool:
        """True for a lemma of the hand-written or the learned cue verbs."""
        return lemma in self.verbs


DEFAULT_CUES = CueLexicon()
"""The hand-written cue verbs and those learned from PolNeAR train (immutable; shared by every annotator)."""


QUOTE_LEMMAS = frozenset({
    # speaking and writing
    "say", "tell", "add", "state", "announce", "claim", "warn", "note", "explain", "insist", "argue", "report",
    "write", "ask", "urge", "deny", "confirm", "acknowledge", "suggest", "predict", "vow", "pledge", "declare",
    "reply", "respond", "estimate", "recall", "complain", "admit", "promise", "stress", "emphasize", "emphasise",
    "contend", "assert", "maintain", "allege", "concede", "caution", "observe", "remark", "tweet", "testify",
    "charge", "counter", "retort", "quip", "boast", "threaten", "proclaim", "mention", "reveal", "recommend",
    "propose", "repeat", "reiterate", "shout", "yell", "chant", "email", "plead", "protest", "inform", "advise",
    "assure", "swear", "guarantee", "speculate", "comment", "clarify", "exclaim", "opine", "posit", "post",
    "reaffirm", "recount", "disclose", "forecast", "demand", "call", "order", "agree", "conclude", "find",
    "hint", "indicate", "signal", "imply", "joke", "answer", "lament", "scoff", "brag", "concur", "confess",
    "interject", "point", "remind", "retweete", "utter", "tease", "mock",
    # believing and knowing
    "believe", "think", "expect", "fear", "feel", "know", "worry", "doubt", "suspect", "assume", "recognize",
    "recognise", "realize", "realise", "understand", "remember", "imagine", "anticipate", "guess", "reckon",
    "sense", "wonder", "hope", "project", "foresee", "surmise",
})
"""Cue verbs that report what someone said or holds: with a clause for content, theirs is a quote.

Other cue verbs ("wants to", "plans", "rejected", "seemed") attribute an intention, an act or a
stance, which ``stance`` may use but which is not someone's words."""

COMMIT_LEMMAS = frozenset({"vow", "pledge", "promise", "threaten", "urge", "ask", "call", "warn", "tell", "order",
                           "demand", "agree", "swear", "guarantee", "advise", "remind", "plead", "refuse"})
"""Speech acts whose infinitive is what was said: "vowed to take the battle to Baghdad"."""


WEAK_CUES = frozenset({"read", "show", "find", "call", "think", "believe", "point", "indicate", "agree", "see",
                        "know", "feel", "release", "publish", "continue", "speak", "talk", "seem", "appear",
                        "consider", "intend", "seek", "remember", "understand", "imagine", "accept", "regard",
                        "recognize", "recognise", "realize", "realise", "offer", "list", "answer"})
# verbs whose object or infinitive is the attributed content ("wants to ...", "supports the plan")
OBJECT_CUES = frozenset({"want", "plan", "hope", "vow", "pledge", "promise", "refuse", "decline", "threaten", "urge",
                          "support", "oppose", "criticize", "criticise", "praise", "call", "cite", "propose", "reject",
                          "endorse", "blame", "question", "defend", "attack", "slam", "blast", "tout", "deny",
                          "acknowledge", "announce", "accuse", "dismiss", "demand", "recommend"})
CUE_FORMS = (r"said|says|say|saying|told|tells|tell|added|adds|adding|stated|states|announced|announces|claimed|claims|"
          r"warned|warns|noted|notes|explained|explains|insisted|insists|argued|argues|wrote|writes|asked|asks|"
          r"urged|urges|denied|denies|confirmed|confirms|acknowledged|acknowledges|suggested|suggests|predicted|"
          r"vowed|vows|pledged|declared|declares|replied|responded|estimated|recalled|complained|admitted|"
          r"promised|stressed|stresses|contended|asserted|asserts|maintained|alleged|alleges|conceded|cautioned|"
          r"observed|remarked|tweeted|testified|reads")
NOUN_CUES = frozenset({"claim", "statement", "assertion", "allegation", "warning", "promise", "remark", "comment",
                        "suggestion", "argument", "accusation", "charge", "pledge", "announcement", "insistence",
                        "call", "proposal", "assessment", "estimate", "endorsement", "reply", "view",
                        "acknowledgement", "testimony", "criticism", "support", "belief", "message", "praise",
                        "denial", "demand", "plan", "vow", "threat", "request", "opposition", "position", "stance",
                        "response", "apology", "explanation", "prediction", "complaint", "admission", "defense",
                        "defence", "description", "tweet", "speech", "attack"})
