-- Follows (bot/app/follows.py): the topics followed in Discord channels, and the stories already posted to each
-- channel, so that every process using this database posts a story to a channel once. Ids are Discord's
-- (64-bit); times and days are ISO 8601 text, as in the SQLite mode. `seq` keeps the order follows were made in.

CREATE TABLE follows (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    channel_id bigint NOT NULL,
    topic_key text NOT NULL,
    topic text NOT NULL,
    guild_id bigint,
    user_id bigint,
    followed_at text NOT NULL,
    since_day text NOT NULL,
    PRIMARY KEY (channel_id, topic_key)
);

CREATE TABLE posted (
    channel_id bigint NOT NULL,
    story_id text NOT NULL,
    topic text NOT NULL,
    posted_at text NOT NULL,
    PRIMARY KEY (channel_id, story_id)
);
