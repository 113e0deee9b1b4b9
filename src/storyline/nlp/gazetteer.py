"""The curated alias table (``aliases.json``): known actors and the names they go by.

The table is data, not code: each actor lists its surface forms (variant names, acronyms,
metonyms such as "Tehran" for Iran's government, demonyms). It is deliberately small; everything
else is resolved by rules (acronym definitions, spelling variants, surnames). Load it once per
process with :func:`load_aliases` and pass the :class:`AliasTable` around.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from storyline.nlp.names import name_key
from storyline.text import fold_quotes

__all__ = ["AliasTable", "KnownActor", "load_aliases"]


@dataclass(frozen=True, slots=True)
class KnownActor:
    """An actor of the alias table."""

    name: str
    type: str
    aliases: tuple[str, ...]
    case_sensitive: tuple[str, ...] = ()
    part_of: str | None = None
    """The actor this one speaks for ("Pentagon" -> "United States"), when relating actors."""


class AliasTable:
    """Look up known actors by surface form, and find their names in text.

    Args:
        actors: the known actors.
    """

    def __init__(self, actors: list[KnownActor]) -> None:
        self.actors = tuple(actors)
        self._by_key: dict[str, KnownActor] = {}
        self._exact: dict[str, KnownActor] = {}
        for actor in self.actors:
            for alias in (actor.name, *actor.aliases):
                self._by_key.setdefault(name_key(alias), actor)
            for alias in actor.case_sensitive:
                self._exact[alias] = actor
        forms = sorted({a for actor in self.actors for a in (actor.name, *actor.aliases, *actor.case_sensitive)},
                       key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w])",
                                   re.IGNORECASE)

    def lookup(self, surface: str) -> KnownActor | None:
        """Return the known actor a surface form names, if any ("ISIL" -> Islamic State)."""
        surface = surface.strip()
        if surface in self._exact:
            return self._exact[surface]
        stripped = re.sub(r"(?:['’]s|['’])$", "", surface)
        key = name_key(stripped)
        if key.upper() in {name_key(k).upper() for k in self._exact} and stripped not in self._exact:
            return None  # "is" or "Us" are words, not the case-sensitive acronyms
        return self._by_key.get(key)

    def top(self, name: str) -> KnownActor | None:
        """Return the actor a known actor speaks for (itself unless ``part_of`` says otherwise)."""
        actor = self.lookup(name)
        seen = set()
        while actor is not None and actor.part_of and actor.name not in seen:
            seen.add(actor.name)
            actor = self.lookup(actor.part_of) or actor
        return actor

    def find(self, text: str) -> list[tuple[int, int, KnownActor]]:
        """Return ``(start, end, actor)`` for every alias written in ``text`` (longest match wins)."""
        found = []
        for match in self._pattern.finditer(fold_quotes(text)):  # length-preserving: offsets stay valid
            surface = match.group(1)
            actor = self.lookup(surface)
            if actor is None:
                continue
            if not surface[0].isupper() and not any(a[0].islower() and name_key(a) == name_key(surface)
                                                   for a in actor.aliases):
                continue  # "america" or "iranian" in lower case is not a name as written
            found.append((match.start(1), match.end(1), actor))
        return found


def load_aliases(path: str | Path | None = None) -> AliasTable:
    """Load the alias table (the packaged ``aliases.json`` unless ``path`` is given)."""
    if path is None:
        raw = resources.files("storyline.nlp").joinpath("aliases.json").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = json.loads(raw)
    return AliasTable([KnownActor(a["name"], a["type"], tuple(a.get("aliases", ())), tuple(a.get("case_sensitive", ())),
                                  a.get("part_of")) for a in data["actors"]])
