-- Knowledge-base entries a server's admins write from Discord, layered over the shipped files.
-- Editors are stored as editor_id (not user_id): an admin's entries are the server's content,
-- not member data; /mydata delete clears the editor's id from kb_history instead.

CREATE TABLE kb_entries (
    guild_id    INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    body        TEXT NOT NULL,                 -- JSON: the entry in the content-file format, plus links
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    PRIMARY KEY (guild_id, entry_id)
);

-- A server's changes to a shipped entry: hidden for this server, or extra question phrasings.
CREATE TABLE kb_shipped_changes (
    guild_id    INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    hidden      INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    questions   TEXT NOT NULL DEFAULT '[]',    -- JSON list of phrasings added for this server
    updated_at  REAL NOT NULL,
    PRIMARY KEY (guild_id, entry_id)
);

CREATE TABLE kb_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    action      TEXT NOT NULL,                 -- added | edited | deleted | hidden | shown | phrasing
    detail      TEXT NOT NULL DEFAULT '',
    editor_id   INTEGER,                       -- NULL once the editor asked /mydata delete
    changed_at  REAL NOT NULL
);

CREATE INDEX kb_history_entry ON kb_history (guild_id, entry_id, changed_at);
CREATE INDEX kb_history_editor ON kb_history (editor_id);

-- Questions an admin answered from /kb unanswered: asked before resolved_at, they leave the list.
CREATE TABLE kb_resolved (
    guild_id     INTEGER NOT NULL,
    normalized   TEXT NOT NULL,
    entry_id     TEXT NOT NULL,
    resolved_at  REAL NOT NULL,
    PRIMARY KEY (guild_id, normalized)
);

-- The role (besides Manage Server) whose members may teach the bot in a server.
CREATE TABLE kb_editors (
    guild_id    INTEGER PRIMARY KEY,
    role_id     INTEGER,
    updated_at  REAL NOT NULL
);
