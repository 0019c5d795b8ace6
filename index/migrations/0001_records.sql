-- The records of an index kept in PostgreSQL: what the embedded SQLite manifest holds, for several hosts.
-- An article counts once its row in `articles` is committed; its sentences and chunks rows are written
-- before it, in the same transaction.

CREATE TABLE articles (
    id text PRIMARY KEY,
    content_hash text NOT NULL,
    title text NOT NULL,
    published_at date,
    source text NOT NULL,
    url text,
    origin text NOT NULL,
    chunks integer NOT NULL,
    indexed_at text NOT NULL
);
CREATE INDEX articles_origin ON articles (origin);

-- The vectors of each article's citable sentences (float16) and their offsets (int32 pairs).
CREATE TABLE sentences (
    article_id text PRIMARY KEY,
    content_hash text NOT NULL,
    spans bytea NOT NULL,
    vectors bytea NOT NULL
);

-- A chunk's keyword terms: the project's stems of its article's title and its text (index/keyword.py), each
-- with its positions, so that a term's frequency is the number of its positions; `length` counts them all.
CREATE TABLE chunks (
    article_id text NOT NULL,
    position integer NOT NULL,
    stems tsvector NOT NULL,
    length integer NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX chunks_stems ON chunks USING gin (stems);

-- What BM25 needs beyond a chunk's own terms, kept in step with `chunks` by the triggers below, in the
-- transaction that writes them: in how many chunks each term occurs, and how many chunks and terms there are.
CREATE TABLE terms (
    term text PRIMARY KEY,
    chunks integer NOT NULL
);
CREATE TABLE totals (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    chunks bigint NOT NULL,
    tokens bigint NOT NULL
);
INSERT INTO totals VALUES (true, 0, 0);

CREATE FUNCTION chunks_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO terms (term, chunks)
        SELECT u.lexeme, count(*) FROM added, unnest(added.stems) AS u GROUP BY u.lexeme
        ON CONFLICT (term) DO UPDATE SET chunks = terms.chunks + excluded.chunks;
    UPDATE totals SET chunks = totals.chunks + s.n, tokens = totals.tokens + s.tokens
        FROM (SELECT count(*) AS n, coalesce(sum(length), 0) AS tokens FROM added) AS s;
    RETURN NULL;
END $$;
CREATE TRIGGER chunks_added AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION chunks_added();

CREATE FUNCTION chunks_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE terms SET chunks = terms.chunks - g.n
        FROM (SELECT u.lexeme, count(*) AS n FROM removed, unnest(removed.stems) AS u GROUP BY u.lexeme) AS g
        WHERE terms.term = g.lexeme;
    DELETE FROM terms WHERE chunks <= 0 AND term IN (SELECT u.lexeme FROM removed, unnest(removed.stems) AS u);
    UPDATE totals SET chunks = totals.chunks - s.n, tokens = totals.tokens - s.tokens
        FROM (SELECT count(*) AS n, coalesce(sum(length), 0) AS tokens FROM removed) AS s;
    RETURN NULL;
END $$;
CREATE TRIGGER chunks_removed AFTER DELETE ON chunks
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION chunks_removed();

-- A number bumped by every change of the indexed content, so that readers know when to read the rows again.
CREATE TABLE meta (
    key text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO meta VALUES ('generation', 0);

-- Who holds the writer lock (a PostgreSQL advisory lock), and since when; removed on release, so a row left
-- while the lock is free says that a run was killed.
CREATE TABLE writer (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    pid integer NOT NULL,
    host text NOT NULL,
    command text NOT NULL,
    since text NOT NULL
);

-- The chunk store whose chunks these rows describe (a Chroma server and collection), set by the first writer:
-- rows checked against another store would be taken for damage and forgotten.
CREATE TABLE store (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    location text NOT NULL
);
