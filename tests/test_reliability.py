"""Reliability guarantees on a generated corpus of valid and hostile inputs (reduced size in CI).

The full-size run is ``python bench/stress.py``; its figures are in docs/results.md.
"""

from __future__ import annotations

import faulthandler
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from storyline import Pipeline, Store, StorylineConfig
from storyline.errors import StorylineError, TimeLimitError, WorkerCrashError
from storyline.ingest import CONTENT_TYPES, read_paths
from storyline.isolation import IsolatedRunner
from storyline.store import check_store, snapshot
from tests.fuzz_corpus import HOSTILE_CASES, Sizes, generate_corpus, store_contents, verify

CI_INPUTS = 500
CI_KILL_TRIALS = 3
CI_SIZES = Sizes(big_page_bytes=50 * 1024 * 1024, nest_depth=10_000, huge_attribute_bytes=2 * 1024 * 1024,
                 bomb_bytes=20 * 1024 * 1024, heavy_every=10**9)
SRC = Path(__file__).resolve().parents[1] / "src"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate_corpus(tmp_path_factory.mktemp("fuzz"), CI_INPUTS, seed=11, sizes=CI_SIZES)


@pytest.fixture(scope="module")
def clean_run(corpus, tmp_path_factory):
    """One uninterrupted CLI ingest of the corpus: the reference for every other run."""
    db = tmp_path_factory.mktemp("clean") / "clean.db"
    started = time.monotonic()
    result = subprocess.run(_cli("ingest", str(corpus.root), "--db", str(db), "--json"), env=_env(),
                            capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return db, time.monotonic() - started


def test_generator_is_deterministic(tmp_path):
    def digest(root: Path) -> str:
        h = hashlib.sha256()
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + path.read_bytes())
        return h.hexdigest()

    small = Sizes(big_page_bytes=1 << 20, nest_depth=100, huge_attribute_bytes=1000, bomb_bytes=1 << 20)
    one = generate_corpus(tmp_path / "one", 120, seed=5, sizes=small)
    two = generate_corpus(tmp_path / "two", 120, seed=5, sizes=small)
    assert digest(one.root) == digest(two.root)
    assert [e.case for e in one.expected] == [e.case for e in two.expected]


def test_every_input_has_exactly_its_expected_outcome(corpus, clean_run):
    """No crash; every valid input stored once; every bad input a Failure naming it; nothing else."""
    db, _ = clean_run
    assert len(corpus.cases()) >= len(HOSTILE_CASES) + 4
    with Store(db) as store:
        problems, by_type = verify(corpus, store, CONTENT_TYPES)
        assert problems == []
        assert check_store(store) == []
        assert store.count_articles() >= 0.5 * CI_INPUTS * 0.6
        assert by_type.get("TooLargeError") and by_type.get("BinaryInputError") and by_type.get("MalformedRecordError")


@pytest.mark.parametrize("trial", range(CI_KILL_TRIALS))
def test_kill_9_at_a_random_point_then_rerun_gives_the_clean_result(corpus, clean_run, tmp_path, trial):
    db, duration = clean_run
    killed = tmp_path / "killed.db"
    command = _cli("ingest", str(corpus.root), "--db", str(killed), "--json")
    delay = random.Random(trial).uniform(0.3, 0.9) * duration
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
    if killed.exists():
        with Store(killed) as store:
            assert check_store(store) == [], f"killed after {delay:.1f}s"
    subprocess.run(command, env=_env(), check=True, capture_output=True, timeout=600)
    with Store(killed) as store:
        assert check_store(store) == []
    assert store_contents(killed) == store_contents(db)


def test_a_slow_document_times_out_and_the_batch_goes_on(tmp_path):
    slow = ("Menu | Home | News\n" + "A short line without much\n" * 1000 +
            "The council met on Monday and said the bridge will close for repairs next week.\n\n") * 150
    (tmp_path / "a-slow.txt").write_text(slow)
    good = "The council voted on Tuesday to close the old river bridge for urgent repairs, officials said.\n\n" * 3
    (tmp_path / "b-good.txt").write_text(good)
    config = StorylineConfig().replace("extract", timeout_seconds=4.0)
    started = time.monotonic()
    with Store(tmp_path / "s.db") as store, Pipeline(store, config) as pipeline:
        report = pipeline.run([tmp_path])
        assert time.monotonic() - started < 60
        assert len(report.ingested) == 1
        (failure,) = store.failures()
        assert failure.error_type == "TimeLimitError" and failure.origin.endswith("a-slow.txt")
        assert "timed out after 4s (extract.timeout_seconds)" in failure.message
        assert check_store(store) == []


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _crash() -> None:
    faulthandler.disable()  # the crash is the point: no traceback dump in the test output
    os.kill(os.getpid(), signal.SIGSEGV)


