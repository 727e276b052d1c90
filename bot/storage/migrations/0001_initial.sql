-- Crossroads schema, version 1. Times are Unix epoch seconds (REAL, UTC).

CREATE TABLE guild_config (
    guild_id          INTEGER PRIMARY KEY,
    ai_role_id        INTEGER,
    ml_role_id        INTEGER,
    role_rewards      INTEGER NOT NULL DEFAULT 1 CHECK (role_rewards IN (0, 1)),
    quiz_expiry_hours INTEGER NOT NULL DEFAULT 24 CHECK (quiz_expiry_hours > 0),
    ask_private       INTEGER NOT NULL DEFAULT 0 CHECK (ask_private IN (0, 1)),
    updated_at        REAL NOT NULL
);

CREATE TABLE quiz_sessions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER,                       -- server the quiz was started from; NULL from a DM
    user_id       INTEGER NOT NULL,
    quiz_id       TEXT NOT NULL,
    quiz_version  TEXT NOT NULL,                 -- content hash of the quiz the session started with
    seed          INTEGER NOT NULL,
    plan          TEXT NOT NULL,                 -- JSON: question ids and choice order, fixed at start
    delivery      TEXT NOT NULL DEFAULT 'dm' CHECK (delivery IN ('dm', 'ephemeral')),
    status        TEXT NOT NULL DEFAULT 'in_progress'
                  CHECK (status IN ('in_progress', 'completed', 'cancelled', 'expired')),
    position      INTEGER NOT NULL DEFAULT 0,
    started_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    finished_at   REAL,
    result        TEXT,                          -- JSON summary written on completion
    path_result   TEXT,                          -- 'ai' | 'ml' | 'balanced' for the path finder
    score         INTEGER,                       -- correct answers in a knowledge check
    total         INTEGER
);

CREATE UNIQUE INDEX quiz_sessions_one_active
    ON quiz_sessions (user_id, quiz_id) WHERE status = 'in_progress';
CREATE INDEX quiz_sessions_guild ON quiz_sessions (guild_id, quiz_id, status);

CREATE TABLE quiz_answers (
    session_id   INTEGER NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL,
    choice_id    TEXT NOT NULL,
    correct      INTEGER CHECK (correct IN (0, 1)),  -- NULL where a question has no right answer
    answered_at  REAL NOT NULL,
    PRIMARY KEY (session_id, question_id)
);

CREATE TABLE ask_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER,
    user_id     INTEGER NOT NULL,
    command     TEXT NOT NULL DEFAULT 'ask',     -- 'ask' | 'faq' | 'suggestion'
    question    TEXT NOT NULL,
    normalized  TEXT NOT NULL,
    entry_id    TEXT,
    score       REAL NOT NULL,
    matched     INTEGER NOT NULL CHECK (matched IN (0, 1)),
    asked_at    REAL NOT NULL
);

CREATE INDEX ask_log_guild_time ON ask_log (guild_id, asked_at);
CREATE INDEX ask_log_user ON ask_log (user_id);
