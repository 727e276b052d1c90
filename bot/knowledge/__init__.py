"""The role knowledge base: content models, the loader and the question matcher. Never imports discord."""

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.knowledge.matcher import Hit, Match, Matcher
from bot.knowledge.models import Entry, RoleProfile

__all__ = ["Entry", "Hit", "KnowledgeBase", "Match", "Matcher", "RoleProfile", "load_knowledge"]
