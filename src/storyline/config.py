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
    "StorylineConfig",
    "SummarizeConfig",
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
    extensions: tuple[str, ...] = (".txt", ".html", ".htm", ".jsonl")
    """File types read from directories and paths."""

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

    def __post_init__(self) -> None:
        _check(self.min_text_chars >= 1, "extract.min_text_chars", self.min_text_chars, ">= 1")
        _check(0 < self.binary_control_ratio < 1, "extract.binary_control_ratio",
               self.binary_control_ratio, "between 0 and 1")
        _check(self.timeout_seconds >= 0, "extract.timeout_seconds", self.timeout_seconds, ">= 0 (0: no limit)")
        _check(1 <= self.min_year <= self.max_year <= 9999, "extract.min_year/max_year",
               (self.min_year, self.max_year), "years with 1 <= min_year <= max_year <= 9999")


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How articles are grouped into stories."""

    threshold: float = 0.22
    """Minimum similarity between an article and a story for the article to join it."""
    entity_weight: float = 0.35
    """Share of the similarity that comes from named-term overlap (the rest is TF-IDF cosine)."""
    time_scale_days: float = 240.0
    """Similarity is multiplied by exp(-days apart / time_scale_days)."""
    window_days: int = 180
    """Stories whose last article is older than this (relative to the article) are not candidates."""
    centroid_terms: int = 200
    """Number of top-weighted terms kept in a story's stored centroid."""

    def __post_init__(self) -> None:
        _check(0 < self.threshold < 1, "cluster.threshold", self.threshold, "between 0 and 1")
        _check(0 <= self.entity_weight <= 1, "cluster.entity_weight", self.entity_weight, "in [0, 1]")
        _check(self.time_scale_days > 0, "cluster.time_scale_days", self.time_scale_days, "> 0")
        _check(self.window_days > 0, "cluster.window_days", self.window_days, "> 0")
        _check(self.centroid_terms >= 10, "cluster.centroid_terms", self.centroid_terms, ">= 10")


@dataclass(frozen=True, slots=True)
class SummarizeConfig:
    """How story summaries are built."""

    max_sentences: int = 8
    """Most sentences in a summary."""
    max_words: int = 250
    """Word budget of a summary."""
    redundancy: float = 0.5
    """A candidate this similar (cosine) to a chosen sentence is skipped."""
    min_words: int = 6
    """Sentences shorter than this are not summary candidates."""

    def __post_init__(self) -> None:
        _check(self.max_sentences >= 1, "summarize.max_sentences", self.max_sentences, ">= 1")
        _check(self.max_words >= 10, "summarize.max_words", self.max_words, ">= 10")
        _check(0 < self.redundancy <= 1, "summarize.redundancy", self.redundancy, "in (0, 1]")
        _check(self.min_words >= 1, "summarize.min_words", self.min_words, ">= 1")


@dataclass(frozen=True, slots=True)
class StorylineConfig:
    """The whole configuration: one section per stage."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    summarize: SummarizeConfig = field(default_factory=SummarizeConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)

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
