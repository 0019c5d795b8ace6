-- The feed cache (index/read/http.py): responses that carry a validator (ETag or Last-Modified), with their body,
-- so that the next fetch of an address by any process using this database is a conditional request. Times are
-- ISO 8601 text, as in the SQLite mode; rows not fetched for a while are removed by the fetcher.

CREATE TABLE responses (
    url text PRIMARY KEY,
    final_url text NOT NULL,
    etag text,
    last_modified text,
    content_type text NOT NULL,
    body bytea NOT NULL,
    fetched_at text NOT NULL
);
CREATE INDEX responses_fetched ON responses (fetched_at);