def _recurse(depth: int) -> int:
    return 1 + _recurse(depth + 1)


def _raise() -> None:
    raise StorylineError("bad input", origin="x")


def test_isolated_runner_contains_time_outs_crashes_and_errors():
    with IsolatedRunner(0.5, "test.limit") as runner:
        assert runner.run(_sleep, 0.01) == 0.01
        with pytest.raises(TimeLimitError, match=r"doc: timed out after 0.5s \(test.limit\)"):
            runner.run(_sleep, 30, origin="doc")
        assert runner.run(_sleep, 0.0) == 0.0  # a fresh worker took over
        with pytest.raises(WorkerCrashError, match="signal 11"):
            runner.run(_crash)
        with pytest.raises(StorylineError) as raised:
            runner.run(_raise)
        assert raised.value.origin == "x"
        with pytest.raises(RecursionError):
            runner.run(_recurse, 0)
        assert runner.run(_sleep, 0.0) == 0.0
        assert runner.started == 3


def test_worker_exits_when_its_parent_is_killed(tmp_path):
    script = ("import sys, time; sys.path.insert(0, sys.argv[1]);"
              "from storyline.isolation import IsolatedRunner; from tests.test_reliability import _sleep;"
              "r = IsolatedRunner(60); r.run(_sleep, 0); print(r._process.pid, flush=True); r.run(_sleep, 50)")
    root = str(Path(__file__).resolve().parents[1])
    parent = subprocess.Popen([sys.executable, "-c", script, root], env={**_env(), "PYTHONPATH": f"{SRC}:{root}"},
                              stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    pytest.fail("the worker outlived its killed parent by 10 s")


def test_a_huge_jsonl_line_is_refused_without_holding_it_in_memory(tmp_path):
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.write(json.dumps({"text": "x" * 200}).encode() + b"\n")
        handle.write(b'{"text": "' + b"y" * (40 * 1024 * 1024) + b'"}\n')
        handle.write(json.dumps({"text": "z" * 200}).encode() + b"\n")
    config = StorylineConfig().replace("ingest", max_bytes=1024 * 1024)
    tracemalloc.start()
    items = list(read_paths([path], config.ingest))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [type(i).__name__ for i in items] == ["RawDocument", "Failure", "RawDocument"]
    assert items[1].origin.endswith("#L2") and "41,943,053 bytes" in items[1].message
    assert peak < 8 * 1024 * 1024  # the line is 40 MB: it was never held whole


def test_pipes_and_devices_named_explicitly_are_refused(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    items = list(read_paths([fifo, "/dev/zero"]))
    assert [(type(i).__name__, i.error_type) for i in items] == [("Failure", "UnsupportedFormatError")] * 2
    assert "not a regular file" in items[0].message


def test_readers_never_see_locks_or_half_written_state_while_ingest_and_watch_write(corpus, tmp_path):
    """`storyline ingest` and `storyline watch` write (WAL) while reader threads query; nothing surfaces."""
    db = tmp_path / "shared.db"
    Store(db).close()
    parts = sorted(p for p in corpus.root.iterdir() if p.is_dir())
    commands = [_cli("ingest", *map(str, parts[::2]), "--db", str(db), "--json"),
                _cli("watch", *map(str, parts[1::2] + parts[:1]), "--every", "1s", "--cycles", "2", "--db", str(db),
                     "--json")]
    writers = [subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
               for command in commands]
    errors: list[str] = []
    reads = [0]

    def read() -> None:
        with Store(db) as store:
            while any(w.poll() is None for w in writers):
                try:
                    with snapshot(store):
                        problems = check_store(store, fts=False, deep=False)
                        store.search("harbour council")
                        stories = store.stories()
                        for row in stories[:3]:
                            store.summary(row.id)
                            store.articles(row.story.article_ids)
                    errors.extend(problems)
                    reads[0] += 1
                    time.sleep(0.05)  # a web server's pace, not a busy loop starving the writers of CPU
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for w in writers:
        w.wait(timeout=600)
    for t in threads:
        t.join()
    assert [w.returncode for w in writers] == [0, 0], [w.stderr.read().decode()[-1000:] for w in writers]
    assert errors == [] and reads[0] > 3
    with Store(db) as store:
        assert check_store(store) == []
        problems, _ = verify(corpus, store, CONTENT_TYPES)
        assert problems == []

