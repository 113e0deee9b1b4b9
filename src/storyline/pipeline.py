"""Run the stages incrementally over the store.

``ingest`` reads inputs, skips what the store already holds (by content hash), extracts each new
document and stores it with its article or its failure in one transaction, so a crash mid-batch
loses nothing and a re-run finishes the rest. ``update_stories`` clusters the articles that have
no story yet (oldest first) through the event clusterer restored from the store, links the
changed stories into storylines and re-summarises the stories they joined. Stages never touch the
database; this module moves records between them and the store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.cluster import EventClusterer
from storyline.cluster.features import raw_terms
from storyline.cluster.online import stream_key, stream_order
from storyline.cluster.passes import cluster_pass
from storyline.cluster.refine import Member, StoryPart, article_members, coarse_id, refine_stories, split_id
from storyline.cluster.storylines import link_storylines
from storyline.config import StorylineConfig
from storyline.errors import FetchError, NotFoundError, StoreError, StorylineError
from storyline.extract import extract_article, extract_or_failure, scrape_input
from storyline.extract.scrape import OutletProfile, page_line_keys
from storyline.ingest import read_paths
from storyline.ingest.fetch import Fetcher
from storyline.ingest.sources import Source, SourceReader, expand_sources
from storyline.isolation import IsolatedRunner
from storyline.model import Article, Failure, PairRecord, RawDocument
from storyline.provenance import (
    find_related,
    fingerprint,
    linked_sentence_groups,
    provenance_grouper,
    rank_candidates,
)
from storyline.store import (
    ProvenanceIndex,
    Store,
    add_outlet_page,
    claim_clustering_generation,
    clustering_generation,
    load_source_state,
    mark_nlp_pending,
    outlet_line_pages,
    remember_item,
    save_source_state,
)
from storyline.store import storylines as storylines_store
from storyline.summarize import summarize_articles

__all__ = ["IngestReport", "Pipeline"]

Progress = Callable[[str], None]
_CLUSTER_ATTEMPTS = 20


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did."""

    ingested: list[str] = field(default_factory=list)
    duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failures)


