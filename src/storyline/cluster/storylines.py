"""Linking stories into storylines with stable ids, recording merges and splits (with their reasons).

Which stories form a storyline is decided by ``cluster.linking``: stories are linked on specific
shared evidence (features weighted by how rare they are among the stories of the window), and two
storylines join only when they are alike as wholes, so one ubiquitous name or one bridging story
cannot chain unrelated events. Linking works on the event clusterer's stories: the two parts of a
story cut by ``cluster.refine`` are linked as the one story they were (their centroids sum to its
centroid), so they share its storyline and links; the links are stored under its id. The whole
window is regrouped on every run, so a storyline that would now span unrelated events is split.

Ids are stable across runs: a storyline that contains stories of one earlier storyline keeps its
id; when it holds stories of several, the oldest storyline (founded first) keeps its id and the
others are recorded as *merged* into it; when an earlier storyline's stories fall into several
storylines, the part holding most of them keeps the id and the others are recorded as *split* off
it, each with the reason (the evidence the parts share, and their similarity against the link
threshold). A brand-new storyline takes an id derived from its oldest story, so the same input in
the same order gives the same ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from storyline.cluster.features import sum_vectors
from storyline.cluster.linking import Grouping, LinkInput, group_stories
from storyline.cluster.refine import coarse_id
from storyline.config import ClusterConfig
from storyline.model import UNDATED_ORDINAL, Linking, StorylineChange, StoryNode

__all__ = ["link_storylines", "storyline_id_for"]

_CENTRES = 5


def storyline_id_for(story_id: str) -> str:
    """Return the id of a storyline founded by a story.

    >>> storyline_id_for("s-0123456789abcdef")
    'l-0123456789abcdef'
    """
    return "l-" + story_id.removeprefix("s-")


def _apart(grouping: Grouping, part: Sequence[int], rest: Sequence[int]) -> str:
    """Why two groups of stories are two storylines: what they share, and their similarity against the bar."""
    similarity = grouping.similarity(part, rest)
    shared = grouping.shared(part, rest)
    common = [] if shared else grouping.shared(part, rest, weighted=False)
    if shared:
        what = f"they share only {', '.join(shared)}"
    elif common:
        what = f"they share only names found in most stories of the window ({', '.join(common)}), which link nothing"
    else:
        what = "they share no actor, place or term"
    bar = grouping.config.link_threshold
    if similarity < bar:
        return f"{what} (similarity {similarity:.2f}, under the link threshold {bar})"
    return f"{what}, and no two of their stories are close enough to link them (similarity {similarity:.2f})"


def _together(grouping: Grouping, a: Sequence[int], b: Sequence[int]) -> str:
    shared = grouping.shared(a, b)
    return f"sharing {', '.join(shared)}" if shared else "by their stories' links"


def link_storylines(nodes: Sequence[StoryNode], config: ClusterConfig, *, previous: dict[str, str] | None = None,
                    storyline_age: dict[str, tuple[int, str]] | None = None) -> Linking:
    """Group stories into storylines (``cluster.linking``), keeping earlier storyline ids where the stories allow.

    Args:
        nodes: the window: the changed stories, those they may link to, and all stories of any
            storyline they belong to. They are regrouped as a whole.
        config: clustering settings (``link_*`` fields).
        previous: each story's storyline before this run.
        storyline_age: a sort key per earlier storyline, oldest first (default: by id).

    Returns:
        The storyline of every node, the links inside storylines, the recorded changes (splits
        and merges with their reasons) and each storyline's most representative stories.
    """
    parts = [n.id for n in nodes]
    nodes = _wholes(nodes)
    by_id = {n.id: n for n in nodes}
    index = {n.id: i for i, n in enumerate(nodes)}
    previous = {coarse_id(s): line for s, line in sorted((previous or {}).items(), reverse=True)}
    age = storyline_age or {}
    grouping = group_stories([LinkInput(n.id, n.vector, n.first_day, n.last_day, n.size) for n in nodes], config)
    result = Linking(edges={(nodes[a].id, nodes[b].id): score for a, b, score in grouping.links})
    ordered = sorted(((sorted((nodes[i].id for i in g), key=lambda s: by_id[s].age_key), k)
                      for k, g in enumerate(grouping.groups)), key=lambda c: by_id[c[0][0]].age_key)
    components = [c for c, _ in ordered]
    members = [[index[s] for s in c] for c in components]
    centres = [[nodes[i].id for i in grouping.centres[k][:_CENTRES]] for _, k in ordered]
    # each earlier storyline goes to the component holding most of its stories (ties: the part holding the
    # story it was named after, then the oldest part)
    home: dict[str, int] = {}
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    founders: dict[str, int] = {}
    for position, component in enumerate(components):
        for story in component:
            if story in previous:
                counts[previous[story]][position] += 1
                if storyline_id_for(story) == previous[story]:
                    founders[previous[story]] = position
    for line, per_component in counts.items():
        home[line] = max(per_component.items(),
                         key=lambda item: (item[1], item[0] == founders.get(line), -item[0]))[0]
    used: set[str] = set(home)
    for position, component in enumerate(components):
        owned = sorted({line for line, where in home.items() if where == position},
                       key=lambda line: (age.get(line, (UNDATED_ORDINAL, line)), line))
        if owned:
            line_id = owned[0]
            for other in owned[1:]:
                own = [index[s] for s in component if previous.get(s) == line_id]
                theirs = [index[s] for s in component if previous.get(s) == other]
                why = _together(grouping, own, theirs) if own and theirs else "by their stories' links"
                result.changes.append(StorylineChange(line_id, "merged", f"absorbed storyline {other} ({why})", other))
                result.changes.append(StorylineChange(other, "merged_into", f"merged into storyline {line_id} ({why})",
                                                      line_id))
        else:
            candidates = [storyline_id_for(s) for s in component]
            line_id = next((c for c in candidates if c not in used), f"{candidates[0]}-{len(used)}")
            origins = sorted({previous[s] for s in component if s in previous})
            if origins:
                for origin in origins:
                    why = _apart(grouping, members[position], members[home[origin]])
                    result.changes.append(StorylineChange(
                        origin, "split", f"storyline {line_id} ({len(component)} stories) split off: {why}", line_id))
                    result.changes.append(StorylineChange(line_id, "split_from", f"split off storyline {origin}: {why}",
                                                          origin))
            else:
                result.changes.append(StorylineChange(line_id, "created", f"founded by story {component[0]}"))
        used.add(line_id)
        result.centres[line_id] = centres[position]
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
        wholes.append(StoryNode(story_id, vector, min(firsts, default=None), max(lasts, default=None),
                                sum(n.size for n in group)))
    return wholes
