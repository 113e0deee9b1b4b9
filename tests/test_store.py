import pytest

from storyline import NotFoundError, Store, StoreError
from storyline.store.schema import SCHEMA_VERSION


def test_migrated_wal_and_foreign_keys(tmp_store):
    assert tmp_store.schema_version() == SCHEMA_VERSION
    assert tmp_store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert tmp_store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_close_twice_and_use_after_close(tmp_path):
    store = Store(tmp_path / "x.db")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count_articles()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    with Store(path) as store:
        store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_transaction_rolls_back_on_error(tmp_store):
    with pytest.raises(RuntimeError), tmp_store.transaction() as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        raise RuntimeError("boom")
    assert tmp_store.db.execute("SELECT count(*) FROM meta WHERE key = 'k'").fetchone()[0] == 0


def test_search_and_not_found(tmp_store, ingest, seed_files):
    ingest(*seed_files)
    hits = tmp_store.search("Amerli siege")
    assert hits and hits[0][0].title == "US and Iran Unlikely Allies in Iraq Battle"
    assert "[" in hits[0][1]
    assert tmp_store.search('"; DROP TABLE articles; --') == []
    assert tmp_store.search("") == []
    with pytest.raises(NotFoundError):
        tmp_store.article("a-nope")
    with pytest.raises(NotFoundError):
        tmp_store.story("s-nope")
