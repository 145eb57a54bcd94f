"""The base of every service record: each counts toward the 70% service pillar (P-2).

The services S-2..S-7 keep their records in one module each:
[professional][community_governance.services.professional] (S-2),
[integrated][community_governance.services.integrated] (S-3),
[micro_governance][community_governance.services.micro_governance] (S-4),
[activities][community_governance.services.activities] (S-5),
[public][community_governance.services.public] (S-6) and
[volunteers][community_governance.services.volunteers] (S-7).
"""

from __future__ import annotations

from community_governance.vocabulary import Pillar

__all__ = ["ServiceRecord"]


class ServiceRecord:
    """Every service record counts toward the 70% service pillar (P-2)."""

    __slots__ = ()

    @property
    def pillar(self) -> Pillar:
        """Always ``Pillar.SERVICE``."""
        return Pillar.SERVICE
