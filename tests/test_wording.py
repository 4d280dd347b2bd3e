"""The wording helper: counts, plurals and lists, used by every template and message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from masa_docs.model.base import NotKnown
from masa_docs.render.context import format_money
from masa_docs.render.html import environment
from masa_docs.wording import and_join, count, noun_for, number_words, plural, the_count, verb_for


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("priority", "priorities"),
        ("working day", "working days"),
        ("line", "lines"),
        ("local authority area", "local authority areas"),
        ("integrated care board", "integrated care boards"),
        ("person", "people"),
        ("child", "children"),
        ("box", "boxes"),
        ("agency", "agencies"),
        ("survey", "surveys"),
    ],
)
def test_plural(noun: str, expected: str) -> None:
    assert plural(noun) == expected


def test_an_irregular_plural_can_be_given() -> None:
    assert plural("chief officer of police", "chief officers of police") == "chief officers of police"
    assert count(2, "chief officer of police", "chief officers of police") == "2 chief officers of police"


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (1, "priority", "1 priority"),
        (3, "priority", "3 priorities"),
        (0, "course", "0 courses"),
        (1, "working day", "1 working day"),
        (2, "working day", "2 working days"),
        (1234, "person", "1,234 people"),
        (["a"], "line", "1 line"),
        (["a", "b", "c"], "line", "3 lines"),
        (Decimal("1"), "day", "1 day"),
    ],
)
def test_count(n: object, noun: str, expected: str) -> None:
    assert count(n, noun) == expected


def test_count_in_words() -> None:
    assert count(2, "board", words=True) == "two boards"
    assert count(0, "review", words=True) == "no reviews"
    assert count(1, "area", words=True) == "one area"
    assert count(13, "area", words=True) == "13 areas"
    assert number_words(12) == "twelve"


@pytest.mark.parametrize(
    ("items", "expected"),
    [([], ""), (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C")],
)
def test_and_join(items: list[str], expected: str) -> None:
    assert and_join(items) == expected


def test_names_that_contain_and_are_kept_apart() -> None:
    names = ["NHS Foundation Trust", "Northmere and Eastvale Hospitals", "Probation Service"]
    assert and_join(names) == "NHS Foundation Trust; Northmere and Eastvale Hospitals; and Probation Service"


def test_the_count_names_one_or_counts_several() -> None:
    assert the_count(1, "integrated care board") == "the integrated care board"
    assert the_count(["x", "y"], "integrated care board") == "the two integrated care boards"


def test_verb_and_noun_agree_with_the_count() -> None:
    assert verb_for(1, "is") == "is" and verb_for(2, "is") == "are"
    assert verb_for([1], "has") == "has" and verb_for([], "has") == "have"
    assert noun_for([1, 2], "contribution") == "contributions"


def test_an_unknown_value_is_never_counted() -> None:
    with pytest.raises(TypeError, match="not known"):
        count(NotKnown(unknown="not published"), "review")


def test_money_never_prints_negative_zero() -> None:
    assert format_money(Decimal("-0.00")) == "£0"
    assert format_money(Decimal("-0.4")) == "-£0.40" and format_money(Decimal("-0.4"), pence=False) == "£0"
    assert format_money(Decimal("-12.50")) == "-£12.50"
    assert format_money(NotKnown(unknown="not published")) == "Not known (not published)"
    assert format_money(NotKnown(unknown=True)) == "Not known"


def test_the_filters_reach_the_templates() -> None:
    env = environment()
    tpl = env.from_string(
        "{{ items | counted('priority') }}; {{ names | and_join }}; "
        "{{ icbs | the_count('integrated care board') }}; {{ x is unknown }}"
    )
    out = tpl.render(items=[1], names=["A", "B", "C"], icbs=[1, 2], x=NotKnown(unknown=True))
    assert out == "1 priority; A, B and C; the two integrated care boards; True"
