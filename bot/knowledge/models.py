"""The shape of the knowledge-base files, validated with pydantic.

A knowledge file is a YAML mapping with an ``entries`` list, a ``profiles`` list, or both.

* An **entry** answers one kind of question: an id, a title, the ways members phrase the
  question, aliases and tags that help the matcher, an answer in Discord markdown, the ids of
  related entries, and optionally a category (the file's ``category:`` unless the entry names its
  own) and link buttons (label and https URL) that a server fills in for its own resources.
* A **profile** describes one of the two roles (``ai`` or ``ml``) in structured fields, for the
  ``/role`` card and the ``/compare`` table.

Ids are short lowercase slugs without colons, because they travel in button custom_ids
(``faq:<entry id>``), whose length Discord caps at 100 characters.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from bot import limits

ENTRY_ID_MAX = 60
TITLE_MAX = 100  # a title is also an autocomplete choice name and (clipped) a button label
PHRASING_MAX = limits.CHOICE_NAME
# An answer longer than one embed description is split over several embeds of one message, so the
# whole answer, its title and the quoted question must fit Discord's 6000-character message total.
ANSWER_MAX = 5000
TAG_MAX = 40
PROFILE_ITEM_MAX = 200
PROFILE_TEXT_MAX = 900  # one embed field value (1024) with room for a heading
PROFILE_LIST_MAX = 12
CATEGORY_MAX = 60
LINKS_MAX = limits.BUTTONS_PER_ROW  # one row of link buttons under the answer
URL_MAX = 512  # Discord's limit for a link button's URL
CARD_TOTAL_MAX = limits.EMBED_TOTAL - 500  # leave room for the title, footer and labels

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=ENTRY_ID_MAX)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX)]
Phrasing = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PHRASING_MAX)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TAG_MAX)]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ANSWER_MAX)]
Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PROFILE_ITEM_MAX)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=PROFILE_TEXT_MAX)]
Items = Annotated[list[Item], Field(min_length=1, max_length=PROFILE_LIST_MAX)]

Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CATEGORY_MAX)]
LinkLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.BUTTON_LABEL)]

RoleKey = Literal["ai", "ml"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Link(_Strict):
    """A link button under an answer: a label and an https URL."""

    label: LinkLabel
    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=URL_MAX)]

    @field_validator("url")
    @classmethod
    def _https(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or " " in url:
            raise ValueError("must be a full https:// address, e.g. https://example.org/page")
        return url


class Entry(_Strict):
    """One answer in the knowledge base."""

    id: Slug
    title: Title
    questions: Annotated[list[Phrasing], Field(min_length=1)]
    aliases: list[Phrasing] = []
    tags: list[Tag] = []
    answer: AnswerText
    related: list[Slug] = []
    category: Category | None = None
    links: Annotated[list[Link], Field(max_length=LINKS_MAX)] = []

    @model_validator(mode="after")
    def _not_related_to_itself(self) -> Entry:
        if self.id in self.related:
            raise ValueError("an entry cannot list itself as related")
        if len(set(self.related)) != len(self.related):
            raise ValueError("related lists an entry more than once")
        return self

    def phrasings(self) -> list[str]:
        """Every way of naming this entry: its title, question phrasings and aliases."""
        return [self.title, *self.questions, *self.aliases]


class Salary(_Strict):
    """A yearly base-salary range in whole currency units."""

    low: int = Field(gt=0)
    high: int = Field(gt=0)
    currency: Literal["USD"] = "USD"
    note: Item | None = None
    scope: Item | None = None  # what the figures are and are not (where, which kind of pay)

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.low > self.high:
            raise ValueError("low must not be above high")
        return self

    def label(self) -> str:
        """The range as members read it, e.g. ``$110k–$160k``."""
        return f"${self.low // 1000}k–${self.high // 1000}k"


class RoleProfile(_Strict):
    """One of the two careers, in structured fields."""

    key: RoleKey
    name: Title
    entry: Slug  # the entry that introduces this role in free text
    summary: Text
    builds: Items
    daily_work: Items
    skills: Items
    tools: Items
    salary: Salary
    entry_paths: Items
    where_jobs: Items
    lifecycle_focus: Items
    switching: Items
    suits: Text

    @field_validator(
        "builds", "daily_work", "skills", "tools", "entry_paths", "where_jobs", "lifecycle_focus", "switching"
    )
    @classmethod
    def _fits_one_field(cls, items: list[str]) -> list[str]:
        length = len(bullets(items))
        if length > PROFILE_TEXT_MAX:
            raise ValueError(
                f"the list is {length} characters as bullets; keep it under {PROFILE_TEXT_MAX} to fit one embed field"
            )
        return items

    @model_validator(mode="after")
    def _fits_one_card(self) -> RoleProfile:
        if self.card_length() > CARD_TOTAL_MAX:
            length = self.card_length()
            raise ValueError(f"the profile is {length} characters in all; keep it under {CARD_TOTAL_MAX} for one embed")
        return self

    def card_length(self) -> int:
        """Characters this profile puts into an embed (fields joined as bullet lists)."""
        lists = (
            self.builds,
            self.daily_work,
            self.skills,
            self.tools,
            self.entry_paths,
            self.where_jobs,
            self.lifecycle_focus,
            self.switching,
        )
        return (
            len(self.name)
            + len(self.summary)
            + len(self.suits)
            + sum(len(bullets(items)) for items in lists)
            + len(self.salary.label())
            + len(self.salary.note or "")
            + len(self.salary.scope or "")
        )


def bullets(items: list[str]) -> str:
    """A list as Discord markdown bullets, one a line."""
    return "\n".join(f"• {item}" for item in items)
