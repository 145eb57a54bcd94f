"""Bilingual vocabularies (P-1, E-2, C-2, roles, S-1..S-7, R-2)."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from community_governance import vocabulary as v
from community_governance.errors import UnknownLabelError

ENUMS = [
    getattr(v, name)
    for name in v.__all__
    if isinstance(getattr(v, name), type)
    and issubclass(getattr(v, name), v.BilingualEnum)
    and getattr(v, name) is not v.BilingualEnum
]


@given(st.sampled_from([m for e in ENUMS for m in e]))
def test_every_member_is_found_by_each_of_its_labels(member: v.BilingualEnum) -> None:
    """Every member has zh and en labels, and lookup by code, zh or en finds it."""
    enum = type(member)
    assert member.zh
    assert member.en
    assert enum.from_label(member.zh) is member
    assert enum.from_label(member.en.upper()) is member
    assert enum.from_label(f" {member.code} ") is member
    # mypy reads the three-label member constructor as the call signature of a lookup.
    assert enum(member.zh) is member  # type: ignore[call-arg]
    assert member.label("zh") == member.zh
    assert member.label("en") == member.en


@pytest.mark.parametrize("enum", ENUMS)
def test_labels_are_unambiguous(enum: type[v.BilingualEnum]) -> None:
    """No two members of a vocabulary share a code or a label."""
    for attribute in ("code", "zh", "en"):
        seen = [getattr(m, attribute) for m in enum]
        assert len(set(seen)) == len(seen)


def test_an_unknown_label_lists_the_valid_ones() -> None:
    """An unknown label raises an error that lists every valid member."""
    with pytest.raises(UnknownLabelError) as caught:
        v.Pillar.from_label("八分服务")
    message = str(caught.value)
    for member in v.Pillar:
        assert member.code in message
        assert member.zh in message
    with pytest.raises(ValueError, match="八分服务"):
        v.Pillar("八分服务")  # type: ignore[call-arg]


def test_the_mechanism_has_three_pillars_six_dimensions_seven_services() -> None:
    """P-1, E-2, S-1..S-7: the closed sets have the sizes the policy names."""
    assert [p.zh for p in v.Pillar] == ["一分管理", "两分协商", "七分服务"]
    assert len(v.Dimension) == 6
    assert v.Dimension.TASK_COMPLETION.zh == "完成任务情况"
    assert [s.rule for s in v.ServiceCategory] == [f"S-{i}" for i in range(1, 8)]
    assert [lvl.zh for lvl in v.SupervisionLevel] == ["社区党组织", "组团单位代表", "居民代表"]
    assert {"卫生", "治安", "民生"} <= {c.zh for c in v.ConcernCategory}  # C-2
    assert v.Role.BUILDING_LEADER.zh == "楼栋小组长"  # C-1
