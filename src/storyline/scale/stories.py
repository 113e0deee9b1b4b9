"""Stories, storylines and summaries on Spark, with the local clusterer, linker and summariser.

The local pipeline streams all articles, oldest first ((stated day, id) order), through one
``EventClusterer``. That stream is cut here into time windows of ``scale.window_days`` (one task
each), so windows cluster in parallel:

1. every article with a stated publication day goes to the window of that day (undated ones, and
   those whose date is only inferred, wait for step 4b: the local stream meets them last); each
   window also replays the last ``scale.overlap_days`` of the window before it first, so a story
   running across the boundary is seen from both sides; an article travels as its clustering terms
   (counted once) with its id, title, date and lead sentences, not its text;
2. each window runs a fresh ``EventClusterer`` over its replayed articles, then its own; a
   window's story that holds its own articles is a *part* of a story;
3. parts are stitched: a part holding replayed articles joins the part of the window before that
   holds most of them (connected components on the driver; one edge per part at most);
4. each story's state is the sum of its parts' (pruned as the clusterer prunes), its id
   ``story_id_for`` its earliest article (so ids are stable across runs), its members its windows'
   own articles; (4b) on the driver, the undated articles then join them, or found stories, as the
   local stream's undated articles do, against the active window and the archive its clock would
   leave (``cluster.online.window_of``); a story large enough is then cut in two where it grew over
   two events, and every story is labelled by its centre (``cluster.refine``, as the local pass
   does at its end), under the whole run's document frequencies, broadcast;
5. on the driver, ``link_storylines`` links all stories into storylines (what one local pass
   does: every story is new);
6. per story, on the executors, ``summarize_articles`` with the provenance grouper built from the
   story's passage matches (``sentence_groups``), as ``Pipeline.summarize_story``; the article ->
   story map is broadcast, so the articles are shuffled once (grouped by story) and the matches
   are filtered where they are.

Each window's clusterer starts from the document frequencies the local stream has counted when it
reaches the window's first replayed article (``_prior_df``), so TF-IDF vectors are the local ones.
What differs from the one local stream (measured in docs/results.md): a window starts with no open
stories, so a story that goes quiet for longer than the overlap and comes back in a later window
becomes a second story (it may still be linked into the same storyline).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from storyline.cluster import EventClusterer, story_id_for
from storyline.cluster.features import TermStats, default_entity_terms, raw_terms
from storyline.cluster.labels import lead_candidates
from storyline.cluster.online import stated_day, stream_order, window_of
from storyline.cluster.refine import Member, article_sentences, member_leads, refine_story
from storyline.cluster.storylines import link_storylines
from storyline.config import StorylineConfig
from storyline.model import Article, Failure, Linking, Span, StoryNode, StoryState
from storyline.partitions import DisjointSets
from storyline.provenance import Alignment, provenance_grouper, sentence_groups
from storyline.scale.rows import failure_row, state_json, summary_row
from storyline.summarize import summarize_articles
from storyline.text import GENERIC_WORDS

__all__ = ["Part", "StoryResult", "spark_stories"]

PartKey = tuple[int, str]  # (window, the window clusterer's story id)


@dataclass(slots=True)
class Part:
    """A window's story, reduced to what stitching and the final story need (its own articles only)."""

    first_order: str
    first_id: str
    label: str
    members: list[tuple[str, str]]  # (order key, article id) of the window's own articles
    first_tick: int
    last_tick: int
    first_day: int | None
    last_day: int | None
    vector: dict[str, float]


@dataclass(slots=True)
class StoryResult:
    """What the driver holds after linking: the storylines, and each story's age (oldest first)."""

    linking: Linking
    ages: dict[str, tuple[int, str]]

    def storyline_rows(self) -> list[tuple[str, int, list[str], str, list[str]]]:
        """Rows of ``storylines``: id, seq (creation order, as the store numbers them), stories oldest first,
        detail, and its most representative stories first."""
        members: dict[str, list[str]] = {}
        for story, line in self.linking.storyline_of.items():
            members.setdefault(line, []).append(story)
        rows = []
        for seq, change in enumerate(self.linking.changes, start=1):
            stories = sorted(members.get(change.storyline_id, []), key=lambda s: self.ages[s])
            rows.append((change.storyline_id, seq, stories, change.detail,
                         self.linking.centres.get(change.storyline_id, [])))
        return rows

    def link_rows(self) -> list[tuple[str, str, float]]:
        """Rows of ``story_links``."""
        return [(a, b, score) for (a, b), score in sorted(self.linking.edges.items())]


