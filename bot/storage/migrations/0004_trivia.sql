-- Channel trivia games: the game's state (plan, current question, deadline) and every answer with
-- its time, so a game resumes after a restart; per-member results per game for the leaderboard.

ALTER TABLE guild_config ADD COLUMN trivia_role_id INTEGER;
ALTER TABLE guild_config ADD COLUMN trivia_seconds INTEGER NOT NULL DEFAULT 20 CHECK (trivia_seconds >= 10);

CREATE TABLE trivia_games (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id            INTEGER NOT NULL,
    channel_id          INTEGER NOT NULL,
    starter_id          INTEGER,                   -- NULL once the starter deleted their data
    plan                TEXT NOT NULL,             -- JSON: the knowledge-check plan, fixed at start
    seconds             INTEGER NOT NULL CHECK (seconds >= 10),
    time_scale          REAL NOT NULL DEFAULT 1.0, -- wall-clock seconds per game second (1 in production)
    status              TEXT NOT NULL DEFAULT 'running'
                        CHECK (status IN ('running', 'finished', 'stopped', 'idle')),
    position            INTEGER NOT NULL DEFAULT 0,
    phase               TEXT NOT NULL DEFAULT 'asking' CHECK (phase IN ('asking', 'pause')),
    deadline            REAL,
    question_started_at REAL,
    message_id          INTEGER,
    quiet_streak        INTEGER NOT NULL DEFAULT 0,
    started_at          REAL NOT NULL,
    finished_at         REAL,
    announced           INTEGER NOT NULL DEFAULT 0 CHECK (announced IN (0, 1))  -- scoreboard posted
);

CREATE UNIQUE INDEX trivia_games_one_per_channel ON trivia_games (channel_id) WHERE status = 'running';
CREATE INDEX trivia_games_status ON trivia_games (status, announced);

CREATE TABLE trivia_answers (
    game_id     INTEGER NOT NULL REFERENCES trivia_games (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    choice_id   TEXT NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    points      INTEGER NOT NULL,
    elapsed     REAL NOT NULL,                     -- seconds after the question appeared
    answered_at REAL NOT NULL,
    PRIMARY KEY (game_id, position, user_id)
);

CREATE INDEX trivia_answers_user ON trivia_answers (user_id);

CREATE TABLE trivia_results (
    game_id   INTEGER NOT NULL REFERENCES trivia_games (id) ON DELETE CASCADE,
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    points    INTEGER NOT NULL,
    correct   INTEGER NOT NULL,
    answered  INTEGER NOT NULL,
    place     INTEGER NOT NULL,
    won       INTEGER NOT NULL CHECK (won IN (0, 1)),
    played_at REAL NOT NULL,
    PRIMARY KEY (game_id, user_id)
);

CREATE INDEX trivia_results_guild ON trivia_results (guild_id, user_id);
CREATE INDEX trivia_results_user ON trivia_results (user_id);
