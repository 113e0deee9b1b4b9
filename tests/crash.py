"""Kill -9 trials, shared by tests/test_reliability.py and ``bench/stress.py``.

A trial starts ``storyline ingest`` in a subprocess, kills it with SIGKILL at a chosen point, checks
the store it left (``check_store``), runs the same ingest again to completion and compares every
table with an uninterrupted run (``store_contents``).

Kill points are either a time (a share of the clean run's duration: anywhere, machine-dependent)
or a state of the store seen by a read-only poller (machine-independent, so CI always hits the
phases where a crash could leave work half done: mid-ingest, and after the clustering pass while
actors are being analysed).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from storyline.store import Store, check_store
from tests.fuzz_corpus import contents_diff, store_contents

SRC = Path(__file__).resolve().parents[1] / "src"

# state kill points: a query over the store that turns true at the moment to kill ({n}: a count to reach)
KILL_WHEN = {
    "mid-ingest": "SELECT count(*) >= {n} FROM articles",
    "clustered": "SELECT count(*) > 0 FROM stories",
    # annotations of a first batch stored, actors of some stories still to analyse
    "annotating": "SELECT (SELECT count(*) FROM nlp_articles) >= {n} AND EXISTS (SELECT 1 FROM nlp_pending)",
}


def cli_env() -> dict[str, str]:
    """The environment for running this checkout's CLI in a subprocess."""
    return {**os.environ, "PYTHONPATH": str(SRC)}


def ingest_command(corpus_root: Path, db: Path, config: Path | None = None) -> list[str]:
    """``storyline ingest`` of a corpus into a store, as a subprocess command."""
    return [sys.executable, "-m", "storyline", "ingest", str(corpus_root), "--db", str(db), "--json",
            *(["--config", str(config)] if config else [])]


def patient_config(folder: Path) -> Path:
    """Write a config whose per-document time limit no busy machine reaches, and return its path.

    The limit is wall time: on a loaded machine a heavy input can fail with TimeLimitError in one
    run and be stored in the next. Kill trials compare runs exactly, so they must not depend on how
    busy the machine is (the limit itself is tested on its own and in the full stress run).
    """
    path = folder / "patient.toml"
    path.write_text("[extract]\ntimeout_seconds = 900\n", encoding="utf-8")
    return path


def _state_reached(db: Path, query: str) -> bool:
    if not db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return bool(conn.execute(query).fetchone()[0])
    except sqlite3.Error:  # schema not created yet, or a lock: not there yet
        return False


def run_and_kill(command: list[str], db: Path, *, after: float | None = None, when: str | None = None,
                 timeout: float = 900.0) -> bool:
    """Run ``command`` and SIGKILL it ``after`` seconds or once the query ``when`` holds on ``db``.

    Returns:
        True if the process was killed, False if it finished first.
    """
    process = subprocess.Popen(command, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while process.poll() is None:
            elapsed = time.monotonic() - started
            if (after is not None and elapsed >= after) or (when is not None and _state_reached(db, when)) \
                    or elapsed > timeout:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.02 if when is not None else min(0.05, max(0.0, (after or 0) - elapsed)))
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@dataclass(slots=True)
class TrialResult:
    """What one kill trial found."""

    point: str
    killed: bool
    articles_at_kill: int = 0
    problems_after_kill: list[str] = field(default_factory=list)
    problems_after_rerun: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """The store was consistent after the kill and the re-run reproduced the clean run exactly."""
        return not (self.problems_after_kill or self.problems_after_rerun or self.differences)


def kill_trial(corpus_root: Path, db: Path, expected: dict[str, list], *, point: str, after: float | None = None,
               when: str | None = None, config: Path | None = None) -> TrialResult:
    """Kill an ingest at a point, check the store, re-run it and compare with ``expected`` (a clean run
    with the same ``config``)."""
    command = ingest_command(corpus_root, db, config)
    result = TrialResult(point, run_and_kill(command, db, after=after, when=when))
    if db.exists():
        with Store(db) as store:
            result.problems_after_kill = check_store(store)
            result.articles_at_kill = store.count_articles()
    subprocess.run(command, env=cli_env(), check=True, capture_output=True, timeout=1800)
    with Store(db) as store:
        result.problems_after_rerun = check_store(store)
    result.differences = contents_diff(store_contents(db), expected)
    return result
