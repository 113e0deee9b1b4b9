"""Watch mode: poll sources on a schedule, ingest only what is new, keep stories up to date.

Each cycle:

1. re-reads URL lists (a URL added to the list is picked up at the next cycle);
2. polls every source that is not backing off: feeds with a conditional GET and only unseen
   entries, directories for new or changed files, pages not fetched before (``remember=True``);
3. records each source's outcome: a success resets it; a failure is stored as a Failure and the
   source waits ``backoff_base * 2**(failures - 1)`` (capped at ``backoff_max``) before it is
   tried again, while the other sources carry on;
4. clusters the new articles into stories and re-summarises the stories they joined;
5. with a :class:`~storyline.notify.Notifier`, posts an alert for each followed storyline that
   gained a story or a significant update (its baselines are taken before the first cycle).

This is the pipeline run in a loop: like ``pipeline.py`` it moves records between the readers,
the stages and the store. Time and sleeping are parameters, so tests run cycles instantly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from storyline.config import WatchConfig
from storyline.ingest.fetch import Fetcher
from storyline.ingest.sources import Source, SourceReader, expand_sources
from storyline.model import Failure
from storyline.notify import Alert, Notifier
from storyline.pipeline import IngestReport, Pipeline
from storyline.store import record_attempt, source_health

__all__ = ["CycleReport", "Watcher", "backoff_seconds"]


def backoff_seconds(failures: int, config: WatchConfig) -> float:
    """Seconds to wait before trying a source again after ``failures`` consecutive failures.

    >>> [backoff_seconds(n, WatchConfig(backoff_base_seconds=60, backoff_max_seconds=300)) for n in (1, 2, 3, 4)]
    [60.0, 120.0, 240.0, 300.0]
    """
    if failures <= 0:
        return 0.0
    # the exponent is capped so a source failing for months does not overflow the float
    return float(min(config.backoff_base_seconds * 2 ** min(failures - 1, 40), config.backoff_max_seconds))


@dataclass(slots=True)
class CycleReport:
    """What one watch cycle did."""

    number: int
    started: str
    report: IngestReport = field(default_factory=IngestReport)
    polled: list[str] = field(default_factory=list)
    backing_off: list[str] = field(default_factory=list)
    failed_sources: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    alert_failures: list[Failure] = field(default_factory=list)


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Watcher:
    """Polls sources into a pipeline's store.

    Args:
        pipeline: where documents go (its config's ``watch`` section sets the schedule).
        sources: what to poll; URL-list sources are re-read every cycle.
        fetcher: the network seam for URLs and feeds.
        clock: returns the current UTC time (tests pass a fake).
        sleep: waits a number of seconds (tests pass a fake that advances the clock).
        notifier: posts alerts about followed storylines after each cycle; None sends none.
    """

    def __init__(self, pipeline: Pipeline, sources: Iterable[Source], fetcher: Fetcher | None = None, *,
                 clock: Callable[[], datetime] = _utc_now, sleep: Callable[[float], None] = time.sleep,
                 notifier: Notifier | None = None) -> None:
        self.pipeline = pipeline
        self.notifier = notifier
        self.sources = sorted(set(sources))
        self.reader = SourceReader(pipeline.config, fetcher, remember=True)
        self.clock = clock
        self.sleep = sleep
        self.cycles_run = 0

    def run_cycle(self) -> CycleReport:
        """Poll every source that is due once (steps 1-4 of the module docstring)."""
        store = self.pipeline.store
        if self.cycles_run == 0:  # finish what a killed earlier run left undone (see Pipeline.recover)
            self.pipeline.recover()
            if self.notifier is not None:
                self.notifier.run(store)  # the first check takes the baselines: what was there is not news
        now = self.clock()
        self.cycles_run += 1
        cycle = CycleReport(self.cycles_run, now.isoformat())
        for source in expand_sources(self.sources):
            if isinstance(source, Failure):  # a URL list that cannot be read fails like any source
                store.save_failure(source)
                cycle.report.failures.append(source)
                cycle.failed_sources.append(source.origin)
                self._record(source.origin, "urls", now, source.message)
                continue
            health = source_health(store, source.ref)
            if health.next_attempt and datetime.fromisoformat(health.next_attempt) > now:
                cycle.backing_off.append(source.ref)
                continue
            cycle.polled.append(source.ref)
            failure = self.pipeline.ingest_source(source, self.reader, cycle.report)
            if failure is None:
                record_attempt(store, source.ref, source.kind, at=now.isoformat())
            else:
                cycle.failed_sources.append(source.ref)
                self._record(source.ref, source.kind, now, failure.message)
        if cycle.report.ingested:
            cycle.report.stories = self.pipeline.update_stories()
        if self.notifier is not None:  # every cycle: another process may have written the store too
            cycle.alerts, cycle.alert_failures = self.notifier.run(store)
        return cycle

    def _record(self, ref: str, kind: str, now: datetime, error: str) -> None:
        store, config = self.pipeline.store, self.pipeline.config.watch
        failures = source_health(store, ref).failures + 1
        retry = now + timedelta(seconds=backoff_seconds(failures, config))
        record_attempt(store, ref, kind, at=now.isoformat(), error=error, next_attempt=retry.isoformat())

    def run(self, cycles: int | None = None, on_cycle: Callable[[CycleReport], None] | None = None) -> int:
        """Run cycles ``watch.every_seconds`` apart: ``cycles`` of them, or until interrupted.

        Returns:
            The number of cycles run.
        """
        done = 0
        while cycles is None or done < cycles:
            started = time.monotonic()
            report = self.run_cycle()
            done += 1
            if on_cycle:
                on_cycle(report)
            if cycles is not None and done >= cycles:
                break
            # the interval runs from the start of a cycle, so a slow poll does not drift the schedule
            self.sleep(max(0.0, self.pipeline.config.watch.every_seconds - (time.monotonic() - started)))
        return done
