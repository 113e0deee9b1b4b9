"""Reliability guarantees on a generated corpus of valid and hostile inputs (reduced size in CI).

The full-size run is ``python bench/stress.py``; its figures are in docs/results.md. CI keeps the
guarantees and cuts the sizes: one 500-input corpus for the outcome checks, a 60-input corpus
for the kill -9 trials (killed at chosen states of the store, so every run hits the phases where a
crash could leave work half done), and a small one for the concurrency test with the real server.
"""

from __future__ import annotations

import faulthandler
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from storyline import Pipeline, Store, StorylineConfig
from storyline.cli import demo_corpus_path
from storyline.errors import StorylineError, TimeLimitError, WorkerCrashError
from storyline.ingest import CONTENT_TYPES, read_paths
from storyline.isolation import IsolatedRunner
from storyline.store import check_store, snapshot
from tests.crash import KILL_WHEN, cli_env, ingest_command, kill_trial, patient_config
from tests.fuzz_corpus import (
    HOSTILE_CASES,
    FuzzCorpus,
    Sizes,
    contents_diff,
    generate_corpus,
    store_contents,
    verify,
)

CI_INPUTS = 500
CI_KILL_INPUTS = 60
CI_SIZES = Sizes(big_page_bytes=50 * 1024 * 1024, nest_depth=10_000, huge_attribute_bytes=2 * 1024 * 1024,
                 bomb_bytes=20 * 1024 * 1024, heavy_every=10**9)
# the kill and concurrency corpora exercise crashes and locking, not the size limits: small heavy cases
SMALL_SIZES = Sizes(big_page_bytes=1 << 20, nest_depth=2_000, huge_attribute_bytes=100_000, bomb_bytes=1 << 20,
                    heavy_every=10**9)
SRC = Path(__file__).resolve().parents[1] / "src"


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline", *args]


def _env() -> dict[str, str]:
    return cli_env()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate_corpus(tmp_path_factory.mktemp("fuzz"), CI_INPUTS, seed=11, sizes=CI_SIZES)


