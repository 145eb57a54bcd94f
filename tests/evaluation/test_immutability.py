"""Recorded objects cannot be changed afterwards, by their holder or by their caller (E-2..E-4).

A rating's scores were checked against the scale when it was recorded, a book's ratings for
duplicates, a frame's strata against its households. These tests try every way of changing
what is reachable from a recorded object, and every way of changing what the caller passed
in, and check that the book, the frame and the certificate are as they were.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, strategies as st

from community_governance import default_policy
from community_governance.community import Community, MemberUnit, Quarter
from community_governance.errors import EligibilityError
from community_governance.evaluation import Rating, RatingBook, SamplingFrame, draw_sample
from community_governance.vocabulary import Component, Dimension, OrganisationKind
from tests.strategies import communities, frames, ratings_for, seeds

Q3 = Quarter(2026, 3)
RULES = default_policy().at(dt.date(2026, 9, 30))


def _fields(item: object) -> tuple[attrs.Attribute[Any], ...]:
    return tuple(attrs.fields(type(item)))  # type: ignore[arg-type]


def _reachable(root: object) -> Iterator[object]:
    """Every attrs instance, mapping, list or set reachable from ``root``, once each."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, str | bytes | int | Decimal | dt.date):
            continue
        seen.add(id(item))
        yield item
        if attrs.has(type(item)):
            stack.extend(getattr(item, f.name) for f in _fields(item))
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)


def _try_to_change(item: object) -> int:
    """Attempt every mutation on ``item``; return how many succeeded (should be none)."""
    changed = 0
    if attrs.has(type(item)):
        for field in _fields(item):
            try:
                setattr(item, field.name, None)
            except (AttributeError, attrs.exceptions.FrozenInstanceError):
                continue
            changed += 1
    key = next(iter(item), "k") if isinstance(item, Mapping) else 0
    for method, args in (
        ("__setitem__", (key, 1000)),
        ("__delitem__", (key,)),
        ("clear", ()),
        ("update", ({key: 1000},)),
        ("append", (1000,)),
        ("add", (1000,)),
    ):
        try:
            getattr(item, method)(*args)
        except (AttributeError, TypeError):
            continue
        changed += 1
    return changed


@given(community=communities(), data=st.data())
def test_nothing_reachable_from_a_book_can_be_changed(community: Any, data: st.DataObject) -> None:
    """E-2, E-3: every mapping, sequence and record in a book refuses to change."""
    ratings = data.draw(ratings_for(community, Q3))
    book = RatingBook(community, Q3).record_all(ratings, RULES)
    before = copy.deepcopy(book)
    assert sum(_try_to_change(item) for item in _reachable(book)) == 0
    assert book == before


@given(community=communities(), data=st.data())
def test_the_book_keeps_a_copy_of_what_the_caller_passed(
    community: Any, data: st.DataObject
) -> None:
    """E-2, E-3: changing the caller's dicts after recording changes nothing in the book."""
    ratings = data.draw(ratings_for(community, Q3))
    book = RatingBook(community, Q3).record_all(ratings, RULES)
    before = copy.deepcopy(book)
    current = dict(book.current)
    rebuilt = RatingBook(community, Q3, current)
    current.clear()
    assert rebuilt.current == before.current
    for rating in ratings:
        scores = dict(rating.scores)
        scores.clear()
    assert book == before


@given(frame=frames(strata=True), seed=seeds)
def test_frames_and_samples_cannot_be_changed(frame: SamplingFrame, seed: int | str) -> None:
    """E-4: a frame's strata and a certificate's sample and allocation refuse to change."""
    strata = dict(frame.strata)
    copied = SamplingFrame(frame.households, strata)
    strata.clear()  # the caller's dict, changed after the frame was built
    assert copied.strata == frame.strata
    certificate = draw_sample(copied, seed, RULES, seed_source="test", stratified=True)
    before = copy.deepcopy(certificate)
    for root in (copied, certificate):
        assert sum(_try_to_change(item) for item in _reachable(root)) == 0
    assert certificate == before
    assert copied == frame


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_replace_without_a_reason_is_the_library_error(reason: str | None) -> None:
    """E-3: replace(reason=None) raises EligibilityError naming the field, not AttributeError."""
    kind = next(iter(OrganisationKind))
    community = Community("C-1", "c", [MemberUnit("A", "A", kind), MemberUnit("B", "B", kind)])
    rating = Rating("A", "B", Q3, Component.PEER, {Dimension.SERVICE_ATTITUDE: "90"})
    book = RatingBook(community, Q3).record(rating, RULES)
    with pytest.raises(EligibilityError) as raised:
        book.replace(rating, reason=reason, policy=RULES)  # type: ignore[arg-type]
    assert (raised.value.field, raised.value.rule) == ("reason", "E-3")
