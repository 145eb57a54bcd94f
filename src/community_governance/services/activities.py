"""Project-based culture and sports service: activity projects and participation rates (S-5)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from community_governance.errors import ParseError
from community_governance.numbers import as_count
from community_governance.services.pillar import ServiceRecord
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "ActivityProject",
    "ParticipantKind",
]


class ParticipantKind(BilingualEnum):
    """Who takes part in an activity project (S-5)."""

    RESIDENTS = ("residents", "社区群众", "residents")
    ENTERPRISES = ("enterprises", "驻社区企事业单位", "enterprises and institutions")
    SOCIAL_ORGANISATIONS = ("social_organisations", "社会组织", "social organisations")


def _by_kind(raw: Mapping[ParticipantKind | str, object]) -> Mapping[ParticipantKind, int]:
    out: dict[ParticipantKind, int] = {}
    for key, value in raw.items():
        kind = key if isinstance(key, ParticipantKind) else ParticipantKind.from_label(key)
        out[kind] = as_count(value, field=f"participants.{kind.code}", rule="S-5")
    return out


@attrs.frozen
class ActivityProject(ServiceRecord):
    """A culture or sports activity project with invitations and participants by kind (S-5)."""

    project_id: str
    title: str
    service_id: str
    invited: Mapping[ParticipantKind, int] = attrs.field(converter=_by_kind)
    participants: Mapping[ParticipantKind, int] = attrs.field(converter=_by_kind)

    def __attrs_post_init__(self) -> None:
        for kind, count in self.participants.items():
            if count > self.invited.get(kind, 0):
                raise ParseError(
                    f"more {kind.en} took part ({count}) than were invited",
                    field=f"participants.{kind.code}",
                    rule="S-5",
                    zh=f"参加的{kind.zh}（{count}）多于受邀人数",
                )

    def rate(self, kind: ParticipantKind | None = None) -> Fraction | None:
        """Exact participation rate, for one kind or overall (``None`` if nobody was invited)."""
        kinds = [kind] if kind is not None else list(ParticipantKind)
        invited = sum(self.invited.get(k, 0) for k in kinds)
        came = sum(self.participants.get(k, 0) for k in kinds)
        return Fraction(came, invited) if invited else None