@pytest.fixture(scope="module")
def clean_run(corpus, tmp_path_factory):
    """One uninterrupted CLI ingest of the corpus."""
    db = tmp_path_factory.mktemp("clean") / "clean.db"
    result = subprocess.run(ingest_command(corpus.root, db), env=_env(), capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    return db


@pytest.fixture(scope="module")
def kill_corpus(tmp_path_factory):
    """A smaller corpus for the kill trials, and the contents of its uninterrupted run."""
    corpus = generate_corpus(tmp_path_factory.mktemp("kill"), CI_KILL_INPUTS, seed=12, sizes=SMALL_SIZES)
    folder = tmp_path_factory.mktemp("kill-clean")
    db, config = folder / "clean.db", patient_config(folder)
    started = time.monotonic()
    subprocess.run(ingest_command(corpus.root, db, config), env=_env(), check=True, capture_output=True, timeout=600)
    return corpus, config, store_contents(db), time.monotonic() - started


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
    assert len(corpus.cases()) >= len(HOSTILE_CASES) + 4
    with Store(clean_run) as store:
        problems, by_type = verify(corpus, store, CONTENT_TYPES)
        assert problems == []
        assert check_store(store) == []
        assert store.count_articles() >= 0.5 * CI_INPUTS * 0.6
        assert by_type.get("TooLargeError") and by_type.get("BinaryInputError") and by_type.get("MalformedRecordError")


# well-chosen kill points: while documents are stored (each with its provenance entry), and once the
# clustering pass committed, before its stories' actors are all analysed (a window of seconds, so no
# machine is too fast to hit it); plus one at a random time, anywhere. bench/stress.py also kills
# mid-analysis and at many more random points.
KILL_POINTS = [("mid-ingest", None), ("clustered", None), ("random", 0.61)]


@pytest.mark.parametrize(("point", "share"), KILL_POINTS, ids=[p for p, _ in KILL_POINTS])
def test_kill_9_then_rerun_gives_exactly_the_clean_result(kill_corpus, tmp_path, point, share):
    """After SIGKILL the store is consistent; a re-run ends with every table as an uninterrupted run left it."""
    corpus, config, expected, duration = kill_corpus
    when = KILL_WHEN[point].format(n=max(1, len(expected["articles"]) // 2)) if share is None else None
    result = kill_trial(corpus.root, tmp_path / "killed.db", expected, point=point,
                        after=share * duration if share is not None else None, when=when, config=config)
    if share is None:
        assert result.killed, f"the run finished before reaching {point!r}"
    assert result.problems_after_kill == []
    assert result.problems_after_rerun == []
    assert result.differences == []


class Killed(BaseException):
    """Stands for SIGKILL in-process: not an Exception, so no ``except Exception`` handler records it."""


def _killed(monkeypatch, target: object, name: str, after_calls: int) -> None:
    """Make ``target.name`` die like a killed process on call number ``after_calls + 1``."""
    original = getattr(target, name)
    calls = [0]

    def dying(*args, **kwargs):
        calls[0] += 1
        if calls[0] > after_calls:
            raise Killed
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, dying)


@pytest.fixture(scope="module")
def demo_clean(demo_pipeline_store):
    """The demo corpus and the contents of its uninterrupted in-process run."""
    return demo_corpus_path(), store_contents(demo_pipeline_store)


@pytest.mark.parametrize("crash", ["provenance", "actors"])
def test_a_run_killed_between_two_transactions_is_finished_by_the_next_run(demo_clean, tmp_path, monkeypatch, crash):
    """Regression: an article stored but not yet indexed for provenance, or a clustering pass stored but
    its stories' actors not analysed, stayed that way for good (a re-run skips documents it holds)."""
    import storyline.store.nlp as nlp_store

    demo, expected = demo_clean
    db = tmp_path / "crashed.db"
    with monkeypatch.context() as patch:
        if crash == "provenance":
            _killed(patch, Pipeline, "index_provenance", after_calls=3)
        else:
            _killed(patch, nlp_store, "save_story_analysis", after_calls=2)
        with Store(db) as store, pytest.raises(Killed):
            Pipeline(store).run([demo])
    with Store(db) as store:
        assert check_store(store) == []
        Pipeline(store).run([demo])
        assert check_store(store) == []
    assert contents_diff(store_contents(db), expected) == []


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_web_server_reads_while_ingest_and_watch_write(tmp_path):
    """`storyline serve` answers while `storyline ingest` and `storyline watch` write the same store (WAL):
    no 5xx, no "database is locked" in any response or the server's log, and consistent reads."""
    first = generate_corpus(tmp_path / "first", 40, seed=21, sizes=SMALL_SIZES)
    second = generate_corpus(tmp_path / "second", 40, seed=22, sizes=SMALL_SIZES)
    db = tmp_path / "shared.db"
    Store(db).close()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(_cli("serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)),
                              env=_env(), stdout=log, stderr=subprocess.STDOUT)
    writers: list[subprocess.Popen] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(base, "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        # the watcher polls both corpora: it races the ingest for the first one (each input still stored once)
        writers = [subprocess.Popen(command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                   for command in (ingest_command(first.root, db),
                                   _cli("watch", str(second.root), str(first.root), "--every", "1s", "--cycles", "2",
                                        "--db", str(db), "--json"))]
        errors: list[str] = []
        stats = {"http": 0, "snapshots": 0}

        def writing() -> bool:
            return any(w.poll() is None for w in writers)

        def http_reader() -> None:
            last_articles = 0
            while writing():
                try:
                    checked = _read_site(base)
                except Exception as exc:  # a refused connection or a timeout is a finding too
                    errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                errors.extend(checked.problems)
                if checked.articles < last_articles:
                    errors.append(f"article count went down from {last_articles} to {checked.articles}")
                last_articles = max(last_articles, checked.articles)
                stats["http"] += 1

        def snapshot_reader() -> None:
            with Store(db) as store:
                while writing():
                    with snapshot(store):  # one committed state: nothing half-written may show
                        errors.extend(check_store(store, fts=False, deep=False))
                    stats["snapshots"] += 1
                    time.sleep(0.1)

        threads = [threading.Thread(target=http_reader), threading.Thread(target=http_reader),
                   threading.Thread(target=snapshot_reader)]
        for t in threads:
            t.start()
        for w in writers:
            w.wait(timeout=300)
        for t in threads:
            t.join()
        assert [w.returncode for w in writers] == [0, 0], [w.stderr.read().decode()[-1000:] for w in writers]
        assert errors == [], errors[:10]
        assert stats["http"] >= 3 and stats["snapshots"] >= 3, stats
        final = _read_site(base)
        assert final.problems == []
    finally:
        for w in writers:
            if w.poll() is None:
                w.kill()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    server_log = (tmp_path / "server.log").read_text(errors="replace")
    assert "database is locked" not in server_log and "Traceback" not in server_log, server_log[-3000:]
    with Store(db) as store:
        assert check_store(store) == []
        assert final.articles == store.count_articles()
        problems, _ = verify(FuzzCorpus(tmp_path, first.expected + second.expected), store, CONTENT_TYPES)
        assert problems == []


class _SiteRead:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.articles = 0


def _read_site(base: str) -> _SiteRead:
    """Read the home page, storylines, stories, search and articles; report 5xx, lock errors and inconsistencies."""
    read = _SiteRead()

    def get(path: str, allow_404: bool = False) -> dict | None:
        status, body = _get(base, path)
        if b"database is locked" in body:
            read.problems.append(f"GET {path}: 'database is locked' in the response")
        if status == 404 and allow_404:  # a story merged into another between the listing and this read
            return None
        if status != 200:
            read.problems.append(f"GET {path}: HTTP {status}: {body[:200]!r}")
            return None
        return json.loads(body) if path.startswith("/api/") else {}

    health = get("/api/health")
    read.articles = health["articles"] if health else 0
    for path in ("/", "/search?q=harbour", "/failures"):
        get(path)
    lines = get("/api/storylines?limit=5")
    for line in (lines or {}).get("items", []):
        if not 1 <= line["stories"] <= line["articles"]:
            read.problems.append(f"storyline {line['id']} lists {line['stories']} stories, {line['articles']} articles")
    listing = get("/api/stories?limit=5")
    for item in (listing or {}).get("items", []):
        story = get(f"/api/stories/{item['id']}", allow_404=True)
        if story is not None:
            total = story["story"]["articles"]["total"]
            if total < 1 or total != story["story"]["size"]:
                read.problems.append(f"story {item['id']} has size {story['story']['size']} but {total} articles")
        get(f"/stories/{item['id']}", allow_404=True)
    hits = get("/api/search?q=council")
    for hit in (hits or {}).get("items", [])[:3]:
        get(f"/api/articles/{hit['id']}")
    return read
