"""A quarter's inputs from the files an office has: JSON documents, CSV or Excel tables.

Rules: E-1..E-4. Each input may be a JSON document (as ``schema`` describes) or a table
(see ``community_governance.tables``); which one is told by the file's first bytes, not
its name, so standard input (``-``) works for both. A table's companions (the units of a
ratings table; the projects and the certificate of a survey's answers) come from options,
else from the same workbook, else from beside the file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from community_governance.community import Quarter
from community_governance.errors import read_in
from community_governance.evaluation.ratings import RatingBook
from community_governance.evaluation.sampling import SamplingFrame
from community_governance.evaluation.survey import Survey
from community_governance.policy.schema import PolicySnapshot
from community_governance.tables.files import companion, is_json, load_table
from community_governance.tables.text import ENCODINGS, Encoding, read_path

__all__ = [
    "encoding_option",
    "frame_input",
    "ratings_input",
    "survey_input",
    "unit_ids_of",
]

encoding_option = click.option(
    "--encoding",
    type=click.Choice(ENCODINGS),
    default="auto",
    show_default=True,
    help="Encoding of CSV files: auto tries UTF-8 (with or without BOM), then GB18030/GBK.",
)


def _document(data: bytes, source: str, name: str) -> Any:
    from community_governance.cli.options import document_from_bytes

    return document_from_bytes(data, source, name)


def ratings_quarter(path: str, encoding: Encoding) -> tuple[Quarter, bytes, str]:
    """The quarter a ratings file is for, with its bytes and name (read once)."""
    from community_governance.tables.inputs import quarter_of

    data, source = read_path(path, rule="E-3")
    if is_json(data):
        return Quarter.parse(_document(data, source, "ratings").quarter), data, source
    return quarter_of(load_table(source, "ratings", encoding=encoding, data=data)), data, source


def ratings_input(
    data: bytes, source: str, rules: PolicySnapshot, *, units: str | None, encoding: Encoding
) -> RatingBook:
    """The rating book in ``data``: a ratings document, or a ratings table and its units."""
    from community_governance.tables.inputs import ratings_from_table, units_from_table

    if is_json(data):
        document = _document(data, source, "ratings")
        book: RatingBook = read_in(source, lambda: document.to_domain(rules))
        return book
    table = load_table(source, "ratings", encoding=encoding, data=data)
    units_path = units or companion(source, "units")
    community = units_from_table(load_table(units_path, "units", encoding=encoding))
    return ratings_from_table(table, community, rules)


def survey_input(
    path: str,
    rules: PolicySnapshot,
    *,
    projects: str | None,
    certificate: str | None,
    encoding: Encoding,
) -> Survey:
    """The survey at ``path``: a survey document, or an answers table with its projects."""
    from community_governance.tables.inputs import survey_from_tables

    data, source = read_path(path, rule="E-4")
    if is_json(data):
        document = _document(data, source, "survey")
        survey: Survey = read_in(source, lambda: document.to_domain(rules))
        return survey
    answers = load_table(source, "survey", encoding=encoding, data=data)
    listed = load_table(projects or companion(source, "projects"), "projects", encoding=encoding)
    certificate_path = certificate or _beside(source, "certificate.json")
    certificate_data, certificate_source = read_path(certificate_path, rule="E-4")
    drawn = read_in(
        certificate_source, _document(certificate_data, certificate_source, "certificate").to_domain
    )
    return survey_from_tables(listed, answers, drawn, rules)


def frame_input(path: str, *, encoding: Encoding) -> SamplingFrame:
    """The frame at ``path``: a frame document, or a frame table."""
    from community_governance.tables.inputs import frame_from_table

    data, source = read_path(path, rule="E-4")
    if is_json(data):
        document = _document(data, source, "frame")
        frame: SamplingFrame = read_in(source, document.to_domain)
        return frame
    return frame_from_table(load_table(source, "frame", encoding=encoding, data=data))


def unit_ids_of(path: str) -> tuple[str, ...]:
    """The unit ids of a units table, or of a ratings or community document."""
    from community_governance.tables.inputs import units_from_table

    data, source = read_path(path, rule="E-1")
    if is_json(data):
        from community_governance.cli.options import document_kind

        name = "ratings" if document_kind(data, source, "E-1") == "ratings" else "community"
        document = _document(data, source, name)
        community = document.community if name == "ratings" else document
        return tuple(unit.unit_id for unit in community.units)
    table = load_table(source, "units", data=data)
    return units_from_table(table).unit_ids


def _beside(path: str, name: str) -> str:
    from pathlib import Path

    return name if path in ("-", "<stdin>") else str(Path(path).parent / name)


def policy_day(on: dt.datetime | None, quarter: Quarter) -> dt.date:
    """The evaluation day: ``--on`` if given, else the quarter's last day."""
    return on.date() if on else quarter.end
