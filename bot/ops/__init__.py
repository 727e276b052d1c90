"""Running Crossroads on a server: where its files live, backups, metrics and the health check."""