def _slim(article: Article) -> Article:
    """What the clusterer and the label need of an article beside its terms: id, title, date and, when it has no
    title, the lead sentences that may label its story (``cluster.labels``); not its text."""
    leads = [] if article.title else lead_candidates(article_sentences(article))
    text = "\n".join(leads)
    spans, start = [], 0
    for lead in leads:
        spans.append(Span(start, start + len(lead)))
        start += len(lead) + 1
    return Article(id=article.id, raw_sha256="", origin="", text=text, title=article.title, date=article.date,
                   sentences=spans)


def _segment(article: Article, window_days: int, overlap_days: int, last: int) -> tuple[int, bool]:
    """An article's window, and whether it is in the window's tail (the days the next window replays)."""
    stated = stated_day(article)
    if stated is None:
        return last, False  # the local stream meets undated articles (and inferred dates) last
    day = stated.toordinal()
    window = day // window_days
    return window, bool(overlap_days and window < last and day >= (window + 1) * window_days - overlap_days)


def _windows(article: Article, terms: Counter[str], window_days: int, overlap_days: int, last: int
             ) -> Iterator[tuple[int, Any]]:
    """Route an article (slim) and its terms to its window (as its own) and, in the window's tail, to
    the next (as replayed)."""
    order = stream_order(article)
    window, tail = _segment(article, window_days, overlap_days, last)
    yield window, (order, True, article, terms)
    if tail:
        yield window + 1, (order, False, article, terms)


def _segment_counts(items: Iterable[tuple[Article, Counter[str]]], window_days: int, overlap_days: int, last: int
                    ) -> Iterator[tuple[tuple[str, tuple[int, bool]], int]]:
    """Per (term, segment): how many of these articles use the term (summed over partitions next)."""
    counts: Counter[tuple[str, tuple[int, bool]]] = Counter()
    for article, terms in items:
        segment = _segment(article, window_days, overlap_days, last)
        counts.update((term, segment) for term in terms)
    return iter(counts.items())


def _before(segment: tuple[int, bool]) -> tuple[int, bool]:
    """The first segment a window's stream does *not* start after: window ``w`` replays the tail of
    ``w - 1``, so its clusterer starts after every segment sorting below ``(w - 1, True)``."""
    return segment[0] - 1, True


def _prior_df(term: str, counts: Iterable[tuple[tuple[int, bool], int]]) -> Iterator[tuple[int, tuple[str, int]]]:
    """For every window whose articles (own or replayed) use ``term``: the term's document frequency
    over the articles the local stream meets before that window's replay starts."""
    ordered = sorted(counts)
    keys = [segment for segment, _n in ordered]
    cumulative = list(accumulate(n for _segment, n in ordered))
    needed = {w for (w, _tail) in keys} | {w + 1 for (w, tail) in keys if tail}
    for window in sorted(needed):
        i = bisect_left(keys, _before((window, False)))
        if i:
            yield window, (term, cumulative[i - 1])


def _prior_docs(segments: dict[tuple[int, bool], int], window: int) -> int:
    """The number of articles the local stream meets before ``window``'s replay starts."""
    bound = _before((window, False))
    return sum(n for segment, n in segments.items() if segment < bound)


def _cluster_window(window: int, items: Iterable[tuple[str, bool, Article, Counter[str]]], config: StorylineConfig,
                    offsets: dict[int, int], prior_df: dict[str, int] | None = None, prior_docs: int = 0
                    ) -> Iterator[tuple[str, Any]]:
    """Cluster one window with a fresh EventClusterer; yield its parts, replay links and term counts.

    ``prior_df`` and ``prior_docs`` are the document frequencies (of the window's terms) and the
    number of documents the local stream has counted when it reaches the window's first replayed
    article: the clusterer starts from them, so its TF-IDF vectors are the local stream's.
    """
    ordered = sorted(items, key=lambda item: (item[1], item[0]))  # replayed (older) first, each by (day, id)
    clusterer = EventClusterer(config.cluster, TermStats(dict(prior_df or {}), prior_docs))
    own: list[tuple[str, Article]] = []
    replayed: list[str] = []
    before: Counter[str] = Counter()
    for order, is_own, article, terms in ordered:
        if is_own and not own:
            before = Counter(clusterer.stats.delta)  # term counts of the replayed articles, not this window's
        clusterer.add(article, terms)
        if is_own:
            own.append((order, article))
        else:
            replayed.append(article.id)
    if not own:
        return
    delta = clusterer.stats.delta - before
    partition = clusterer.partition()
    states = {s.id: s for s in [*clusterer.evicted, *clusterer.archive.values(), *clusterer.active.values()]}
    parts: dict[str, Part] = {}
    start = offsets.get(window, 0)
    for position, (order, article) in enumerate(own, start=start + 1):
        sid = partition[article.id]
        stated = stated_day(article)
        day = stated.toordinal() if stated else None
        part = parts.get(sid)
        if part is None:
            part = parts[sid] = Part(order, article.id, article.title or "", [], position, position, day, day,
                                     states[sid].vector)
        part.members.append((order, article.id))
        part.last_tick = position
        if day is not None:
            part.first_day = day if part.first_day is None else min(part.first_day, day)
            part.last_day = day if part.last_day is None else max(part.last_day, day)
    for sid, part in parts.items():
        yield "part", ((window, sid), part)
    for article_id in replayed:
        yield "replayed", (article_id, (window, partition[article_id]))
    yield "df", dict(delta)


