"""Embeds, views and buttons shared by the cogs. Discord's limits are enforced here (see limits.py)."""
