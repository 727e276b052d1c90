-- Members' votes on answers, one per member per answer, deleted with the question they judge.
CREATE TABLE ask_votes (
    ask_id    BIGINT NOT NULL REFERENCES ask_log (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL,
    guild_id  BIGINT,
    helpful   INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    voted_at  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (ask_id, user_id)
);

CREATE INDEX ask_votes_user ON ask_votes (user_id);
CREATE INDEX ask_votes_guild ON ask_votes (guild_id, voted_at);