def _merge_parts(a: Part, b: Part) -> Part:
    """One story from two of its parts: members joined, vectors summed, the earliest article founds it."""
    first, other = (a, b) if a.first_order <= b.first_order else (b, a)
    vector = dict(first.vector)
    for term, weight in other.vector.items():
        vector[term] = vector.get(term, 0.0) + weight
    days = [d for d in (a.first_day, a.last_day, b.first_day, b.last_day) if d is not None]
    return Part(first.first_order, first.first_id, first.label, first.members + other.members,
                min(a.first_tick, b.first_tick), max(a.last_tick, b.last_tick), min(days, default=None),
                max(days, default=None), vector)


def _state(part: Part, centroid_terms: int) -> tuple[StoryState, list[str]]:
    """The final story state of a merged part (pruned as the clusterer prunes), and its articles in order."""
    story_id = story_id_for(Article(id=part.first_id, raw_sha256="", origin="", text=""))
    vector = part.vector
    if len(vector) > 2 * centroid_terms:
        vector = dict(sorted(sorted(vector.items(), key=lambda x: (-x[1], x[0]))[:centroid_terms]))
    norm = math.sqrt(sum(w * w for w in vector.values()))
    members = [article_id for _order, article_id in sorted(part.members)]
    state = StoryState(story_id, vector, norm, len(members), part.first_tick, part.last_tick, part.first_day,
                       part.last_day, part.label)
    return state, members


def _refine(stories: Any, termed: Any, df_counts: Any, n_docs: int, config: StorylineConfig, partitions: int | None
            ) -> Any:
    """Cut the stories that grew over two events and label every story (``cluster.refine``), as the local pass
    does at its end.

    Every story meets its articles' terms (one shuffle of those terms, with the slim articles'
    lead sentences); the vectors are weighted by the document frequencies of the whole run, broadcast.
    """
    context = termed.context
    home = context.broadcast(dict(stories.flatMap(lambda sm: ((a, sm[0].id) for a in sm[1])).collect()))
    counts = context.broadcast(df_counts.collectAsMap())
    terms = termed.filter(lambda at: at[0].id in home.value).map(lambda at: (home.value[at[0].id], at))
    return stories.map(lambda sm: (sm[0].id, sm)).cogroup(terms, partitions).flatMap(
        lambda kv: _cut(kv[1][0], kv[1][1], counts.value, n_docs, config))


def _cut(story: Iterable[tuple[StoryState, list[str]]], terms: Iterable[tuple[Article, Counter[str]]],
         df: dict[str, int], n_docs: int, config: StorylineConfig) -> list[tuple[StoryState, list[str]]]:
    """One story's parts (``refine_story``: cut when it grew over two events, labelled by their centres) from its
    articles' terms under the run's frequencies."""
    (state, article_ids), = story
    by_id = {article.id: (article, counts) for article, counts in terms}
    stats = TermStats(df, n_docs, config.cluster.entity_boost)
    members = [Member.of(by_id[i][0], stats.vector(by_id[i][1]), member_leads(by_id[i][0], stats))
               for i in article_ids]
    return [(part.state, part.article_ids) for part in refine_story(state, members, config.cluster)]


