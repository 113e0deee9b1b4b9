"""Linking stories into storylines with stable ids, recording merges and splits.

Two stories are *linked* when the cosine of their centroids (the same TF-IDF + entity features
the event clusterer uses, so shared actors and places weigh more than shared vocabulary),
damped by ``exp(-days between them / link_time_scale_days)``, reaches ``link_threshold``; stories
more than ``link_window_days`` apart are never linked directly. A storyline is a connected
component of linked stories. Linking works on the event clusterer's stories: the two parts of a
story cut by ``cluster.refine`` are linked as the one story they were (their centroids sum to
its centroid), so they share its storyline and links; the links are stored under its id.

Ids are stable across runs: a component that contains stories of one earlier storyline keeps its
id; when it holds stories of several, the oldest storyline (founded first) keeps its id and the
others are recorded as *merged* into it; when an earlier storyline's stories fall into several
components (links weaken as stories grow and drift), the part holding most of them keeps the id
and the others are recorded as *split* off it. A brand-new component takes an id derived from
its oldest story, so the same input in the same order gives the same ids.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from storyline.cluster.features import sum_vectors
from storyline.cluster.refine import coarse_id
from storyline.config import ClusterConfig
from storyline.model import UNDATED_ORDINAL, Linking, StorylineChange, StoryNode
from storyline.partitions import connected_components

__all__ = ["link_storylines", "storyline_id_for"]


def storyline_id_for(story_id: str) -> str:
    """Return the id of a storyline founded by a story.

    >>> storyline_id_for("s-0123456789abcdef")
    'l-0123456789abcdef'
    """
    return "l-" + story_id.removeprefix("s-")


def _gap(a: StoryNode, b: StoryNode) -> float:
    if a.first_day is None or b.first_day is None or a.last_day is None or b.last_day is None:
        return 0.0
    if a.last_day < b.first_day:
        return float(b.first_day - a.last_day)
    if b.last_day < a.first_day:
        return float(a.first_day - b.last_day)
    return 0.0


def find_edges(nodes: Sequence[StoryNode], changed: set[str], config: ClusterConfig) -> dict[tuple[str, str], float]:
    """Return the links between each changed node and every other node, keyed by sorted id pair."""
    import numpy as np
    from scipy.sparse import csr_matrix

    if not nodes or not changed:
        return {}
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, node in enumerate(nodes):
        norm = math.sqrt(sum(w * w for w in node.vector.values())) or 1.0
        for term, weight in node.vector.items():
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append(weight / norm)
    matrix = csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(len(nodes), max(len(vocab), 1)))
    changed_rows = [i for i, node in enumerate(nodes) if node.id in changed]
    sims = (matrix[changed_rows] @ matrix.T).tocoo()
    edges: dict[tuple[str, str], float] = {}
    for r, c, sim in zip(sims.row, sims.col, sims.data, strict=True):
        a, b = nodes[changed_rows[r]], nodes[c]
        if a.id == b.id or sim < config.link_threshold:
            continue
        gap = _gap(a, b)
        if gap > config.link_window_days:
            continue
        score = float(sim) * math.exp(-gap / config.link_time_scale_days)
        if score >= config.link_threshold:
            edges[(a.id, b.id) if a.id < b.id else (b.id, a.id)] = round(score, 6)
    return edges


def link_storylines(nodes: Sequence[StoryNode], config: ClusterConfig, *, changed: set[str] | None = None,
                    edges: dict[tuple[str, str], float] | None = None, previous: dict[str, str] | None = None,
                    storyline_age: dict[str, tuple[int, str]] | None = None) -> Linking:
    """Group stories into storylines, keeping earlier storyline ids where the stories allow.

    Args:
        nodes: every story that may be affected: the changed ones, those they may link to, and
            all stories of any storyline they belong to.
        config: clustering settings (``link_*`` fields).
        changed: stories whose links are (re)computed; default all. Links of the others come from
            ``edges``.
        edges: links found earlier (between stories that did not change).
        previous: each story's storyline before this run.
        storyline_age: a sort key per earlier storyline, oldest first (default: by id).

    Returns:
        The storyline of every node, all links among the nodes, and the recorded changes.
    """
    parts = [n.id for n in nodes]
    nodes = _wholes(nodes)
    by_id = {n.id: n for n in nodes}
    changed = set(by_id) if changed is None else {coarse_id(s) for s in changed} & set(by_id)
    previous = {coarse_id(s): line for s, line in sorted((previous or {}).items(), reverse=True)}
    age = storyline_age or {}
    kept = {k: v for k, v in (edges or {}).items() if k[0] in by_id and k[1] in by_id
            and k[0] not in changed and k[1] not in changed}
    kept.update(find_edges(nodes, changed, config))
    result = Linking(edges=kept)
    components = sorted((sorted(c, key=lambda s: by_id[s].age_key)
                         for c in connected_components(list(by_id), sorted(kept))), key=lambda c: by_id[c[0]].age_key)
    # each earlier storyline goes to the component holding most of its stories (ties: the oldest part)
    home: dict[str, int] = {}
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for index, component in enumerate(components):
        for story in component:
            if story in previous:
                counts[previous[story]][index] += 1
    for line, per_component in counts.items():
        home[line] = max(per_component.items(), key=lambda item: (item[1], -item[0]))[0]
    used: set[str] = set(home)
    for index, component in enumerate(components):
        owned = sorted({line for line, where in home.items() if where == index},
                       key=lambda line: (age.get(line, (UNDATED_ORDINAL, line)), line))
        if owned:
            line_id = owned[0]
            for other in owned[1:]:
                result.changes.append(StorylineChange(line_id, "merged", f"absorbed storyline {other}", other))
                result.changes.append(StorylineChange(other, "merged_into", f"merged into storyline {line_id}",
                                                      line_id))
        else:
            candidates = [storyline_id_for(s) for s in component]
            line_id = next((c for c in candidates if c not in used), f"{candidates[0]}-{len(used)}")
            origins = sorted({previous[s] for s in component if s in previous})
            if origins:
                for origin in origins:
                    result.changes.append(StorylineChange(origin, "split", f"storyline {line_id} split off", line_id))
                    result.changes.append(StorylineChange(line_id, "split_from", f"split off storyline {origin}",
                                                          origin))
            else:
                result.changes.append(StorylineChange(line_id, "created", f"founded by story {component[0]}"))
        used.add(line_id)
        for story in component:
            result.storyline_of[story] = line_id
    result.storyline_of = {part: result.storyline_of[coarse_id(part)] for part in sorted(parts)}
    return result


def _wholes(nodes: Sequence[StoryNode]) -> list[StoryNode]:
    """The clusterer's stories of ``nodes`` (sorted by id): the parts of a cut story summed into one."""
    groups: dict[str, list[StoryNode]] = defaultdict(list)
    for node in nodes:
        groups[coarse_id(node.id)].append(node)
    wholes = []
    for story_id, group in sorted(groups.items()):
        if len(group) == 1 and group[0].id == story_id:
            wholes.append(group[0])
            continue
        vector = sum_vectors(node.vector for node in sorted(group, key=lambda n: n.id))
        firsts = [n.first_day for n in group if n.first_day is not None]
        lasts = [n.last_day for n in group if n.last_day is not None]
        wholes.append(StoryNode(story_id, vector, min(firsts, default=None), max(lasts, default=None)))
    return wholes
