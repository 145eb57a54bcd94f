"""Residents' concerns, sorted into categories and summarised by period (C-2).

A [`Concern`][community_governance.consultation.concerns.Concern] is what a household (by opaque id)
or a grid worker
reported, when and where in the community. Categories are the vocabulary's
([`ConcernCategory`][community_governance.vocabulary.ConcernCategory]: sanitation, public
security, livelihood and the others grid platforms use) or a municipality's
own [`Term`][community_governance.vocabulary.Term]. Duplicates are merged only
by explicit links, never by guessing. [`digest`][community_governance.consultation.concerns.digest]
counts a period by
category with the change from the period before, and links open concerns to
the proposals that answer them.

``GRID_EVENT_CLASSES`` maps the built-in categories to the event major
classes of GB/T 30428 (数字化城市管理信息系统), as data a platform can extend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from community_governance.consultation.meeting import Proposal
from community_governance.errors import ParseError
from community_governance.vocabulary import ConcernCategory, Term

__all__ = [
    "GRID_EVENT_CLASSES",
    "CategoryCount",
    "Concern",
    "ConcernDigest",
    "DuplicateLink",
    "digest",
]

#: C-2 categories → GB/T 30428 event major classes (事件大类).
GRID_EVENT_CLASSES: Mapping[ConcernCategory, str] = {
    ConcernCategory.SANITATION: "市容环境",
    ConcernCategory.PUBLIC_SECURITY: "突发事件",
    ConcernCategory.LIVELIHOOD: "其他事件",
    ConcernCategory.INFRASTRUCTURE: "施工管理",
    ConcernCategory.ENVIRONMENT: "市容环境",
    ConcernCategory.NEIGHBOUR_DISPUTE: "街面秩序",
    ConcernCategory.OTHER: "其他事件",
}

Category = ConcernCategory | Term


def _category(value: Category | str) -> Category:
    if isinstance(value, ConcernCategory | Term):
        return value
    return ConcernCategory.from_label(value)


@attrs.frozen
class Concern:
    """A problem a resident or grid worker reported (C-2).

    Attributes:
        concern_id: a stable id.
        reported_on: the date it was reported.
        reporter: an opaque id (a household's or a grid worker's).
        summary: what the problem is.
        category: a built-in category, its label, or a local
            [`Term`][community_governance.vocabulary.Term].
        location: where in the community (compound, building, grid cell).
    """

    concern_id: str
    reported_on: dt.date
    reporter: str
    summary: str
    category: Category = attrs.field(converter=_category)
    location: str = ""


@attrs.frozen
class DuplicateLink:
    """An explicit statement that ``duplicate`` reports the same problem as ``original``."""

    duplicate: str
    original: str


@attrs.frozen
class CategoryCount:
    """Concerns of one category in a period, and the change from the period before."""

    category: Category
    count: int
    previous: int

    @property
    def change(self) -> int:
        """``count - previous``: positive when the category is rising."""
        return self.count - self.previous


@attrs.frozen
class ConcernDigest:
    """A period's concerns: counts and trends by category, merges, links to proposals (C-2)."""

    start: dt.date
    end: dt.date
    counts: tuple[CategoryCount, ...]
    merged: tuple[DuplicateLink, ...]
    linked: Mapping[str, tuple[str, ...]]
    unaddressed: tuple[str, ...]

    @property
    def total(self) -> int:
        """Distinct concerns in the period (duplicates merged)."""
        return sum(c.count for c in self.counts)


def _roots(concerns: Mapping[str, Concern], links: Iterable[DuplicateLink]) -> dict[str, str]:
    parent: dict[str, str] = {}
    for link in links:
        for end in (link.duplicate, link.original):
            if end not in concerns:
                raise ParseError(
                    f"no concern {end!r} to merge",
                    field="duplicates",
                    rule="C-2",
                    zh=f"没有可合并的诉求 {end!r}",
                )
        if link.duplicate == link.original:
            raise ParseError(
                "a concern cannot duplicate itself",
                field="duplicates",
                rule="C-2",
                zh="诉求不能与自身重复",
            )
        parent[link.duplicate] = link.original
    roots: dict[str, str] = {}
    for concern_id in concerns:
        seen = {concern_id}
        node = concern_id
        while node in parent:
            node = parent[node]
            if node in seen:
                raise ParseError(
                    f"duplicate links form a cycle at {node!r}",
                    field="duplicates",
                    rule="C-2",
                    zh=f"重复关联在 {node!r} 处形成循环",
                )
            seen.add(node)
        roots[concern_id] = node
    return roots


def _key(category: Category) -> tuple[int, str]:
    order = list(ConcernCategory)
    return (
        (order.index(category), "")
        if isinstance(category, ConcernCategory)
        else (len(order), category.code)
    )


def digest(
    concerns: Iterable[Concern],
    start: dt.date,
    end: dt.date,
    *,
    duplicates: Iterable[DuplicateLink] = (),
    proposals: Iterable[Proposal] = (),
) -> ConcernDigest:
    """Summarise the concerns reported from ``start`` to ``end`` (inclusive) (C-2).

    Counts are of distinct problems: a concern linked as a duplicate counts
    under its original. ``previous`` counts the period of the same length just
    before. ``linked`` maps each concern of the period to the proposals that
    name it; ``unaddressed`` lists those no proposal names.

    Raises:
        ParseError: the period ends before it starts, two concerns share an
            id, or a duplicate link is unknown or circular.
    """
    if end < start:
        raise ParseError(
            "the period ends before it starts", field="end", rule="C-2", zh="结束日期早于开始日期"
        )
    everything = list(concerns)
    by_id = {c.concern_id: c for c in everything}
    if len(by_id) != len(everything):
        raise ParseError(
            "two concerns share an id", field="concerns", rule="C-2", zh="两项诉求编号相同"
        )
    links = tuple(duplicates)
    roots = _roots(by_id, links)
    length = end - start
    before_end = start - dt.timedelta(days=1)
    before_start = before_end - length

    def counted(low: dt.date, high: dt.date) -> dict[Category, int]:
        counts: dict[Category, int] = {}
        for concern in everything:
            if (
                roots[concern.concern_id] == concern.concern_id
                and low <= concern.reported_on <= high
            ):
                counts[concern.category] = counts.get(concern.category, 0) + 1
        return counts

    now, then = counted(start, end), counted(before_start, before_end)
    categories = sorted(set(now) | set(then), key=_key)
    answering: dict[str, list[str]] = {}
    for proposal in proposals:
        for concern_id in proposal.concern_ids:
            answering.setdefault(roots.get(concern_id, concern_id), []).append(proposal.proposal_id)
    in_period = sorted(
        c.concern_id
        for c in everything
        if start <= c.reported_on <= end and roots[c.concern_id] == c.concern_id
    )
    linked = {cid: tuple(answering[cid]) for cid in in_period if cid in answering}
    return ConcernDigest(
        start=start,
        end=end,
        counts=tuple(CategoryCount(c, now.get(c, 0), then.get(c, 0)) for c in categories),
        merged=tuple(link for link in links if by_id[link.duplicate].reported_on <= end),
        linked=linked,
        unaddressed=tuple(cid for cid in in_period if cid not in answering),
    )
