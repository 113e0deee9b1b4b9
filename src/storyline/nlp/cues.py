"""Cue words of attribution: verbs and nouns that introduce what someone said or holds.

Shared by the parse-based and the pattern-based quote finders (``quotes.py``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["CUE_FORMS", "CUE_LEMMAS", "NOUN_CUES", "OBJECT_CUES", "WEAK_CUES", "cue_lemma"]

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
"""Lemmas of verbs that introduce speech or attributed content."""

_IRREGULAR = {"said": "say", "says": "say", "saying": "say", "told": "tell", "wrote": "write", "written": "write",
              "thought": "think", "found": "find", "shown": "show", "denied": "deny", "denies": "deny",
              "replied": "reply", "replies": "reply", "read": "read", "reads": "read", "reading": "read",
              "spoke": "speak", "spoken": "speak", "sought": "seek", "knew": "know", "known": "know", "saw": "see",
              "seen": "see", "felt": "feel", "understood": "understand", "swore": "swear", "sworn": "swear"}


def cue_lemma(token: Any) -> str:
    """The cue lemma of a token, from spaCy's lemmatizer when it ran, else by stripping endings."""
    if token.lemma_ and token.lemma_ != token.text:
        return token.lemma_.lower()
    return _form_lemma(token.lower_)


@lru_cache(maxsize=1 << 15)
def _form_lemma(word: str) -> str:
    """The cue lemma of a lower-cased word form (cached: called for every token of every article)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", ""),
                         ("es", ""), ("s", "")):
        if word.endswith(suffix):
            stem = word[: -len(suffix)] + repl
            if stem in CUE_LEMMAS:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in CUE_LEMMAS:  # admitted
                return stem[:-1]
    return word


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