class Pipeline:
    """Moves documents through the stages and into a store.

    Args:
        store: where everything is persisted.
        config: settings for every stage.
    """

    def __init__(self, store: Store, config: StorylineConfig | None = None) -> None:
        self.store = store
        self.config = config or StorylineConfig()
        self._runner: IsolatedRunner | None = None
        self._annotator: Any = None  # built on first use: loading spaCy is slow
        self.provenance = ProvenanceIndex(store, self.config.provenance)
        """The provenance index; one object per pipeline, so its filter cache lasts across articles."""

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the extraction worker process, if one runs; the pipeline stays usable."""
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def extract(self, raw: RawDocument, profile: OutletProfile | None = None) -> Article:
        """Extract one document within ``extract.timeout_seconds`` (in a worker process; see ``isolation``)."""
        timeout = self.config.extract.timeout_seconds
        if timeout <= 0:
            return extract_article(raw, self.config.extract, profile)
        if self._runner is None:
            self._runner = IsolatedRunner(timeout, "extract.timeout_seconds",
                                          preload=("trafilatura", "readability", "lxml.html", "charset_normalizer"))
        return self._runner.run(extract_article, raw, self.config.extract, profile, origin=raw.origin)

    def _scrape_lines(self, raw: RawDocument) -> tuple[str, set[str]] | None:
        """The outlet and line keys of a plain-text scrape (None: no outlet profile applies)."""
        if not self.config.extract.outlet_min_pages:
            return None
        scrape = scrape_input(raw, self.config.extract)
        return (scrape[0], page_line_keys(scrape[1])) if scrape is not None else None

    def prepare(self, raw: RawDocument) -> Article | Failure | None:
        """Extract a document the store does not hold yet: its article or its failure (None: already stored).

        A plain-text scrape is cleaned with its outlet's profile (lines recurring on the outlet's
        stored pages, ``store.outlets``). Runs no write, so callers can extract before taking the
        store's write lock.
        """
        if self.store.has_raw(raw.sha256):
            return None
        lines = self._scrape_lines(raw)
        profile = None
        if lines is not None:
            pages, line_pages = outlet_line_pages(self.store, *lines)
            profile = OutletProfile(pages, line_pages, self.config.extract.outlet_min_pages)
        return extract_or_failure(raw, self.config.extract, extractor=lambda doc: self.extract(doc, profile))

    def process(self, raw: RawDocument, report: IngestReport, prepared: Article | Failure | None = None) -> None:
        """Extract one raw document (unless ``prepared`` holds the outcome of ``prepare``) and store it
        with its article or failure (one transaction)."""
        if self.store.has_raw(raw.sha256):
            earlier = self.store.failure_for(raw.sha256)
            if earlier is not None and earlier.origin != raw.origin:
                # the same bad bytes under another name: that input failed too, and says so
                failure = Failure(raw.origin, earlier.stage, earlier.error_type,
                                  f"{raw.origin}: same content as {earlier.origin}, which failed: {earlier.message}",
                                  raw.sha256)
                if self.store.save_failure(failure):
                    report.failures.append(failure)
                return
            report.duplicates += 1
            return
        outcome = prepared if prepared is not None else self.prepare(raw)
        if isinstance(outcome, Failure):
            self.store.save_document(raw, None, outcome)
            report.failures.append(outcome)
            return
        article = outcome
        if article is None:  # stored meanwhile
            report.duplicates += 1
            return
        try:
            with self.store.transaction():  # the article and its page's count in the outlet profile
                saved = self.store.save_document(raw, article)
                lines = self._scrape_lines(raw) if saved else None
                if lines is not None:
                    add_outlet_page(self.store, *lines)
        except (UnicodeError, ValueError, OverflowError) as exc:  # a value SQLite refuses; the batch goes on
            failure = Failure.of(raw.origin, "store", exc,
                              f"{raw.origin}: the extracted article could not be stored: {exc!r}", raw.sha256)
            self.store.save_document(raw, None, failure)
            report.failures.append(failure)
            return
        if saved:
            report.ingested.append(article.id)
            self.index_provenance(article, report)
        else:
            report.duplicates += 1

    def index_provenance(self, article: Article, report: IngestReport | None = None) -> int:
        """Find the indexed articles that share text with ``article``, store the pairs, index it.

        Pairs and index rows are written in one transaction; indexing an article twice is a no-op.
        A failure is recorded (stage "provenance") and never stops the batch.

        Returns:
            The number of related articles found.
        """
        config, index = self.config.provenance, self.provenance
        try:
            if index.has(article.id):
                return 0
            fp = fingerprint(article.text, article.sentences, config)
            candidates = rank_candidates(fp, index.lookup(fp, exclude=article.id), config)
            others = {a.id: a for a in self.store.articles([c.article_id for c in candidates])}
            related = find_related(article, candidates, others, config)
            with self.store.transaction():
                index.save_pairs(PairRecord(r.alignment.article_a, r.alignment.article_b, r.candidate.exact,
                                            r.candidate.jaccard, r.containment, r.alignment.shared_words,
                                            r.alignment.to_dict()) for r in related)
                index.insert(article.id, fp)
        except Exception as exc:  # provenance is an enrichment: a crash on one article must not stop the batch
            failure = Failure.of(article.origin, "provenance", exc,
                              f"{article.origin}: provenance failed for article {article.id}: {exc!r}",
                              article.raw_sha256)
            self.store.save_failure(failure)
            if report is not None:
                report.failures.append(failure)
            return 0
        return len(related)

    def index_unindexed(self) -> int:
        """Index every stored article the provenance index does not hold yet (oldest first)."""
        ids = self.provenance.unindexed()
        for article in self.store.articles(ids):
            self.index_provenance(article)
        return len(ids)

    def recover(self) -> None:
        """Finish what a run killed midway left undone: run before ingesting new documents.

        A document is stored in one transaction and indexed for provenance in the next, and a
        clustering pass is stored before its stories' actors are analysed; a crash between the two
        leaves the second half undone, and a re-run skips documents it already holds. This indexes
        the articles the provenance index lacks (a crash leaves at most the last one, so indexing it
        first keeps the order of an uninterrupted run) and analyses the stories still marked for NLP.
        Sealed index segments without Bloom filters (stores indexed before filters) get theirs.
        """
        self.index_unindexed()
        self.provenance.build_filters()
        if self.config.nlp.enabled:
            from storyline.store.nlp import nlp_pending

            pending = nlp_pending(self.store)
            if pending:
                self.annotate_stories(pending)

    def ingest(self, inputs: Iterable[RawDocument | Failure], progress: Progress | None = None) -> IngestReport:
        """Process RawDocuments (and record reader Failures) one by one."""
        self.recover()
        report = IngestReport()
        for item in inputs:
            if isinstance(item, Failure):
                self.store.save_failure(item)
                report.failures.append(item)
            else:
                self.process(item, report)
            if progress:
                progress(item.origin)
        return report

    def ingest_source(self, source: Source, reader: SourceReader, report: IngestReport,
                      progress: Progress | None = None) -> Failure | None:
        """Ingest the new items of one source (path, WARC file, URL or feed) into ``report``.

        Each item is stored together with the mark that it was seen, in one transaction; the
        source's feed validators are stored once all its items are.

        Returns:
            The source's Failure when the source as a whole could not be read (also recorded), else None.
        """
        state = load_source_state(self.store, source.ref, source.kind)
        try:
            for item in reader.read(source, state):
                # extract before taking the write lock: a slow page must not block other writers
                prepared = None if isinstance(item.doc, Failure) else self.prepare(item.doc)
                with self.store.transaction():
                    if isinstance(item.doc, Failure):
                        self.store.save_failure(item.doc)
                        report.failures.append(item.doc)
                    else:
                        self.process(item.doc, report, prepared)
                    if item.key:
                        remember_item(self.store, state, item.key)
                if progress:
                    progress(item.doc.origin)
        except StorylineError as exc:
            failure = Failure.of(source.ref, "fetch" if isinstance(exc, FetchError) else "ingest", exc)
        except Exception as exc:  # a reader bug or library crash on hostile input must not stop the others
            failure = Failure.of(source.ref, "ingest", exc,
                              f"{source.ref}: unexpected error while reading: {exc!r}")
        else:
            save_source_state(self.store, state)
            return None
        self.store.save_failure(failure)
        report.failures.append(failure)
        return failure

    def ingest_sources(self, sources: Iterable[Source], fetcher: Fetcher | None = None, *,
                       remember: bool = False, progress: Progress | None = None) -> IngestReport:
        """Ingest paths, WARC files, URLs, feeds and URL lists, then update stories and summaries.

        Args:
            sources: what to read (see ``ingest.sources.classify``).
            fetcher: the network seam for URLs and feeds (e.g. ``HttpFetcher``); None for local sources only.
            remember: remember paths, WARC files and pages as seen, so they are not read again (watch mode).
        """
        self.recover()
        report = IngestReport()
        reader = SourceReader(self.config, fetcher, remember=remember)
        for source in expand_sources(sources):
            if isinstance(source, Failure):
                self.store.save_failure(source)
                report.failures.append(source)
                continue
            self.ingest_source(source, reader, report, progress)
        report.stories = self.update_stories()
        return report

    def update_stories(self) -> list[str]:
        """Cluster articles that have no story yet, link stories into storylines, re-summarise.

        Articles are streamed oldest first (by the day they state; undated ones last) through the
        event clusterer restored from the store;
        the pass (stories, assignments, merges, active window) is stored in one transaction, then
        the changed stories are linked into storylines (another transaction).

        The stories, their articles' assignments, the term statistics and the new summaries are
        written in one transaction, so a crash leaves either the old state or all of the new one
        (never a story whose summary is missing or stale). The write is conditional: if another
        process stored a clustering pass meanwhile, this pass is recomputed from the fresh state.

        Returns:
            Ids of the stories that changed, sorted.

        Raises:
            StoreError: other writers kept winning for ``_CLUSTER_ATTEMPTS`` attempts.
        """
        for _ in range(_CLUSTER_ATTEMPTS):
            generation = clustering_generation(self.store)
            # the stream order: stated days first, undated (or only inferred) last (``cluster.online``)
            pending = sorted(self.store.articles(unassigned=True), key=stream_order)
            if not pending:
                return []
            cfg = self.config.cluster
            snap = storylines_store.load_cluster_state(self.store)
            clusterer = EventClusterer.from_states(cfg, snap.states, snap.df, snap.n_docs, snap.tick, snap.clock,
                                                   archived=snap.archived)
            counted = {}  # each article's terms, counted once for the clusterer and the refinement
            for article in pending:
                counted[article.id] = raw_terms(article, clusterer.entity_terms, cfg.title_weight)
                clusterer.add(article, counted[article.id])
            absorbed = {m.absorbed for m in clusterer.merges}
            coarse = sorted(s for s in clusterer.touched if s not in absorbed)
            parts, cut_before = self._refine(clusterer, coarse, pending, counted)
            touched = sorted(p.state.id for p in parts)
            # one transaction (the nested writes below become savepoints): a crash leaves the old state
            # or all of the new one, never a story without its summary; conditional on no other writer
            # having clustered since the state was read
            with self.store.transaction() as db:
                if not claim_clustering_generation(db, generation):
                    continue
                storylines_store.save_cluster_pass(self.store, cluster_pass(clusterer, parts, cut_before,
                                                                            cfg.centroid_terms))
                self.update_storylines(set(touched))
                for story_id in touched:
                    self.summarize_story(story_id)
                if self.config.nlp.enabled:  # cleared story by story as their analyses are stored
                    mark_nlp_pending(self.store, touched)
            if self.config.nlp.enabled:
                self.annotate_stories(touched)
            return touched
        raise StoreError(f"store {self.store.path}: clustering conflicted with other writers "
                         f"{_CLUSTER_ATTEMPTS} times in a row; run `storyline ingest` again")

    def _refine(self, clusterer: EventClusterer, touched: list[str], pending: list[Article],
                counted: dict[str, Counter[str]]) -> tuple[list[StoryPart], dict[str, str]]:
        """Cut the pass's stories where they grew over two events (``cluster.refine``), with all their articles.

        Returns:
            The stored stories (parts) of the touched clusterer stories, and the parts cut off
            them (or off the stories they absorbed) that were stored before this pass, each with
            the clusterer story it belongs to now.
        """
        cfg = self.config.cluster
        states = {s.id: s for s in [*clusterer.evicted, *clusterer.archive.values(), *clusterer.active.values()]}
        wanted = sorted({x for s in [*touched, *(m.absorbed for m in clusterer.merges)] for x in (s, split_id(s))})
        members: dict[str, list[tuple[str, str]]] = {s: [] for s in touched}
        for article_id, story_id, day in storylines_store.story_members(self.store, wanted):
            members[clusterer.resolve(coarse_id(story_id))].append((stream_key(day, article_id), article_id))
        partition = clusterer.partition()
        fresh = {a.id: a for a in pending}
        for article in pending:
            members[partition[article.id]].append((stream_order(article), article.id))

        def load(ids: Sequence[str]) -> list[Member]:
            stored = {a.id: a for a in self.store.articles([i for i in ids if i not in fresh])}
            return article_members([fresh.get(i) or stored[i] for i in ids], clusterer.stats, cfg,
                                   clusterer.entity_terms, counted)

        parts = refine_stories([(states[s], [i for _, i in sorted(members[s])]) for s in touched], load, cfg)
        cut_before = storylines_store.existing_stories(self.store, [x for x in wanted if x != coarse_id(x)])
        return parts, {part: clusterer.resolve(coarse_id(part)) for part in cut_before}

    def update_storylines(self, changed: set[str]) -> list[str]:
        """Link changed stories into storylines (stable ids; merges and splits recorded).

        Returns:
            Ids of the storylines that changed, sorted.
        """
        cfg = self.config.cluster
        nodes, previous, ages = storylines_store.link_inputs(self.store, changed, cfg.link_window_days,
                                                             cfg.link_max_stories)
        if not nodes:
            return []
        linking = link_storylines(nodes, cfg, previous=previous, storyline_age=ages)
        return storylines_store.save_linking(self.store, linking, previous)

    def summarize_story(self, story_id: str) -> None:
        """Build and store the cited summary of one story."""
        story = self.store.story(story_id)
        articles = self.store.articles(story.story.article_ids)
        links = ProvenanceIndex(self.store).sentence_links([a.id for a in articles])
        groups = linked_sentence_groups({a.id: a for a in articles}, links)
        self.store.save_summary(summarize_articles(story_id, articles, self.config.summarize,
                                                   provenance_grouper(groups)))

    def annotate_stories(self, story_ids: Iterable[str]) -> None:
        """Annotate the stories' new articles (actors, quotes, claims), then re-resolve each story.

        An article that fails is recorded as a Failure (stage ``annotate``) and the rest go on.
        """
        from storyline.nlp.annotate import Annotator, analyze_story
        from storyline.store.nlp import (
            annotated_ids,
            clear_nlp_pending,
            load_annotations,
            save_annotations,
            save_story_analysis,
        )

        if self._annotator is None:
            self._annotator = Annotator(self.config.nlp)
        annotator = self._annotator
        stories: dict[str, list[str]] = {}
        for sid in story_ids:
            try:
                stories[sid] = self.store.story(sid).story.article_ids
            except NotFoundError:  # merged away since it was marked: its survivor is analysed instead
                clear_nlp_pending(self.store, sid)
        wanted = sorted({a for ids in stories.values() for a in ids})
        done = annotated_ids(self.store, wanted)
        pending = self.store.articles([a for a in wanted if a not in done])
        for start in range(0, len(pending), 64):  # bounded memory; one transaction per batch
            batch = pending[start:start + 64]
            try:
                annotations = annotator.annotate(batch)
            except Exception:  # a crash in a batch: retry one by one so only the bad article fails
                annotations = []
                for article in batch:
                    try:
                        annotations.extend(annotator.annotate([article]))
                    except Exception as exc:
                        self.store.save_failure(Failure.of(article.origin, "annotate", exc,
                                                        f"{article.id}: annotation failed: {exc!r}",
                                                        article.raw_sha256))
            save_annotations(self.store, annotations)
        for story_id, article_ids in sorted(stories.items()):
            articles = self.store.articles(article_ids)
            annotations = load_annotations(self.store, article_ids)
            try:
                analysis = analyze_story(articles, annotations, {a: story_id for a in article_ids},
                                         annotator.aliases, self.config.nlp)
            except Exception as exc:  # a resolution bug must not stop the ingest; the story keeps its old actors
                with self.store.transaction():
                    self.store.save_failure(Failure.of(story_id, "annotate", exc,
                                                    f"story {story_id}: actor resolution failed: {exc!r}"))
                    clear_nlp_pending(self.store, story_id)
                continue
            resolution = analysis.resolution
            with self.store.transaction():  # the analysis and the end of the story's mark: both or neither
                save_story_analysis(self.store, article_ids, resolution.entities, resolution.roles,
                                    resolution.mentions, analysis.speakers, analysis.stances)
                clear_nlp_pending(self.store, story_id)

    def run(self, paths: Iterable[str | Path], progress: Progress | None = None) -> IngestReport:
        """Ingest files and directories, then update stories and summaries."""
        report = self.ingest(read_paths(paths, self.config.ingest), progress)
        report.stories = self.update_stories()
        return report


