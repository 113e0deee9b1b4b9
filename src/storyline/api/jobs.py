"""A small in-process runner for ingestion jobs, with progress.

Uploads are read into RawDocuments by the request, then handed to one worker thread that runs
the pipeline over its own Store connection: SQLite has a single writer, so jobs run one at a
time, in order; readers keep being served meanwhile (WAL). Job ids are random and unguessable.
Finished jobs are kept (up to ``max_jobs``) so their outcome can be read afterwards.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.config import StorylineConfig
from storyline.ingest import HttpFetcher, Source
from storyline.model import Failure, RawDocument, utc_now
from storyline.pipeline import Pipeline
from storyline.store import Store
from storyline.views import failure_view

__all__ = ["Job", "JobRunner"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Job:
    """One ingestion job and how far it got."""

    id: str
    name: str
    total: int
    state: str = "queued"  # queued, running, clustering, done, failed
    processed: int = 0
    ingested: list[str] = field(default_factory=list)
    duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    error: str | None = None
    created_at: str = field(default_factory=utc_now)
    finished_at: str | None = None

    def view(self) -> dict[str, Any]:
        """Describe the job as JSON-ready data."""
        return {"id": self.id, "name": self.name, "state": self.state, "total": self.total,
                "processed": self.processed, "ingested": len(self.ingested), "article_ids": self.ingested,
                "duplicates": self.duplicates, "failed": len(self.failures),
                "failures": [failure_view(f) for f in self.failures], "stories_updated": self.stories,
                "error": self.error, "created_at": self.created_at, "finished_at": self.finished_at}


class JobRunner:
    """Runs ingestion jobs one at a time on a worker thread.

    Args:
        db_path: the store the jobs write to (each job opens its own connection).
        config: pipeline settings; ``serve.max_jobs`` bounds how many jobs are remembered.
    """

    def __init__(self, db_path: str | Path, config: StorylineConfig) -> None:
        self.db_path = str(db_path)
        self.config = config
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storyline-ingest")

    def submit(self, name: str, inputs: list[RawDocument | Failure]) -> Job:
        """Queue a job over inputs already read; returns it at once (state ``queued``)."""
        return self._queue(Job(id=secrets.token_urlsafe(16), name=name, total=len(inputs)), inputs)

    def submit_urls(self, name: str, urls: list[str]) -> Job:
        """Queue a job that fetches URLs (pages or feeds) through the guarded fetcher, then ingests them.

        ``total`` counts URLs; a feed yields one item per new entry, so ``processed`` may pass it.
        """
        return self._queue(Job(id=secrets.token_urlsafe(16), name=name, total=len(urls)),
                           [Source("url", url) for url in urls])

    def _queue(self, job: Job, inputs: list[Any]) -> Job:
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.config.serve.max_jobs:
                oldest = next(iter(self._jobs.values()))
                if oldest.state not in ("done", "failed"):
                    break
                self._jobs.popitem(last=False)
        self._executor.submit(self._run, job, inputs)
        return job

    def get(self, job_id: str) -> Job | None:
        """Return a job by id, or None if unknown (or forgotten)."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Return the remembered jobs, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def wait(self, job_id: str, timeout: float | None = None) -> Job | None:
        """Block until a job has finished (for tests and scripts); returns it."""
        done = threading.Event()
        self._executor.submit(done.set)  # the single worker runs jobs in order: this runs after the job
        done.wait(timeout)
        return self.get(job_id)

    def shutdown(self) -> None:
        """Finish running jobs, then stop the worker; queued jobs that have not started are dropped."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, inputs: list[Any]) -> None:
        def progress(_origin: str) -> None:
            job.processed += 1

        job.state = "running"
        try:
            with Store(self.db_path) as store:
                pipeline = Pipeline(store, self.config)
                if inputs and isinstance(inputs[0], Source):
                    # URLs go through the fetcher's SSRF guard (fetch.allow_private stays off by default)
                    with HttpFetcher(self.config.fetch) as fetcher:
                        report = pipeline.ingest_sources(inputs, fetcher, progress=progress)
                else:
                    report = pipeline.ingest(inputs, progress=progress)
                    job.state = "clustering"
                    report.stories = pipeline.update_stories()
                job.ingested, job.duplicates, job.failures = report.ingested, report.duplicates, report.failures
                job.stories = report.stories
            job.state = "done"
        except Exception as exc:  # the job fails and says why; the server keeps serving
            log.exception("ingestion job %s failed", job.id)
            job.error = f"{type(exc).__name__}: {exc}"
            job.state = "failed"
        finally:
            job.finished_at = utc_now()
