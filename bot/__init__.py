"""Crossroads: a Discord bot that helps members choose between AI Engineering and ML Engineering."""

__version__ = "0.1.0"
