"""Search that knows actors' other names: "ISIS" also finds "ISIL" and "Daesh".

A run of query words that names a known actor is matched by any of the actor's names. The names
come from two places: the curated alias table (``nlp/aliases.json``, the actors storyline knows
before reading anything) and the actors the NLP pass resolved in this store (``entities``: every
surface form it merged into one actor). The full-text search itself is
:func:`storyline.store.queries.search_page`.
"""

from __future__ import annotations

from typing import Any

from storyline.nlp.gazetteer import AliasTable, load_aliases
from storyline.store import Store, entity_names_matching
from storyline.store.queries import ArticleFilter, search_page
from storyline.text import STOPWORDS
from storyline.views.stories import page_view, search_hit_view

__all__ = ["query_aliases", "search_view"]

MAX_NAME_WORDS = 6
"""Longest run of query words looked up as a name ("Islamic State of Iraq and the Levant")."""
MAX_NAMES_PER_ACTOR = 16
"""Names of one actor added to a query at most (a store's actor may have collected many forms)."""


def _is_name(surface: str) -> bool:
    """A stored alias worth searching for: written like a name, not a common word ("state", "he")."""
    return any(c.isupper() for c in surface) and len(surface.strip()) > 2 and surface.lower() not in STOPWORDS


def query_aliases(store: Store, query: str, table: AliasTable | None = None) -> list[tuple[str, ...]]:
    """Return the name groups (one per actor) that runs of ``query``'s words belong to.

    Args:
        store: where the resolved actors are.
        query: the user's search text.
        table: the curated alias table (default: the packaged one).

    Returns:
        Groups of names, each one actor's, the matched name first; empty when the query names no
        known actor. Case-sensitive forms of the table ("IS") are never added: full-text search
        ignores case, so they would match the word "is".
    """
    table = table or load_aliases()
    words = query.replace('"', " ").split()
    runs = [" ".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, min(len(words), i + MAX_NAME_WORDS) + 1)]
    merged: dict[str, list[str]] = {}  # matched run (lower case) -> the actor's names, that run first
    for run in runs:
        actor = table.lookup(run)
        if actor is not None:
            merged.setdefault(run.lower(), [run]).extend((actor.name, *actor.aliases))
    wanted = {run.lower(): run for run in runs if run.lower() not in STOPWORDS}
    for names in entity_names_matching(store, wanted):
        names = tuple(n for n in names if _is_name(n))
        for matched in {n.lower() for n in names} & set(wanted):
            merged.setdefault(matched, [wanted[matched]]).extend(names)
    groups = []
    for names in merged.values():
        unique = {n.lower(): n for n in reversed(names)}  # one spelling per name, the first seen
        group = tuple(unique[k] for k in dict.fromkeys(n.lower() for n in names))[:MAX_NAMES_PER_ACTOR]
        if len(group) > 1:
            groups.append(group)
    return groups


def search_view(store: Store, query: str, filters: ArticleFilter | None = None, *, limit: int = 20,
                offset: int = 0) -> dict[str, Any]:
    """Search articles (all words must occur; an actor's name matches any of its names), one page of hits.

    Returns:
        A page view (``items``: :func:`storyline.views.search_hit_view` dicts, ``total``, ...) with
        ``aliases``: the other names searched for each actor the query names.
    """
    aliases = query_aliases(store, query)
    page = search_page(store, query, filters, limit=limit, offset=offset, aliases=aliases)
    view = page_view(page, [search_hit_view(a, s) for a, s in page.items])
    view["aliases"] = [{"name": g[0], "also": [n for n in g[1:] if n.lower() != g[0].lower()]} for g in aliases]
    return view
