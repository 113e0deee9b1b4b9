"""Ingesting through the pipeline: bad inputs, idempotence, crash safety, stories and summaries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

from storyline import Pipeline, Store, StorylineConfig
from storyline.store import storylines as storylines_store
from storyline.text import tokenize

ARTICLE = ("The city council voted on Tuesday to close the old river bridge for urgent repairs after "
           "engineers found deep cracks in two of its supporting piers, officials said.\n\n"
           "“We cannot take any risk with public safety,” the mayor told reporters outside city hall.\n")


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_each_bad_input_is_a_failure_and_the_batch_goes_on(tmp_path, tmp_store, ingest):
    good = _write(tmp_path / "good.txt", ARTICLE.encode())
    empty = _write(tmp_path / "empty.txt", b"")
    binary = _write(tmp_path / "photo.html", b"\x89PNG\r\n\x1a\n" + bytes(200))
    invalid = _write(tmp_path / "garbage.txt", bytes(range(128, 256)) * 20)
    zero_html = _write(tmp_path / "zero.html", b"")
    unknown = _write(tmp_path / "report.pdf", b"%PDF-1.4 whatever")
    big = tmp_path / "huge.html"
    with big.open("wb") as handle:
        handle.write(b"<html><body>")
        handle.write(b"<p>" + b"x" * (50 * 1024 * 1024) + b"</p>")
    jsonl = _write(tmp_path / "feed.jsonl", b"\n".join([
        json.dumps({"id": "1", "title": "Bridge", "text": ARTICLE.replace("Tuesday", "Monday")}).encode(),
        b'{"id": "2", "text": "unterminated',
        json.dumps({"id": "3", "title": "Other", "text": ARTICLE.replace("bridge", "tunnel")}).encode(),
    ]))
    report = ingest(good, empty, binary, invalid, zero_html, unknown, big, jsonl)
    assert len(report.ingested) == 3
    by_origin = {Path(f.origin.split("#")[0]).name + ("#" + f.origin.split("#")[1] if "#" in f.origin else ""): f
                 for f in tmp_store.failures()}
    assert by_origin["empty.txt"].error_type == "EmptyInputError"
    assert by_origin["photo.html"].error_type == "BinaryInputError"
    assert by_origin["garbage.txt"].error_type in {"DecodeError", "BinaryInputError"}
    assert by_origin["zero.html"].error_type == "EmptyInputError"
    assert by_origin["report.pdf"].error_type == "UnsupportedFormatError"
    assert "unsupported file type '.pdf'" in by_origin["report.pdf"].message
    assert by_origin["huge.html"].error_type == "TooLargeError" and "ingest.max_bytes" in by_origin["huge.html"].message
    assert by_origin["feed.jsonl#L2"].error_type == "MalformedRecordError"
    assert len(tmp_store.failures()) == 7
    assert tmp_store.count_articles() == 3


def test_reingesting_adds_nothing(tmp_path, tmp_store, ingest, seed_files):
    first = ingest(*seed_files)
    assert len(first.ingested) == 5
    again = ingest(*seed_files)
    assert again.ingested == [] and again.duplicates == 5 and again.stories == []
    assert tmp_store.count_articles() == 5


def test_failures_are_recorded_once(tmp_path, tmp_store, ingest):
    empty = _write(tmp_path / "empty.txt", b"")
    ingest(empty)
    ingest(empty)
    assert len(tmp_store.failures()) == 1


def test_raw_bytes_are_kept(tmp_path, tmp_store, ingest):
    good = _write(tmp_path / "good.txt", ARTICLE.encode())
    report = ingest(good)
    article = tmp_store.article(report.ingested[0])
    assert tmp_store.raw_content(article.raw_sha256) == ARTICLE.encode()


def test_seeds_form_one_storyline(tmp_store, ingest, seed_files):
    # Stories are events: the June 2014 articles (000-003) are one story, 004 (Amerli, 1 September)
    # is a later event of the same storyline, so it is its own story inside that storyline.
    ingest(*seed_files)
    stories = {frozenset(tmp_store.article(a).origin.rsplit("/", 1)[-1][:3] for a in row.story.article_ids)
               for row in tmp_store.stories()}
    assert frozenset({"000", "001", "002", "003"}) in stories
    assert set().union(*stories) == {"000", "001", "002", "003", "004"}
    lines = storylines_store.load_storylines(tmp_store)
    assert len(lines) == 1 and sum(len(s.story.article_ids) for s in lines[0].stories) == 5


def test_demo_corpus_stories(tmp_store, ingest, demo_dir):
    report = ingest(demo_dir)
    assert len(report.ingested) == 16 and report.failed == 1
    groups = sorted(sorted(tmp_store.article(a).title[:12] for a in row.story.article_ids)
                    for row in tmp_store.stories())
    sizes = sorted(len(g) for g in groups)
    assert sizes == [1, 1, 4, 5, 5]
    valmora = next(g for g in groups if "Dockworkers " in g)
    assert len(valmora) == 5


def test_seeds_and_demo_do_not_mix(tmp_store, ingest, seed_files, demo_dir):
    ingest(*seed_files, demo_dir)
    for row in tmp_store.stories():
        origins = {tmp_store.article(a).origin for a in row.story.article_ids}
        from_seeds = {o for o in origins if "/seeds/" in o}
        assert not from_seeds or from_seeds == origins


def test_same_input_same_ids(tmp_path, seed_files, demo_dir):
    outcomes = []
    for name in ("one.db", "two.db"):
        with Store(tmp_path / name) as store:
            Pipeline(store).run([*seed_files, demo_dir])
            outcomes.append(sorted((row.id, tuple(row.story.article_ids)) for row in store.stories()))
    assert outcomes[0] == outcomes[1]


def test_summary_citations_resolve_to_their_sentence(tmp_store, ingest, seed_files, demo_dir):
    ingest(*seed_files, demo_dir)
    checked = 0
    for row in tmp_store.stories():
        summary = tmp_store.summary(row.id)
        assert summary is not None and 1 <= len(summary.sentences) <= StorylineConfig().summarize.max_sentences
        for sentence in summary.sentences:
            assert sentence.citations
            # the primary citation is the sentence itself; an edited copy (variant) is nearly the same text
            assert [c.kind for c in sentence.citations].count("exact") >= 1
            for citation in sentence.citations:
                cited = tmp_store.article(citation.article_id).text[citation.start:citation.end]
                if citation.kind == "exact":
                    assert cited == sentence.text
                else:
                    assert citation.kind == "variant"
                    assert SequenceMatcher(None, tokenize(cited), tokenize(sentence.text)).ratio() >= 0.6
                checked += 1
    assert checked > 20


def test_wire_sentence_cites_every_carrier_once(tmp_store, ingest, demo_dir):
    ingest(demo_dir)
    multi = [s for row in tmp_store.stories() for s in tmp_store.summary(row.id).sentences if len(s.citations) > 1]
    assert multi, "the Continental Wire passage should give a sentence cited by several outlets"
    texts = [s.text for row in tmp_store.stories() for s in tmp_store.summary(row.id).sentences]
    assert len(texts) == len(set(texts))


def test_killed_ingest_resumes_to_the_same_result(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(300):
        (corpus / f"doc{i:03}.txt").write_text(ARTICLE.replace("old river bridge", f"bridge number {i}") +
                                               f"\nThe repair of bridge {i} will cost {i * 7} thousand.\n")
    db = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    command = [sys.executable, "-m", "storyline", "ingest", str(corpus), "--db", str(db), "--json"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        if db.exists():
            with Store(db) as store:
                if store.count_articles() >= 20:
                    break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Store(db) as store:
        assert store.integrity_ok()
        partial = store.count_articles()
    assert partial < 300, "the process finished before it could be killed; make the corpus larger"
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    with Store(db) as store:
        assert store.count_articles() == 300
        assert store.articles(unassigned=True) == []
        assert store.failures() == []
