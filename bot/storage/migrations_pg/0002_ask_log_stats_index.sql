-- /stats and /kb unanswered read a server's questions in a time window.
CREATE INDEX ask_log_guild_window ON ask_log (guild_id, asked_at, command, matched, score, entry_id);
