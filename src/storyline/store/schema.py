"""The SQLite schema, as numbered migrations.

``PRAGMA user_version`` holds the number of migrations applied. A migration is applied in one
transaction together with the version bump, so a crash leaves either the old or the new schema.
Add a migration at the end; never edit one that has shipped.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_V1 = """
CREATE TABLE raw_documents (
    sha256       TEXT PRIMARY KEY,
    origin       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    fetched_at   TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content      BLOB NOT NULL,          -- zlib-compressed original bytes
    metadata     TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE stories (
    id          TEXT PRIMARY KEY,
    label       TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '[]',
    centroid    TEXT NOT NULL DEFAULT '{}',
    named       TEXT NOT NULL DEFAULT '{}',
    size        INTEGER NOT NULL DEFAULT 0,
    first_seen  TEXT,
    last_seen   TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE articles (
    id                TEXT PRIMARY KEY,
    raw_sha256        TEXT NOT NULL UNIQUE REFERENCES raw_documents(sha256),
    origin            TEXT NOT NULL,
    source_id         TEXT,
    url               TEXT,
    outlet            TEXT,
    title             TEXT,
    authors           TEXT NOT NULL DEFAULT '[]',
    date_value        TEXT,
    date_precision    TEXT,
    date_inferred     INTEGER,
    date_source       TEXT,
    day               TEXT,               -- calendar day of date_value, for ordering and windows
    language          TEXT,
    text              TEXT NOT NULL,
    paragraphs        TEXT NOT NULL,      -- JSON [[start, end], ...]
    sentences         TEXT NOT NULL,      -- JSON [[start, end], ...]
    credits           TEXT NOT NULL DEFAULT '[]',
    extraction_method TEXT NOT NULL,
    warnings          TEXT NOT NULL DEFAULT '[]',
    story_id          TEXT REFERENCES stories(id),
    ingested_at       TEXT NOT NULL
);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_day ON articles(day);

CREATE TABLE failures (
    id          INTEGER PRIMARY KEY,
    origin      TEXT NOT NULL,
    sha256      TEXT,
    stage       TEXT NOT NULL,
    error_type  TEXT NOT NULL,
    message     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (origin, stage, message)
);

CREATE TABLE summaries (
    subject_id  TEXT PRIMARY KEY,
    method      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE summary_sentences (
    subject_id  TEXT NOT NULL REFERENCES summaries(subject_id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (subject_id, position)
);
CREATE TABLE citations (
    subject_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    article_id  TEXT NOT NULL REFERENCES articles(id),
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    FOREIGN KEY (subject_id, position) REFERENCES summary_sentences(subject_id, position) ON DELETE CASCADE
);
CREATE INDEX citations_subject ON citations(subject_id, position);

CREATE TABLE term_stats (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, coalesce(new.title, ''), new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, coalesce(old.title, ''), old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, coalesce(old.title, ''), old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, coalesce(new.title, ''), new.text);
END;
"""

# Sources: feed validators, items already seen, and watch-mode health (back-off) per source.
_V2_SOURCES = """
CREATE TABLE sources (
    ref           TEXT PRIMARY KEY,       -- URL or path, as named by the user
    kind          TEXT NOT NULL,          -- path, warc, url
    etag          TEXT,                   -- validators for the next conditional GET (feeds)
    last_modified TEXT,
    last_attempt  TEXT,
    last_success  TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,   -- consecutive failed attempts
    next_attempt  TEXT,                   -- watch mode waits until then (back-off); NULL = next cycle
    last_error    TEXT
);
CREATE TABLE source_items (
    source   TEXT NOT NULL,               -- sources.ref
    item     TEXT NOT NULL,               -- feed entry id, page URL, or file path|size|mtime
    seen_at  TEXT NOT NULL,
    PRIMARY KEY (source, item)
) WITHOUT ROWID;
"""

# Event clustering state and storylines (issue #6). ``cluster_state`` holds the exact state of the
# active window (closed stories have no row); merged stories are deleted from ``stories`` and
# recorded in ``story_merges``; a storyline merged into another keeps its row (``merged_into``).
_V_STORYLINES = """
CREATE TABLE cluster_state (
    story_id   TEXT PRIMARY KEY,
    vector     TEXT NOT NULL,        -- JSON {feature: weight}: the story's summed article vectors
    norm       REAL NOT NULL,
    size       INTEGER NOT NULL,
    founded    INTEGER NOT NULL,     -- stream position of its first article
    last_tick  INTEGER NOT NULL,     -- stream position of its latest article
    first_day  INTEGER,              -- date ordinals
    last_day   INTEGER,
    label      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE story_merges (
    id          INTEGER PRIMARY KEY,
    survivor    TEXT NOT NULL,
    absorbed    TEXT NOT NULL,
    similarity  REAL NOT NULL,
    tick        INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE storylines (
    id           TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL,   -- creation order: the older storyline survives a merge
    label        TEXT NOT NULL DEFAULT '',
    merged_into  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE TABLE storyline_stories (
    story_id      TEXT PRIMARY KEY,
    storyline_id  TEXT NOT NULL REFERENCES storylines(id),
    added_at      TEXT NOT NULL
);
CREATE INDEX storyline_stories_line ON storyline_stories(storyline_id);
CREATE TABLE storyline_events (
    id            INTEGER PRIMARY KEY,
    storyline_id  TEXT NOT NULL REFERENCES storylines(id),
    kind          TEXT NOT NULL,
    detail        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX storyline_events_line ON storyline_events(storyline_id);
CREATE TABLE story_links (
    a      TEXT NOT NULL,
    b      TEXT NOT NULL,
    score  REAL NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX story_links_b ON story_links(b);
"""

# Why the extraction method won (extraction cascade, issue 4).
_V4_EXTRACTION_REASON = """
ALTER TABLE articles ADD COLUMN extraction_reason TEXT NOT NULL DEFAULT '';
"""

# actors, quotes, claims and stances (storyline.nlp): per-article annotations, then per-story
# resolution into entities with their mentions, speakers and stance evidence
_V5_NLP = """
CREATE TABLE nlp_articles (
    article_id  TEXT PRIMARY KEY REFERENCES articles(id),
    method      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE name_mentions (
    article_id  TEXT NOT NULL REFERENCES articles(id),
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    label       TEXT NOT NULL,
    role        TEXT,
    titles      TEXT NOT NULL DEFAULT '[]',
    source      TEXT NOT NULL,
    canonical   TEXT,
    PRIMARY KEY (article_id, start, end)
);
CREATE TABLE quotes (
    id              INTEGER PRIMARY KEY,
    article_id      TEXT NOT NULL REFERENCES articles(id),
    start           INTEGER NOT NULL,
    end             INTEGER NOT NULL,
    parts           TEXT NOT NULL,      -- JSON [[start, end], ...]
    text            TEXT NOT NULL,
    direct          INTEGER NOT NULL,
    cue             TEXT,
    cue_start       INTEGER,
    cue_end         INTEGER,
    speaker         TEXT,
    speaker_start   INTEGER,
    speaker_end     INTEGER,
    ref_start       INTEGER,
    ref_end         INTEGER,
    channel         TEXT,
    speaker_entity  TEXT
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker_entity);
CREATE TABLE claims (
    id            INTEGER PRIMARY KEY,
    article_id    TEXT NOT NULL REFERENCES articles(id),
    start         INTEGER NOT NULL,
    end           INTEGER NOT NULL,
    value         TEXT NOT NULL,
    low           REAL NOT NULL,
    high          REAL NOT NULL,
    measure       TEXT NOT NULL,
    unit          TEXT NOT NULL,
    places        TEXT NOT NULL DEFAULT '[]',
    status        TEXT NOT NULL,
    source        TEXT,
    status_start  INTEGER,
    status_end    INTEGER
);
CREATE INDEX claims_article ON claims(article_id);
CREATE TABLE entities (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    name        TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]',
    roles       TEXT NOT NULL DEFAULT '[]',
    updated_at  TEXT NOT NULL
);
CREATE TABLE entity_mentions (
    article_id  TEXT NOT NULL REFERENCES articles(id),
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    entity_id   TEXT NOT NULL REFERENCES entities(id),
    text        TEXT NOT NULL,
    PRIMARY KEY (article_id, start, end)
);
CREATE INDEX entity_mentions_entity ON entity_mentions(entity_id);
CREATE TABLE stances (
    article_id  TEXT NOT NULL REFERENCES articles(id),
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    actor_a     TEXT NOT NULL,
    actor_b     TEXT NOT NULL,
    relation    TEXT NOT NULL,
    facet       TEXT NOT NULL,
    weight      REAL NOT NULL,
    PRIMARY KEY (article_id, start, actor_a, actor_b, facet)
);
CREATE INDEX stances_pair ON stances(actor_a, actor_b);
"""

# Provenance: the persistent, incremental near-duplicate index (one row per document, one row per
# LSH band key; inserting a document is O(bands), a query is one index lookup per key) and the
# aligned article pairs it found. Citations gain a kind: "exact" or "variant" (an edited copy).
_V6_PROVENANCE = """
CREATE TABLE prov_docs (
    doc         INTEGER PRIMARY KEY,
    article_id  TEXT NOT NULL UNIQUE,
    text_hash   INTEGER NOT NULL,
    n_shingles  INTEGER NOT NULL,
    signature   BLOB NOT NULL              -- uint32 MinHash values, little endian
);
CREATE INDEX prov_docs_hash ON prov_docs(text_hash);
CREATE TABLE prov_doc_bands (
    key  INTEGER NOT NULL,
    doc  INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE prov_window_bands (
    key  INTEGER NOT NULL,
    doc  INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE prov_pairs (
    article_a    TEXT NOT NULL,
    article_b    TEXT NOT NULL,
    exact        INTEGER NOT NULL,
    jaccard      REAL NOT NULL,
    containment  REAL NOT NULL,
    shared_words INTEGER NOT NULL,
    alignment    TEXT NOT NULL,            -- JSON: aligned sentence pairs with kinds and spans
    created_at   TEXT NOT NULL,
    PRIMARY KEY (article_a, article_b)
);
CREATE INDEX prov_pairs_b ON prov_pairs(article_b);
ALTER TABLE citations ADD COLUMN kind TEXT NOT NULL DEFAULT 'exact';
"""

# Browsing a large store (HTTP API, web UI): stories ranked by recent activity, a story's or an
# outlet's articles by day, without scanning the tables; articles per day kept up to date by
# triggers, so the home page's activity chart does not count every article on every view.
_V_BROWSE_INDEXES = """
CREATE INDEX stories_last_seen ON stories(last_seen DESC, id);
CREATE INDEX articles_story_day ON articles(story_id, day, id);
CREATE INDEX articles_story_outlet ON articles(story_id, outlet, day, id);
CREATE INDEX articles_outlet_day ON articles(outlet, day);
CREATE TABLE article_days (
    day TEXT PRIMARY KEY,
    n   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO article_days (day, n) SELECT day, count(*) FROM articles WHERE day IS NOT NULL GROUP BY day;
CREATE TRIGGER article_days_insert AFTER INSERT ON articles WHEN new.day IS NOT NULL BEGIN
    INSERT INTO article_days (day, n) VALUES (new.day, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER article_days_delete AFTER DELETE ON articles WHEN old.day IS NOT NULL BEGIN
    UPDATE article_days SET n = n - 1 WHERE day = old.day;
    DELETE FROM article_days WHERE day = old.day AND n <= 0;
END;
CREATE TRIGGER article_days_update AFTER UPDATE OF day ON articles BEGIN
    UPDATE article_days SET n = n - 1 WHERE day = old.day;
    DELETE FROM article_days WHERE day = old.day AND n <= 0;
    INSERT INTO article_days (day, n) SELECT new.day, 1 WHERE new.day IS NOT NULL
        ON CONFLICT(day) DO UPDATE SET n = n + 1;
END;
"""

# Provenance index v2: band keys live in segments (a log-structured layout). New documents go to
# the one open segment; a full segment is sealed and never written again, and sealed segments are
# merged in key order, a few of the same level at a time, into one of the next level. An insert
# only touches the small open segment's pages, so its cost does not grow with the index. The two
# band tables become one: a key's lowest bit says which kind it is (0 document band, 1 passage
# window). Existing rows move into one sealed segment.
_V_PROVENANCE_SEGMENTS = """
CREATE TABLE prov_segments (
    seg     INTEGER PRIMARY KEY,
    level   INTEGER NOT NULL,              -- 0: filled by inserts; n: merged from level n-1 segments
    docs    INTEGER NOT NULL,
    sealed  INTEGER NOT NULL DEFAULT 0     -- 1: never written again (only merged away)
);
CREATE TABLE prov_bands (
    seg  INTEGER NOT NULL,
    key  INTEGER NOT NULL,                 -- band key, lowest bit = kind (0 document, 1 window)
    doc  INTEGER NOT NULL,
    PRIMARY KEY (seg, key, doc)
) WITHOUT ROWID;
INSERT INTO prov_segments (seg, level, docs, sealed) SELECT 1, 0, count(*), 1 FROM prov_docs HAVING count(*) > 0;
INSERT INTO prov_bands (seg, key, doc)
    SELECT 1, key & -2, doc FROM prov_doc_bands
    UNION SELECT 1, key | 1, doc FROM prov_window_bands
    ORDER BY 2, 3;
DROP TABLE prov_doc_bands;
DROP TABLE prov_window_bands;
"""

# Stories whose actors must be (re-)analysed: marked in the clustering pass's transaction, cleared
# in the transaction that stores a story's analysis, so a crash in between is finished by the next
# run instead of leaving the story without actors for good.
_V_NLP_PENDING = """
CREATE TABLE nlp_pending (
    story_id  TEXT PRIMARY KEY
) WITHOUT ROWID;
"""

# Outlet profiles for the scrape cleaner: how many of an outlet's scraped pages hold each line
# (a hash of the normalised line, so the store keeps no extra copy of page text).
_V_OUTLET_PROFILES = """
CREATE TABLE outlet_pages (
    outlet TEXT PRIMARY KEY,
    pages  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE outlet_lines (
    outlet   TEXT NOT NULL,
    line_key TEXT NOT NULL,
    pages    INTEGER NOT NULL,
    PRIMARY KEY (outlet, line_key)
) WITHOUT ROWID;
"""

# Bloom filters of sealed provenance index segments, so a query probes only the segments that may
# hold a key. A filter covers the documents of one sealed level-0 segment; merging segments moves
# their filters to the merged segment (``seg``). A segment is filtered only while its filters'
# ``docs`` add up to its own (segments sealed before this version get one filter each, built
# from their rows, by ``ProvenanceIndex.build_filters``). ``token`` tells a rewritten row apart
# from a cached one with the same id.
_V_PROVENANCE_FILTERS = """
CREATE TABLE prov_filters (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    seg     INTEGER NOT NULL,
    docs    INTEGER NOT NULL,
    hashes  INTEGER NOT NULL,
    token   INTEGER NOT NULL,
    bits    BLOB NOT NULL
);
CREATE INDEX prov_filters_seg ON prov_filters(seg);
"""

# Stories cut in two after a clustering pass (``cluster.refine``): the clusterer keeps one story, the
# store holds its parts (the second under ``<story>.2``). ``split`` records a part appearing,
# ``rejoined`` a cut that no longer holds (the part's articles went back to the story).
_V_STORY_SPLITS = """
CREATE TABLE story_splits (
    id          INTEGER PRIMARY KEY,
    story       TEXT NOT NULL,
    part        TEXT NOT NULL,
    kind        TEXT NOT NULL,        -- split, rejoined
    size        INTEGER NOT NULL,     -- articles in the part when it was cut (0 when rejoined)
    tick        INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX story_splits_story ON story_splits(story);
"""

# Quotes say what they are (``quote``, or an ``attribution`` whose content is a noun phrase, which no
# view shows as a quote) and how their speaker was found (name, pronoun, description, ..., channel).
# Earlier annotations lack both: every story is marked for NLP again so its articles are re-annotated.
_V_QUOTE_KINDS = """
ALTER TABLE quotes ADD COLUMN kind TEXT NOT NULL DEFAULT 'quote';
ALTER TABLE quotes ADD COLUMN resolved_by TEXT;
DELETE FROM nlp_articles;
INSERT OR IGNORE INTO nlp_pending (story_id) SELECT id FROM stories;
"""

# Stories the clusterer archived (closed for dated articles, still open to undated ones: issue 24).
_V_CLUSTER_ARCHIVE = """
ALTER TABLE cluster_state ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2_SOURCES, _V_STORYLINES, _V4_EXTRACTION_REASON, _V5_NLP,
                               _V6_PROVENANCE, _V_BROWSE_INDEXES, _V_PROVENANCE_SEGMENTS, _V_NLP_PENDING,
                               _V_OUTLET_PROFILES, _V_PROVENANCE_FILTERS, _V_STORY_SPLITS, _V_QUOTE_KINDS,
                               _V_CLUSTER_ARCHIVE)
SCHEMA_VERSION = len(MIGRATIONS)
