"""A partition's survey answers checked against its frames and certificates (E-4).

What ``evaluate`` does for one community, done for each community of a partition before
anything is scored: each certificate is read as the certificate document is (so one that
contradicts itself is refused), verified against its community's frame with
[`check_drawn`][community_governance.evaluation.sampling.check_drawn], and every answer must
come from a household the certificate counts. An answer from any other household, a
community with answers and no certificate, a certificate with no frame or for a community
the partition does not hold, and a certificate that is not JSON are all refused, naming the
table and the row.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from community_governance.errors import ParseError, read_in
from community_governance.evaluation.sampling import SamplingFrame, check_drawn
from community_governance.evaluation.survey import unsampled
from community_governance.ids import as_id
from community_governance.schemas.registry import load_document

__all__ = ["check_samples"]


def _column(table: Any, name: str) -> list[Any]:
    return list(table.column(name).to_pylist())


def _frames(table: Any) -> dict[str, tuple[list[object], dict[object, str]]]:
    """Each community's households, and their strata where a ``stratum`` column gives them.

    A stratified draw verifies only against a frame with its strata.
    """
    frames: dict[str, tuple[list[object], dict[object, str]]] = {}
    households = _column(table, "household")
    strata = (
        _column(table, "stratum") if "stratum" in table.column_names else [None] * len(households)
    )
    for community, household, stratum in zip(
        _column(table, "community"), households, strata, strict=True
    ):
        listed, of = frames.setdefault(str(community), ([], {}))
        listed.append(household)
        if stratum is not None:
            of[household] = str(stratum)
    return frames


def check_samples(tables: Mapping[str, Any]) -> None:
    """Refuse a partition whose answers a draw could not have given (E-4).

    Raises:
        GovernanceError: the first problem; its field names the table (``frames``,
            ``certificates`` or ``answers``), the row and the column.
    """
    held = set(map(str, _column(tables["communities"], "community")))
    frames = _frames(tables["frames"])
    respondents: dict[str, frozenset[str]] = {}
    certificates = tables["certificates"]
    for row, (community, text) in enumerate(
        zip(_column(certificates, "community"), _column(certificates, "certificate"), strict=True)
    ):
        where = f"certificates[row {row}]"
        key = str(community)
        if key not in held or key in respondents or key not in frames:
            problem = (
                ("is not a community of this partition", "不是本分区的社区")
                if key not in held
                else ("has a second certificate", "有第二份证书")
                if key in respondents
                else ("has a certificate but no frame", "有证书而没有抽样框")
            )
            raise ParseError(
                f"community {key!r} {problem[0]}",
                field=f"{where}.community",
                rule="E-4",
                zh=f"社区 {key!r} {problem[1]}",
            )
        if not isinstance(text, str):
            raise ParseError(
                "the certificate is not JSON text",
                field=f"{where}.certificate",
                rule="E-4",
                zh="证书不是 JSON 文本",
            )
        source = f"{where}.certificate"
        certificate = read_in(source, load_document("certificate", text, source=source).to_domain)
        listed, strata = frames[key]
        frame = read_in(f"frames[community {key}]", partial(SamplingFrame, listed, strata))
        read_in(source, partial(check_drawn, certificate, frame))
        respondents[key] = certificate.respondents
    answers = tables["answers"]
    for row, (community, household) in enumerate(
        zip(_column(answers, "community"), _column(answers, "household"), strict=True)
    ):
        counted = respondents.get(str(community))
        field = f"answers[row {row}].household"
        if counted is None:
            raise ParseError(
                f"community {community!r} has answers but no sample certificate",
                field=f"answers[row {row}].community",
                rule="E-4",
                zh=f"社区 {community!r} 有答卷而没有抽样证书",
            )
        if as_id(household, field=field, rule="E-4") not in counted:
            raise unsampled(str(household), field=field)
