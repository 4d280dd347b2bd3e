"""Counts and lists in words: the one place that says "1 priority", "3 priorities",
"1 working day", "A, B and C" and "the two integrated care boards".

Every template (as Jinja filters, see :data:`FILTERS`) and every message uses these helpers,
so no sentence is pluralised by hand. Unknown values (:class:`masa_docs.model.base.NotKnown`)
are never counted: the helpers refuse them, and the templates say "not known" instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from decimal import Decimal
from typing import Any

#: Plurals that do not follow the spelling rules below (singular -> plural).
IRREGULAR: dict[str, str] = {
    "child": "children",
    "person": "people",
    "woman": "women",
    "man": "men",
    "staff": "staff",
    "criteria": "criteria",
    "criterion": "criteria",
    "data": "data",
    "information": "information",
    "is": "are",
    "was": "were",
    "has": "have",
    "this": "these",
}

#: Small numbers written as words ("the two integrated care boards").
NUMBER_WORDS: tuple[str, ...] = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def _plural_word(word: str) -> str:
    lower = word.lower()
    if lower in IRREGULAR:
        out = IRREGULAR[lower]
        return out[:1].upper() + out[1:] if word[:1].isupper() else out
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def plural(noun: str, plural_form: str | None = None) -> str:
    """The plural of ``noun``: 'priority' -> 'priorities', 'working day' -> 'working days',
    'local authority area' -> 'local authority areas'. Only the last word changes; give
    ``plural_form`` for anything the rules get wrong."""
    if plural_form:
        return plural_form
    head, _, last = noun.rpartition(" ")
    return f"{head} {_plural_word(last)}" if head else _plural_word(last)


def _number(n: Any) -> int | Decimal:
    from .model.base import NotKnown

    if isinstance(n, NotKnown):
        raise TypeError("an unknown value cannot be counted; say it is not known instead")
    if isinstance(n, Sized) and not isinstance(n, str):
        return len(n)
    if isinstance(n, bool) or not isinstance(n, int | Decimal | float):
        raise TypeError(f"cannot count {n!r}")
    return Decimal(str(n)) if isinstance(n, float) else n


def noun_for(n: Any, noun: str, plural_form: str | None = None) -> str:
    """``noun`` in the form that goes with ``n`` (a number or a collection)."""
    return noun if _number(n) == 1 else plural(noun, plural_form)


def format_count(value: int | Decimal) -> str:
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value:,f}"
    return f"{int(value):,}"


def count(n: Any, noun: str, plural_form: str | None = None, *, words: bool = False) -> str:
    """'1 priority', '3 priorities', '0 courses'; with ``words=True`` 'one priority',
    'no courses', 'two boards' (up to twelve). ``n`` may be a number or a collection."""
    value = _number(n)
    form = noun if value == 1 else plural(noun, plural_form)
    return f"{number_words(value) if words else format_count(value)} {form}"


def number_words(n: Any) -> str:
    """0..12 as words ('no', 'one', ..., 'twelve'), larger numbers as figures ('1,234')."""
    value = _number(n)
    if value == int(value) and 0 <= value < len(NUMBER_WORDS):
        return NUMBER_WORDS[int(value)]
    return format_count(value)


def and_join(items: Iterable[object], word: str = "and") -> str:
    """['A', 'B', 'C'] -> 'A, B and C'; ['A', 'B'] -> 'A and B'; ['A'] -> 'A'.

    When a name itself contains 'and' or a comma ('Northmere and Eastvale Hospitals'), the
    names are separated by semicolons so the list cannot be misread: 'A; B and C; and D'."""
    names = [str(i) for i in items]
    if len(names) <= 1:
        return "".join(names)
    if any(f" {word} " in n or "," in n for n in names):
        return f"{'; '.join(names[:-1])}; {word} {names[-1]}"
    return f"{', '.join(names[:-1])} {word} {names[-1]}"


def or_join(items: Iterable[object]) -> str:
    """['A', 'B', 'C'] -> 'A, B or C'."""
    return and_join(items, "or")


def the_count(n: Any, noun: str, plural_form: str | None = None) -> str:
    """'the integrated care board' for one, 'the two integrated care boards' for two."""
    value = _number(n)
    if value == 1:
        return f"the {noun}"
    return f"the {number_words(value)} {plural(noun, plural_form)}"


def verb_for(n: Any, singular: str, plural_form: str | None = None) -> str:
    """'is'/'are', 'was'/'were', 'has'/'have' (or any verb pair) for ``n``."""
    return singular if _number(n) == 1 else plural(singular, plural_form)


#: Jinja filters for every template (HTML and Word):
#: ``{{ n | counted("priority") }}``, ``{{ names | and_join }}``,
#: ``{{ icbs | the_count("integrated care board") }}``,
#: ``{{ "stage" | plural }}``, ``{{ n | noun_for("stage") }}``, ``{{ n | number_words }}``,
#: ``{{ n | verb_for("is") }}``.
FILTERS: dict[str, Any] = {
    "counted": count,
    "plural": plural,
    "noun_for": noun_for,
    "and_join": and_join,
    "or_join": or_join,
    "the_count": the_count,
    "number_words": number_words,
    "verb_for": verb_for,
}

__all__ = [
    "FILTERS",
    "and_join",
    "count",
    "noun_for",
    "number_words",
    "or_join",
    "plural",
    "the_count",
    "verb_for",
]