def _undated_pass(whole: Any, df_counts: Any, undated: Any, n_dated: int, config: StorylineConfig,
                  partitions: int | None) -> tuple[Any, Any, int]:
    """Cluster the undated articles after the stitched stories, as the local stream meets them: last, by id,
    against the active window and the archive (``cluster.online``), under the dated articles' frequencies.

    Runs on the driver, one article after another, as the local stream does. Returns the stories
    with the undated articles in them, the document frequencies counting them, and the number of
    documents. A story merged into another here hands its articles on (after the survivor's).
    """
    items = sorted(undated.collect(), key=lambda at: stream_order(at[0]))
    if not items:
        return whole, df_counts, n_dated
    stories = whole.collect()
    cluster = config.cluster
    active, archived, clock = window_of([state for state, _ in stories], cluster)
    clusterer = EventClusterer.from_states(cluster, active, df_counts.collectAsMap(), n_dated, n_dated, clock,
                                           archived=archived)
    for article, terms in items:
        clusterer.add(article, terms)
    members: dict[str, list[str]] = {}
    states = {state.id: state for state, _ in stories}
    for state, ids in sorted(stories, key=lambda sm: (clusterer.resolve(sm[0].id) != sm[0].id, sm[0].id)):
        members.setdefault(clusterer.resolve(state.id), []).extend(ids)  # survivors first, then what they absorbed
    for article, _terms in items:
        members.setdefault(clusterer.resolve(clusterer.assignments[article.id]), []).append(article.id)
    states.update((s.id, s) for s in [*clusterer.evicted, *clusterer.archive.values(), *clusterer.active.values()])
    context = whole.context
    merged = context.parallelize([(states[sid], ids) for sid, ids in sorted(members.items())], partitions)
    counts = df_counts.union(context.parallelize(sorted(clusterer.stats.delta.items()))).reduceByKey(
        lambda a, b: a + b, partitions)
    return merged, counts, n_dated + len(items)


def _stitch(edges: list[tuple[PartKey, PartKey]]) -> dict[PartKey, PartKey]:
    """Connected components of parts; every part maps to its component's earliest-window part."""
    sets: DisjointSets[PartKey] = DisjointSets()
    for a, b in sorted(edges):
        sets.union(a, b)
    return {key: sets.find(key) for key in sets if sets.find(key) != key}


def _best_home(counts: Iterable[tuple[PartKey, int]]) -> PartKey:
    """The part of the earlier window holding most of a part's replayed articles (ties: the earliest)."""
    return min(counts, key=lambda kc: (-kc[1], kc[0]))[0]


