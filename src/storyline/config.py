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
    "IngestConfig",
    "StorylineConfig",
    "SummarizeConfig",
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
