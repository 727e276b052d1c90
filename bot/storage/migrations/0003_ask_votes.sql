-- Members' votes on answers: "Helpful" or "Not what I asked", one per member per answer,
-- changeable. A vote belongs to the member who cast it (user_id) and to the logged question it
-- judges; deleting that question (its asker's /mydata delete) deletes the votes on it.
CREATE TABLE ask_votes (
    ask_id    INTEGER NOT NULL REFERENCES ask_log (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    guild_id  INTEGER,
    helpful   INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    voted_at  REAL NOT NULL,
    PRIMARY KEY (ask_id, user_id)
);

CREATE INDEX ask_votes_user ON ask_votes (user_id);
CREATE INDEX ask_votes_guild ON ask_votes (guild_id, voted_at);
