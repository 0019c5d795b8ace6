-- Stories (index/stories.py): each article's story and copy group, written, replaced and removed in the
-- transaction of its row in `articles`. Records made before this migration have none: the next indexing run
-- places their articles (index/mend_stories.py).

-- An article's story, its copy group, its date and its gist (the unit mean of its sentences' vectors, float16).
CREATE TABLE stories (
    article_id text PRIMARY KEY,
    story_id text NOT NULL,
    copy_id text NOT NULL,
    published_at date,
    gist bytea NOT NULL
);
CREATE INDEX stories_published ON stories (published_at);

-- A key (a hash of its words) for each of an article's sentences long enough to tell copies.
CREATE TABLE story_sentences (
    article_id text NOT NULL,
    key bigint NOT NULL,
    PRIMARY KEY (article_id, key)
);
CREATE INDEX story_sentences_key ON story_sentences (key);
