"""plain-language.yaml: the words the partnership writes for children and families.

Optional. When it is there, masa-docs builds two more documents from it: the easy-read yearly
report (``yearly-report-easy-read``, one per period listed under ``yearly_reports``) and the
short guide to the arrangements (``arrangements-summary``). Nothing in them is generated: each
sentence is written here by people, and ``masa-docs validate`` measures how easy it is to read
(:mod:`masa_docs.readability`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from .base import Email, Markdown, PeriodName, Strict, Text, Url

Phone = Annotated[
    str,
    StringConstraints(pattern=r"^\+?[0-9][0-9 ]{1,18}[0-9]$"),
    Field(description="A phone number people can call, digits and spaces only, e.g. '01632 960 111'."),
]
Number = Annotated[
    str,
    StringConstraints(pattern=r"^[£]?[0-9][0-9,.]*(%| in [0-9][0-9,]*)?$", max_length=16),
    Field(description="One number, written as it should be shown: '412', '84%', '£1,200' or '3 in 4'."),
]


class Helper(Strict):
    """Someone who helps keep children safe, in a sentence or two."""

    who: Text = Field(description="A name people know, e.g. 'Northmere Council'.")
    does: Markdown = Field(description="What they do to keep children safe, in plain words.")


class HelpContact(Strict):
    """A way to get help that works on a phone: a number to call, a website or an email."""

    name: Text = Field(description="Who you reach, e.g. 'Childline'.")
    when: Markdown = Field(description="When to use it, in plain words.")
    phone: Phone | None = Field(default=None, description="A number to call, e.g. '0800 1111'.")
    url: Url | None = Field(default=None, description="A website, e.g. 'https://www.childline.org.uk'.")
    email: Email | None = None
    hours: Text | None = Field(default=None, description="When it is open, e.g. 'Any time, day or night'.")


class GlossaryEntry(Strict):
    term: Text = Field(description="A word readers may not know, e.g. 'safeguarding'.")
    meaning: Text = Field(description="What it means, in one short sentence.")


class Highlight(Strict):
    number: Number
    text: Text = Field(description="What the number is about, e.g. 'young people told us what they think'.")


class YouSaidWeDid(Strict):
    you_said: Text
    we_did: Text


class EasyReadYear(Strict):
    """The words of one year's easy-read report (key: the report's period, e.g. '2025-26')."""

    introduction: Markdown | None = Field(default=None, description="A few sentences to start with.")
    you_said_we_did: list[YouSaidWeDid] = Field(min_length=1)
    highlights: list[Highlight] = Field(min_length=3, max_length=5)
    next_year: list[Text] = Field(min_length=1, description="What happens next year, one line each.")


class PlainLanguage(Strict):
    target_reading_age: int = Field(
        default=11,
        ge=6,
        le=18,
        description="The reading age the easy-read versions aim for (default 11).",
    )
    max_sentence_words: int = Field(
        default=20, ge=8, le=40, description="A sentence longer than this is reported (default 20)."
    )
    jargon: list[Text] = Field(
        default_factory=list,
        description="Local words readers may not know, added to the built-in list: explain them in the "
        "glossary or avoid them.",
    )
    what_we_are: Markdown = Field(description="Who we are: the partnership in a few short sentences.")
    who_keeps_children_safe: list[Helper] = Field(min_length=1)
    worried: Markdown = Field(description="What to do if you are worried about a child.")
    emergency: Text = Field(description="One sentence for when a child is in danger right now.")
    get_help: list[HelpContact] = Field(min_length=1)
    have_your_say: Markdown = Field(description="How children and families can have their say.")
    complain: Markdown = Field(description="How to complain or disagree, in plain words.")
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    yearly_reports: dict[PeriodName, EasyReadYear] = Field(
        default_factory=dict, description="The easy-read yearly report's words, per period."
    )