def _summarize(items: Iterable[tuple[str, tuple[Iterable[Article], Iterable[str]]]], config: StorylineConfig
               ) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Summarise each story as ``Pipeline.summarize_story`` does; yield summary rows (or failure rows)."""
    for story_id, (members, matches) in items:
        articles = sorted(members, key=stream_order)
        try:
            stored = sorted((json.loads(m) for m in matches), key=lambda d: (d["article_a"], d["article_b"]))
            alignments = [Alignment.from_dict(d) for d in stored]
            groups = sentence_groups({a.id: a for a in articles}, alignments)
            summary = summarize_articles(story_id, articles, config.summarize, provenance_grouper(groups))
        except Exception as exc:  # one story's summary never fails the job
            yield "failures", failure_row(Failure.of(story_id, "summarize", exc,
                                                  f"story {story_id}: summary failed: {exc!r}"), None)
            continue
        yield "summaries", summary_row(summary)


def spark_stories(articles: Any, matches: Any, config: StorylineConfig, partitions: int | None = None
                  ) -> tuple[Any, StoryResult]:
    """Cluster, stitch, link and summarise on Spark (see the module docstring).

    Args:
        articles: an RDD of Articles (each id once), persisted by the caller.
        matches: an RDD of ``passage_matches`` rows (for the summaries' provenance groups).
        config: the settings the local pipeline uses (``cluster``, ``summarize``, ``scale``).
        partitions: tasks of the shuffles (default: Spark's).

    Returns:
        An RDD of ``(table, row)`` rows (``stories``, ``term_stats``, ``summaries``, ``failures``)
        and the storylines linked on the driver.
    """
    from pyspark import StorageLevel

    scale, cluster = config.scale, config.cluster
    width, overlap = scale.window_days, scale.overlap_days
    # every article's clustering terms, counted once (a window replaying it reuses them), beside
    # what the clusterer needs of the article without its text
    termed = articles.map(lambda a: (_slim(a), raw_terms(a, default_entity_terms, cluster.title_weight))).persist(
        StorageLevel.MEMORY_AND_DISK)
    # the windows take the articles with a stated day; the undated ones join afterwards (_undated_pass)
    dated = termed.filter(lambda at: stated_day(at[0]) is not None)
    days = dated.keys().map(lambda a: stated_day(a).toordinal() // width)  # type: ignore[union-attr]
    last = days.max() if not days.isEmpty() else 0
    routed = dated.flatMap(lambda at: _windows(at[0], at[1], width, overlap, last))
    # each window's clusterer starts from the document frequencies the local stream has reached there:
    # per term, counts per segment (window, tail), summed over the segments before each window's replay
    segments = dict(dated.keys().map(lambda a: _segment(a, width, overlap, last)).countByValue())
    prior = (dated.mapPartitions(lambda part: _segment_counts(part, width, overlap, last))
             .reduceByKey(lambda a, b: a + b, partitions)
             .map(lambda kv: (kv[0][0], (kv[0][1], kv[1]))).groupByKey(partitions)
             .flatMap(lambda kv: _prior_df(kv[0], kv[1])))
    # stream positions: a window's own articles follow every earlier window's (the local (day, id) order)
    own_counts = routed.filter(lambda kv: kv[1][1]).countByKey()
    offsets, total = {}, 0
    for window in sorted(own_counts):
        offsets[window] = total
        total += own_counts[window]
    clustered = routed.cogroup(prior, partitions).flatMap(
        lambda kv: _cluster_window(kv[0], kv[1][0], config, offsets, dict(kv[1][1]), _prior_docs(segments, kv[0]))
    ).persist(StorageLevel.MEMORY_AND_DISK)
    parts = clustered.filter(lambda t: t[0] == "part").map(lambda t: t[1])
    # each part holding replayed articles joins the earlier window's part that holds most of them
    homes = parts.flatMap(lambda kp: ((article_id, kp[0]) for _order, article_id in kp[1].members))
    replayed = clustered.filter(lambda t: t[0] == "replayed").map(lambda t: t[1])
    edges = (replayed.join(homes, partitions).map(lambda kv: (kv[1], 1)).reduceByKey(lambda a, b: a + b)
             .map(lambda kv: (kv[0][0], (kv[0][1], kv[1]))).groupByKey()
             .map(lambda kv: (kv[0], _best_home(kv[1]))).collect())
    root_of = _stitch(edges)
    # persisted: the refinement reads the stitched stories twice (their members, then the stories with their
    # articles' terms)
    whole = (parts.map(lambda kp: (root_of.get(kp[0], kp[0]), kp[1])).reduceByKey(_merge_parts, partitions)
             .map(lambda kv: _state(kv[1], cluster.centroid_terms)).persist(StorageLevel.MEMORY_AND_DISK))
    df_counts = (clustered.filter(lambda t: t[0] == "df").flatMap(lambda t: t[1].items())
                 .reduceByKey(lambda a, b: a + b, partitions).persist(StorageLevel.MEMORY_AND_DISK))
    undated = termed.filter(lambda at: stated_day(at[0]) is None)
    whole, df_counts, n_docs = _undated_pass(whole, df_counts, undated, total, config, partitions)
    stories = _refine(whole, termed, df_counts, n_docs, config, partitions).persist(StorageLevel.MEMORY_AND_DISK)
    nodes = stories.map(lambda sm: StoryNode.from_state(sm[0], cluster.centroid_terms)).collect()
    whole.unpersist()  # the refined stories are persisted now
    linking = link_storylines(nodes, cluster)
    storyline_of = linking.storyline_of
    story_rows = stories.map(lambda sm: ("stories", (
        sm[0].id, storyline_of[sm[0].id], sm[1], *sm[0].days(), sm[0].label, sm[0].keywords(skip=GENERIC_WORDS),
        sm[0].size, state_json(sm[0]))))
    df = df_counts.map(lambda kv: ("term_stats", kv))
    # which story holds each article, broadcast: the summaries then need one shuffle of the articles
    # (grouped by story) and none of the matches; one entry per article, less than the story
    # centroids the driver already holds for linking
    story_of = articles.context.broadcast(dict(
        stories.flatMap(lambda sm: ((article_id, sm[0].id) for article_id in sm[1])).collect()))
    members = articles.map(lambda a: (story_of.value.get(a.id), a)).filter(lambda sa: sa[0] is not None)
    # a match counts for a story when both its articles are in it (ProvenanceIndex.pairs_for, within)
    in_story = (matches.map(lambda m: (story_of.value.get(m[0]), story_of.value.get(m[1]), m[6]))
                .filter(lambda m: m[0] is not None and m[0] == m[1]).map(lambda m: (m[0], m[2])))
    summaries = members.cogroup(in_story, partitions).mapPartitions(lambda part: _summarize(part, config))
    return story_rows.union(df).union(summaries), StoryResult(linking, {n.id: n.age_key for n in nodes})
