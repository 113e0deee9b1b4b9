"""One frozen, validated configuration with a section per stage.

Every default lives here, once, with its meaning in the field's docstring comment. A TOML file
(``storyline.toml``) can override any field::

    [cluster]
    threshold = 0.25

CLI flags and API parameters become overrides through :func:`StorylineConfig.replace`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError

__all__ = [
    "ClusterConfig",
    "ExtractConfig",
    "FetchConfig",
    "IngestConfig",
    "NlpConfig",
    "NotifyConfig",
    "ProvenanceConfig",
    "ScaleConfig",
    "ServeConfig",
    "StorylineConfig",
    "SummarizeConfig",
    "TimelineConfig",
    "WatchConfig",
    "load_config",
]


def _check(condition: bool, field_name: str, value: object, expectation: str) -> None:
    if not condition:
        raise ConfigError(f"config field {field_name} = {value!r} is invalid: it must be {expectation}")


@dataclass(frozen=True, slots=True)
class IngestConfig:
    """How inputs are read."""

    max_bytes: int = 20 * 1024 * 1024
    """Inputs larger than this are recorded as failures without being parsed."""
    extensions: tuple[str, ...] = (".txt", ".html", ".htm", ".jsonl", ".txt.gz", ".html.gz", ".htm.gz", ".jsonl.gz")
    """File types read from directories and paths (``.gz`` ones are inflated up to ``max_bytes``)."""

    def __post_init__(self) -> None:
        _check(self.max_bytes > 0, "ingest.max_bytes", self.max_bytes, "a positive number of bytes")


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """How URLs and feeds are fetched (``ingest/fetch.py``)."""

    timeout_seconds: float = 15.0
    """Longest wait to connect, or between two reads, before a fetch fails as timed out."""
    max_seconds: float = 60.0
    """Longest a whole download may take (stops servers that trickle bytes to stay under the timeout)."""
    max_bytes: int = 10 * 1024 * 1024
    """A response larger than this is refused (checked on Content-Length, then while streaming)."""
    max_redirects: int = 5
    """Redirects followed before a fetch fails; every hop is checked by the address guard."""
    allow_private: bool = False
    """Fetch from loopback, private and link-local addresses too (``--allow-private``); never metadata ones."""
    allow_networks: tuple[str, ...] = ()
    """Networks (CIDR, e.g. "10.8.0.0/16") fetched from although they are not public."""
    page_types: tuple[str, ...] = ("text/html", "application/xhtml+xml", "text/plain")
    """Content types accepted for article pages."""
    feed_types: tuple[str, ...] = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
                                   "application/xml", "text/xml")
    """Content types read as RSS/Atom feeds."""
    host_interval_seconds: float = 0.5
    """Least time between two requests to the same host (politeness while fetching a feed's pages)."""
    max_feed_items: int = 200
    """Most new entries of one feed fetched per poll (newest first); the rest wait for the next poll."""
    user_agent: str = "storyline/0.1 (news article reader)"
    """User-Agent header sent with every request."""

    def __post_init__(self) -> None:
        import ipaddress

        _check(self.timeout_seconds > 0, "fetch.timeout_seconds", self.timeout_seconds, "> 0")
        _check(self.max_seconds >= self.timeout_seconds, "fetch.max_seconds", self.max_seconds,
               ">= fetch.timeout_seconds")
        _check(self.max_bytes > 0, "fetch.max_bytes", self.max_bytes, "a positive number of bytes")
        _check(0 <= self.max_redirects <= 30, "fetch.max_redirects", self.max_redirects, "in [0, 30]")
        _check(self.host_interval_seconds >= 0, "fetch.host_interval_seconds", self.host_interval_seconds, ">= 0")
        _check(self.max_feed_items >= 1, "fetch.max_feed_items", self.max_feed_items, ">= 1")
        for net in self.allow_networks:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError:
                _check(False, "fetch.allow_networks", net, "a network in CIDR form such as 10.0.0.0/8")


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """How ``storyline watch`` polls its sources."""

    every_seconds: float = 900.0
    """Time between two polls of every source (``--every``)."""
    backoff_base_seconds: float = 300.0
    """Wait after a source's first failure; doubled after each further consecutive failure."""
    backoff_max_seconds: float = 6 * 3600.0
    """Longest wait between two attempts at a failing source."""

    def __post_init__(self) -> None:
        _check(self.every_seconds >= 0, "watch.every_seconds", self.every_seconds, ">= 0")
        _check(self.backoff_base_seconds >= 0, "watch.backoff_base_seconds", self.backoff_base_seconds, ">= 0")
        _check(self.backoff_max_seconds >= self.backoff_base_seconds, "watch.backoff_max_seconds",
               self.backoff_max_seconds, ">= watch.backoff_base_seconds")


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    """When ``storyline watch --notify URL`` posts an alert about a followed storyline."""

    min_new_articles: int = 3
    """A story's update is significant once it gained this many articles since the last alert about it."""
    min_new_outlets: int = 2
    """... or articles from this many outlets that had not covered it (a second source confirming it)."""
    max_articles_listed: int = 10
    """New articles listed in one alert at most (the newest)."""
    site_url: str = ""
    """Where ``storyline serve`` is reached (http://host:port): alerts then carry links to its pages."""

    def __post_init__(self) -> None:
        _check(self.min_new_articles >= 1, "notify.min_new_articles", self.min_new_articles, ">= 1")
        _check(self.min_new_outlets >= 1, "notify.min_new_outlets", self.min_new_outlets, ">= 1")
        _check(self.max_articles_listed >= 0, "notify.max_articles_listed", self.max_articles_listed, ">= 0")
        _check(not self.site_url or self.site_url.startswith(("http://", "https://")), "notify.site_url",
               self.site_url, "empty or an http(s) URL")


@dataclass(frozen=True, slots=True)
class ExtractConfig:
    """How article text and metadata are extracted."""

    min_text_chars: int = 80
    """An article with less main text than this is a failure (no article found)."""
    binary_control_ratio: float = 0.05
    """Share of control characters above which bytes count as binary."""
    timeout_seconds: float = 30.0
    """Most time one document's extraction may take; a slower one is a failure ("timed out after Ns").
    Extraction then runs in a worker process that is replaced when it overruns or crashes. 0 runs
    extraction in-process with no limit (slightly faster, but one pathological page can stall a batch)."""
    min_year: int = 1800
    """A publication date before this year is dropped (with a warning) as a placeholder or parse error."""
    max_year: int = 2100
    """A publication date after this year is dropped (with a warning), e.g. the 9999-12-31 placeholder."""
    use_readability: bool = True
    """Run readability-lxml beside trafilatura on HTML and keep the better of the two."""
    line_support: float = 0.5
    """A line of one extractor's output is confirmed by the other when this share of its 4-word shingles occur there."""
    agreement_cover_min: float = 0.9
    """The shorter extraction counts as a truncated copy of the longer when this share of it occurs in the longer."""
    agreement_prose_share: float = 0.9
    """The longer extraction beats a truncated shorter one only when this share of its unconfirmed words is prose."""
    language_min_chars: int = 40
    """Texts shorter than this get no language (too little evidence)."""
    second_opinion_min_words: int = 150
    """HTML: readability is skipped (trafilatura's proposal stands) when trafilatura found at least this many
    words and more than ``second_opinion_prose_share`` of them are in prose lines: a clean, long article
    rarely changes with a second opinion, and skipping it saves a third of the chain's time."""
    second_opinion_prose_share: float = 0.7
    """See ``second_opinion_min_words``; 1 always runs readability."""
    outlet_min_pages: int = 3
    """Plain-text scrapes: a line found on this many earlier stored pages of the same outlet is the outlet's
    furniture and is removed, even when it reads like prose (the outlet profile, ``store.outlets``). 0 turns
    outlet profiles off."""

    def __post_init__(self) -> None:
        _check(self.second_opinion_min_words >= 0, "extract.second_opinion_min_words",
               self.second_opinion_min_words, ">= 0")
        _check(0 <= self.second_opinion_prose_share <= 1, "extract.second_opinion_prose_share",
               self.second_opinion_prose_share, "in [0, 1] (1: always run readability)")
        _check(self.outlet_min_pages >= 0, "extract.outlet_min_pages", self.outlet_min_pages, ">= 0 (0: off)")
        _check(self.min_text_chars >= 1, "extract.min_text_chars", self.min_text_chars, ">= 1")
        _check(0 < self.binary_control_ratio < 1, "extract.binary_control_ratio",
               self.binary_control_ratio, "between 0 and 1")
        _check(self.timeout_seconds >= 0, "extract.timeout_seconds", self.timeout_seconds, ">= 0 (0: no limit)")
        _check(1 <= self.min_year <= self.max_year <= 9999, "extract.min_year/max_year",
               (self.min_year, self.max_year), "years with 1 <= min_year <= max_year <= 9999")
        for name in ("line_support", "agreement_cover_min", "agreement_prose_share"):
            value = getattr(self, name)
            _check(0 < value <= 1, f"extract.{name}", value, "in (0, 1]")
        _check(self.language_min_chars >= 1, "extract.language_min_chars", self.language_min_chars, ">= 1")


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How articles are grouped into stories (events) and stories into storylines.

    One set of defaults serves every data set (the story settings were chosen once, on GoogleNews
    and ECB+ together; the ``link_*`` ones on the mixed Timeline17 stream and ECB+ with their dates,
    then confirmed undated and on mixed samples; see docs/results.md).
    """

    threshold: float = 0.15
    """Minimum similarity between an article and a story for the article to join it."""
    merge_threshold: float = 0.3
    """Two stories an article bridges are merged when their centroids are at least this similar."""
    entity_boost: float = 2.0
    """Weight multiplier of entity features against content terms in the TF-IDF vector."""
    title_weight: int = 1
    """Extra times each title term is counted (titles name the event)."""
    time_scale_days: float = 7.0
    """Similarity is multiplied by exp(-days outside the story's date range / time_scale_days)."""
    window_days: int = 30
    """Stories whose last article is this many days older than the newest article stop being candidates."""
    max_active: int = 1500
    """Most stories kept active at once; the least recently updated is closed first."""
    centroid_terms: int = 200
    """A story keeps at least this many features (pruned to this when it reaches twice as many)."""
    link_threshold: float = 0.15
    """Two storylines join when their summed centroids (evidence-weighted, time-damped) are at least this similar
    (``cluster.linking``)."""
    link_attach_threshold: float = 0.05
    """Stories less similar than this are never linked; a storyline of fewer than ``link_attach_articles``
    articles joins the larger storyline it resembles most at this similarity."""
    link_attach_articles: int = 10
    """A storyline with fewer articles than this joins the larger storyline it resembles most."""
    link_common_share: float = 0.2
    """A feature found in more than this share of the window's stories counts less as link evidence, down to
    nothing for one found in all of them (a name in every story links none)."""
    link_min_stories: int = 10
    """The story frequencies behind ``link_common_share`` are taken over at least this many stories."""
    link_time_scale_days: float = 180.0
    """Story links decay by exp(-days between the stories / link_time_scale_days)."""
    link_window_days: int = 180
    """Stories further apart than this in time are never linked directly."""
    link_max_stories: int = 5000
    """Most recent stories a changed story is compared with when linking."""
    split_bound: float = 0.55
    """After a pass, a story is cut in two when Ward's linkage finds halves whose centroids' cosine is below this
    (0 never cuts; see ``cluster.refine``)."""
    split_min_part: int = 6
    """Fewest articles in each half of a cut story."""
    split_min_share: float = 0.3
    """Smallest share of the story in each half of a cut."""

    def __post_init__(self) -> None:
        _check(0 < self.threshold < 1, "cluster.threshold", self.threshold, "between 0 and 1")
        _check(0 < self.merge_threshold <= 1, "cluster.merge_threshold", self.merge_threshold, "in (0, 1]")
        _check(self.entity_boost >= 0, "cluster.entity_boost", self.entity_boost, ">= 0")
        _check(self.title_weight >= 0, "cluster.title_weight", self.title_weight, ">= 0")
        _check(self.time_scale_days > 0, "cluster.time_scale_days", self.time_scale_days, "> 0")
        _check(self.window_days > 0, "cluster.window_days", self.window_days, "> 0")
        _check(self.max_active >= 1, "cluster.max_active", self.max_active, ">= 1")
        _check(self.centroid_terms >= 10, "cluster.centroid_terms", self.centroid_terms, ">= 10")
        _check(0 < self.link_threshold < 1, "cluster.link_threshold", self.link_threshold, "between 0 and 1")
        _check(0 < self.link_attach_threshold <= self.link_threshold, "cluster.link_attach_threshold",
               self.link_attach_threshold, "in (0, link_threshold]")
        _check(self.link_attach_articles >= 0, "cluster.link_attach_articles", self.link_attach_articles, ">= 0")
        _check(0 < self.link_common_share < 1, "cluster.link_common_share", self.link_common_share,
               "between 0 and 1")
        _check(self.link_min_stories >= 1, "cluster.link_min_stories", self.link_min_stories, ">= 1")
        _check(self.link_time_scale_days > 0, "cluster.link_time_scale_days", self.link_time_scale_days, "> 0")
        _check(self.link_window_days > 0, "cluster.link_window_days", self.link_window_days, "> 0")
        _check(self.link_max_stories >= 1, "cluster.link_max_stories", self.link_max_stories, ">= 1")
        _check(0 <= self.split_bound <= 1, "cluster.split_bound", self.split_bound, "in [0, 1]")
        _check(self.split_min_part >= 1, "cluster.split_min_part", self.split_min_part, ">= 1")
        _check(0 <= self.split_min_share <= 0.5, "cluster.split_min_share", self.split_min_share, "in [0, 0.5]")


@dataclass(frozen=True, slots=True)
class SummarizeConfig:
    """How story summaries are built."""

    max_sentences: int = 12
    """Most sentences in a summary (the word budget usually binds first)."""
    max_words: int = 250
    """Word budget of a summary."""
    redundancy: float = 0.5
    """A candidate this similar (cosine) to a chosen sentence is skipped."""
    min_words: int = 6
    """Sentences shorter than this are not summary candidates."""
    concept_weight: float = 1.0
    """Weight of concept coverage (content bigrams/unigrams weighted by how many articles use them)."""
    coverage_weight: float = 1.0
    """Weight of saturated similarity coverage (how well the summary represents every sentence)."""
    saturation: float = 0.2
    """Share of a sentence's total similarity beyond which covering it further earns nothing."""
    centroid_weight: float = 0.1
    """Weight of a sentence's TF-IDF cosine to the story centroid in its prior."""
    position_weight: float = 0.05
    """Prior bonus of an article's lead sentence (divided by 1 + sentence index)."""
    cue_weight: float = 0.01
    """Prior bonus for naming actors, giving numbers and attributing statements."""
    time_coverage_weight: float = 0.4
    """Covering the story's days, as a share of the content concepts' weight (split evenly over the days),
    so a summary reaches past the lead articles to later developments."""
    length_exponent: float = 0.5
    """Gains are divided by (sentence words) ** this: 1 favours short dense sentences, 0 ignores length."""
    novelty: float = 0.35
    """Update summaries skip candidates more similar than this (cosine) to anything reported before T."""
    max_candidates: int = 1500
    """Selection compares candidates pairwise (memory and time grow with the square of their number),
    so larger stories keep only this many, ranked by their prior score."""

    def __post_init__(self) -> None:
        _check(self.max_sentences >= 1, "summarize.max_sentences", self.max_sentences, ">= 1")
        _check(self.max_words >= 10, "summarize.max_words", self.max_words, ">= 10")
        _check(0 < self.redundancy <= 1, "summarize.redundancy", self.redundancy, "in (0, 1]")
        _check(self.min_words >= 1, "summarize.min_words", self.min_words, ">= 1")
        _check(self.max_candidates >= 10, "summarize.max_candidates", self.max_candidates, ">= 10")
        for name in ("concept_weight", "coverage_weight", "centroid_weight", "position_weight", "cue_weight",
                     "time_coverage_weight", "length_exponent"):
            _check(getattr(self, name) >= 0, f"summarize.{name}", getattr(self, name), ">= 0")
        _check(0 < self.saturation <= 1, "summarize.saturation", self.saturation, "in (0, 1]")
        _check(0 < self.novelty <= 1, "summarize.novelty", self.novelty, "in (0, 1]")


@dataclass(frozen=True, slots=True)
class TimelineConfig:
    """How dated timelines are built."""

    max_dates: int = 12
    """Most dated entries in a timeline (the evaluation uses the gold timeline's length)."""
    sentences_per_date: int = 2
    """Most cited sentences per date."""
    mention_weight: float = 1.0
    """Date score per article that mentions the date."""
    later_mention_weight: float = 1.0
    """Extra score per article published after the date that still mentions it (lasting importance)."""
    outlet_weight: float = 0.5
    """Date score per distinct outlet referring to the date (mention or publication)."""
    publication_weight: float = 0.25
    """Date score per article published on the date."""
    lead_sentences: int = 5
    """Undated sentences among an article's first this many describe its publication day."""
    lead_days_back: int = 1
    """Those undated lead sentences are also candidates for this many days before publication (a report
    usually tells what happened the day before, as news-tls's date-wise collector assumes)."""
    approximate_entries: bool = True
    """Show articles whose date cannot be grounded as approximate entries instead of leaving them out."""

    def __post_init__(self) -> None:
        _check(self.max_dates >= 1, "timeline.max_dates", self.max_dates, ">= 1")
        _check(self.sentences_per_date >= 1, "timeline.sentences_per_date", self.sentences_per_date, ">= 1")
        for name in ("mention_weight", "later_mention_weight", "outlet_weight", "publication_weight"):
            _check(getattr(self, name) >= 0, f"timeline.{name}", getattr(self, name), ">= 0")
        _check(self.lead_sentences >= 0, "timeline.lead_sentences", self.lead_sentences, ">= 0")
        _check(self.lead_days_back >= 0, "timeline.lead_days_back", self.lead_days_back, ">= 0")


@dataclass(frozen=True, slots=True)
class NlpConfig:
    """How actors, quotes, claims and stances are found (``storyline.nlp``)."""

    enabled: bool = True
    """Annotate new articles in the pipeline (entities, quotes, claims, stances)."""
    use_spacy: bool = True
    """Use the spaCy model of the ``nlp`` extra when installed; False forces the rule-based fallback."""
    batch_size: int = 16
    """Articles per spaCy ``pipe`` batch."""
    processes: int = 1
    """spaCy worker processes for a pass over more than ``2 * batch_size`` articles. More than 1 uses
    more cores: on 2 cores, 2 cut the NLP stage's wall time by a third (bench/pipeline.py) for more CPU
    and a model copy per worker. Keep 1 where cores are already shared out (Spark executors)."""
    name_similarity: float = 0.85
    """Given names at least this similar (rapidfuzz ratio, 0..1) are spelling variants (Nuri/Nouri)."""
    quote_min_words: int = 3
    """A quotation with no cue and fewer words than this is a scare quote, not a quote."""
    quote_match: float = 0.8
    """Two quotes are the same when this share of the shorter one's words occur in order in the longer."""
    stance_ratio: float = 1.5
    """A relation is cooperate (oppose) when its evidence weighs this many times the other side's."""

    def __post_init__(self) -> None:
        _check(self.batch_size >= 1, "nlp.batch_size", self.batch_size, ">= 1")
        _check(self.processes >= 1, "nlp.processes", self.processes, ">= 1")
        _check(0 < self.name_similarity <= 1, "nlp.name_similarity", self.name_similarity, "in (0, 1]")
        _check(self.quote_min_words >= 1, "nlp.quote_min_words", self.quote_min_words, ">= 1")
        _check(0 < self.quote_match <= 1, "nlp.quote_match", self.quote_match, "in (0, 1]")
        _check(self.stance_ratio >= 1, "nlp.stance_ratio", self.stance_ratio, ">= 1")


@dataclass(frozen=True, slots=True)
class ProvenanceConfig:
    """How copied text (exact and near duplicates, embedded wire passages) is found and aligned."""

    seed: int = 1
    """Seed of the MinHash permutations; changing it invalidates a stored index."""
    shingle_size: int = 4
    """Words per shingle for document and passage MinHash."""
    num_perm: int = 128
    """MinHash permutations per document."""
    doc_bands: int = 32
    """LSH bands per document signature (``num_perm`` must divide evenly); more bands, lower threshold."""
    window_sentences: int = 3
    """Sentences per passage window (windows start at every sentence, so passages are found in any host)."""
    window_bands: int = 4
    """LSH bands per passage window."""
    window_rows: int = 2
    """MinHash values per passage band (the first ``window_bands * window_rows`` permutations are used)."""
    min_window_hits: int = 2
    """A document is a containment candidate when it shares at least this many passage band keys."""
    max_candidates: int = 50
    """Most candidates aligned per new article (best first); bounds the cost of very common text."""
    sentence_similarity: float = 0.6
    """Word-level similarity (2 * matched / total words) above which two sentences are one edited sentence."""
    sentence_cover: float = 0.9
    """Share of the shorter sentence's words found in the longer one that also counts as a match (cut sentences)."""
    min_shared_sentences: int = 2
    """Two articles are reported as sharing text only when at least this many sentences align."""
    min_shared_words: int = 20
    """... and the aligned sentences hold at least this many matched words."""
    segment_docs: int = 8192
    """Documents per open index segment before it is sealed (bounds the pages an insert touches)."""
    merge_fanout: int = 4
    """Sealed index segments of one level merged at a time into one of the next level (see ``max_segment_docs``)."""
    max_segment_docs: int = 0
    """Merge sealed segments into ones of up to this many documents; 0 (the default): never merge. With
    Bloom filters (``filter_bits_per_key``) a query skips a segment in memory, so merging would only
    rewrite every band row (twice, at 1M documents: half the insert cost) for little query time."""
    filter_bits_per_key: float = 16.0
    """Bloom filter bits per band key of a sealed segment (~0.3% false positives); 0 probes every segment."""

    def __post_init__(self) -> None:
        _check(self.shingle_size >= 1, "provenance.shingle_size", self.shingle_size, ">= 1")
        _check(self.num_perm >= 16, "provenance.num_perm", self.num_perm, ">= 16")
        _check(self.doc_bands >= 1 and self.num_perm % self.doc_bands == 0, "provenance.doc_bands",
               self.doc_bands, "a divisor of provenance.num_perm")
        _check(self.window_sentences >= 1, "provenance.window_sentences", self.window_sentences, ">= 1")
        _check(self.window_bands >= 1 and self.window_rows >= 1
               and self.window_bands * self.window_rows <= self.num_perm, "provenance.window_bands",
               self.window_bands, "such that window_bands * window_rows <= num_perm")
        _check(self.min_window_hits >= 1, "provenance.min_window_hits", self.min_window_hits, ">= 1")
        _check(self.max_candidates >= 1, "provenance.max_candidates", self.max_candidates, ">= 1")
        _check(self.filter_bits_per_key >= 0, "provenance.filter_bits_per_key", self.filter_bits_per_key, ">= 0")
        _check(0 < self.sentence_similarity <= 1, "provenance.sentence_similarity", self.sentence_similarity,
               "in (0, 1]")
        _check(0 < self.sentence_cover <= 1, "provenance.sentence_cover", self.sentence_cover, "in (0, 1]")
        _check(self.min_shared_sentences >= 1, "provenance.min_shared_sentences", self.min_shared_sentences, ">= 1")
        _check(self.min_shared_words >= 1, "provenance.min_shared_words", self.min_shared_words, ">= 1")
        _check(self.segment_docs >= 1, "provenance.segment_docs", self.segment_docs, ">= 1")
        _check(self.merge_fanout >= 2, "provenance.merge_fanout", self.merge_fanout, ">= 2")
        _check(self.max_segment_docs == 0 or self.max_segment_docs >= self.segment_docs,
               "provenance.max_segment_docs", self.max_segment_docs, "0 (no merging) or >= provenance.segment_docs")


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """How ``storyline serve`` (HTTP API and web UI) behaves."""

    host: str = "127.0.0.1"
    """Interface to bind; loopback by default so nothing is exposed unless asked."""
    port: int = 8000
    """TCP port."""
    max_body_bytes: int = 25 * 1024 * 1024
    """Request bodies larger than this are refused with 413 before they are read."""
    page_size: int = 20
    """Items per page when a request does not say."""
    max_page_size: int = 200
    """Largest page a request may ask for."""
    max_jobs: int = 50
    """Finished ingestion jobs kept for progress queries (oldest dropped first)."""
    max_urls: int = 100
    """Most URLs one ingestion request may name."""
    threads: int = 8
    """Worker threads serving requests (each has its own SQLite connection)."""
    chart_max_days: int = 366
    """Activity charts show at most this many days (the most recent ones)."""
    workers: int = 2
    """Server processes (uvicorn workers); each has its own threads, connections and caches. With
    more than one, ingestion jobs run in whichever process took the request, and a job's progress
    is only known there: serve with one worker when using the ingestion page heavily."""
    cache_entries: int = 512
    """Computed page parts (provenance, comparisons, actors) kept per connection; an entry is
    dropped as soon as the store changes (SQLite's data_version)."""
    analysis_max_articles: int = 400
    """Story and storyline pages show provenance, discrepancies, actors and quotes for subjects up
    to this many articles; larger ones link to the JSON API instead (it reads every article)."""

    def __post_init__(self) -> None:
        _check(1 <= self.workers <= 64, "serve.workers", self.workers, "between 1 and 64")
        _check(self.cache_entries >= 0, "serve.cache_entries", self.cache_entries, ">= 0")
        _check(self.analysis_max_articles >= 0, "serve.analysis_max_articles", self.analysis_max_articles, ">= 0")
        _check(bool(self.host), "serve.host", self.host, "a host name or address")
        _check(0 < self.port < 65536, "serve.port", self.port, "a TCP port (1-65535)")
        _check(self.max_body_bytes >= 1024, "serve.max_body_bytes", self.max_body_bytes, ">= 1024")
        _check(1 <= self.page_size <= self.max_page_size, "serve.page_size", self.page_size,
               "between 1 and serve.max_page_size")
        _check(self.max_jobs >= 1, "serve.max_jobs", self.max_jobs, ">= 1")
        _check(self.max_urls >= 1, "serve.max_urls", self.max_urls, ">= 1")
        _check(1 <= self.threads <= 256, "serve.threads", self.threads, "between 1 and 256")
        _check(self.chart_max_days >= 7, "serve.chart_max_days", self.chart_max_days, ">= 7")


@dataclass(frozen=True, slots=True)
class ScaleConfig:
    """How the Spark run splits story clustering into time windows (``scale/stories.py``)."""

    window_days: int = 60
    """Articles are clustered in windows of this many days (one Spark task each), by publication day."""
    overlap_days: int = 45
    """Each window also replays the last days of the window before it, so stories continue across windows.

    At least ``cluster.window_days`` (a story silent that long is closed locally), so every story the
    local stream still holds open at a window's start is rebuilt from its recent articles; 1.5 times
    that gave story B-cubed F1 0.986 against the local pipeline on T17 (docs/results.md, ``spark``)."""

    def __post_init__(self) -> None:
        _check(self.window_days >= 1, "scale.window_days", self.window_days, ">= 1")
        _check(0 <= self.overlap_days < self.window_days, "scale.overlap_days", self.overlap_days,
               ">= 0 and < scale.window_days")


@dataclass(frozen=True, slots=True)
class StorylineConfig:
    """The whole configuration: one section per stage."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    summarize: SummarizeConfig = field(default_factory=SummarizeConfig)
    timeline: TimelineConfig = field(default_factory=TimelineConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    provenance: ProvenanceConfig = field(default_factory=ProvenanceConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)
    scale: ScaleConfig = field(default_factory=ScaleConfig)

    def replace(self, section: str, **changes: Any) -> StorylineConfig:
        """Return a copy with fields of one section changed (validated again).

        Raises:
            ConfigError: unknown section or field, or a bad value.
        """
        current = getattr(self, section, None)
        if current is None or not dataclasses.is_dataclass(current):
            raise ConfigError(f"unknown config section {section!r}")
        names = {f.name for f in dataclasses.fields(current)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ConfigError(f"unknown field(s) {unknown} in config section [{section}]")
        return dataclasses.replace(self, **{section: dataclasses.replace(current, **changes)})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StorylineConfig:
        """Build a config from nested dicts (as parsed from TOML)."""
        config = cls()
        for section, values in data.items():
            if not isinstance(values, dict):
                raise ConfigError(f"config section [{section}] must be a table, not {values!r}")
            config = config.replace(section, **{k: tuple(v) if isinstance(v, list) else v
                                                for k, v in values.items()})
        return config


def load_config(path: str | Path | None = None) -> StorylineConfig:
    """Load a config from a TOML file, or return the defaults when ``path`` is None.

    Raises:
        ConfigError: the file is missing, is not valid TOML, or has a bad field.
    """
    if path is None:
        return StorylineConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    return StorylineConfig.from_dict(data)
