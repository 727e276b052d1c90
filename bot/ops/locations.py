"""Where Crossroads finds its content and keeps its database when CONTENT_DIR and DATABASE_PATH
are not set.

Started from a checkout (the current folder has data/knowledge), it keeps the checkout's layout:
content in data/, the database at data/crossroads.db. Anywhere else it reads the content shipped
inside the package and keeps the database in the per-user data folder (platformdirs).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path

import platformdirs

APP_NAME = "crossroads"
CHECKOUT_DATA = Path("data")
DATABASE_NAME = "crossroads.db"


def in_checkout(cwd: Path | None = None) -> bool:
    """Whether the current folder is a Crossroads checkout (it has data/knowledge)."""
    return ((cwd or Path.cwd()) / CHECKOUT_DATA / "knowledge").is_dir()


def shipped_content_dir() -> Path:
    """The content that comes with this installation: bot.defaultdata in a wheel, data/ beside
    the source when bot is imported straight from a checkout."""
    # data/ has no __init__.py, so bot.defaultdata is a namespace package: ask for its folder.
    spec = importlib.util.find_spec("bot.defaultdata")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if locations:
        return Path(locations[0])
    return Path(__file__).resolve().parents[2] / CHECKOUT_DATA


def default_content_dir() -> Path:
    return CHECKOUT_DATA if in_checkout() else shipped_content_dir()


def user_database_path() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DATABASE_NAME


def default_database_path() -> Path:
    return CHECKOUT_DATA / DATABASE_NAME if in_checkout() else user_database_path()


def version() -> str:
    """The installed distribution's version (pyproject.toml's, in an editable install too)."""
    try:
        return importlib.metadata.version(APP_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"
