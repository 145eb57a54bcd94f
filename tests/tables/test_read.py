"""Tables read as offices write them: encodings, headers, Excel numbers, ids (E-1..E-4)."""

from __future__ import annotations

import io
import math
import re
import unicodedata
import warnings
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, strategies as st

from community_governance.demo import demo_quarter
from community_governance.errors import ParseError
from community_governance.evaluation import draw_sample
from community_governance.ids import LookalikeWarning, check_lookalikes, clean_id, skeleton
from community_governance.tables import (
    TABLES,
    TableError,
    excel_number,
    frame_from_table,
    ratings_from_table,
    read_table,
    units_from_table,
    write_table,
)
from community_governance.tables.outputs import frame_rows, ratings_rows, units_rows
from community_governance.tables.templates import template
from community_governance.tables.write import write_workbook
from community_governance.vocabulary import LookalikeRule

DEMO = demo_quarter(127)
RULES = DEMO.policy.at(DEMO.quarter.end)
FRAME = TABLES["frame"]

# Text a GBK file can hold: ASCII letters and digits, and common Chinese characters.
gbk_text = st.text(
    alphabet=st.sampled_from("ABCxyz0123456789-_号楼单元张王李社区"), min_size=1, max_size=12
)


def _frame_table(households: list[str], encoding: str) -> bytes:
    text = write_table(FRAME, [{"household": h} for h in households], "csv").decode()
    return text.encode(encoding)


@given(
    st.lists(gbk_text, min_size=1, max_size=30, unique=True),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk"]),
)
def test_a_frame_reads_back_in_any_encoding_offices_use(
    households: list[str], encoding: str
) -> None:
    """E-4: UTF-8, UTF-8 with a BOM, GB18030 and GBK all read back to the same frame."""
    data = _frame_table(households, encoding)
    frame = frame_from_table(read_table(data, FRAME.columns, source="f.csv", rule="E-4"))
    assert frame.households == tuple(sorted(households))


@given(st.permutations(list(range(len(TABLES["ratings"].columns)))), st.booleans())
def test_columns_in_any_order_and_either_language_read_the_same(
    order: list[int],
    chinese: bool,  # noqa: FBT001 - drawn by Hypothesis
) -> None:
    """E-3: a ratings table's columns may come in any order, headed in Chinese or by code."""
    kind = TABLES["ratings"]
    rows = ratings_rows(DEMO.ratings)
    columns = [kind.columns[i] for i in order]
    header = [c.zh if chinese else c.code for c in columns]
    lines = [",".join(header)] + [",".join(row.get(c.code) or "" for c in columns) for row in rows]
    table = read_table("\n".join(lines).encode(), kind.columns, source="r.csv", rule="E-3")
    assert ratings_from_table(table, DEMO.community, RULES).current == DEMO.ratings.current


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_an_excel_number_is_the_shortest_decimal_of_its_double(value: float) -> None:
    """E-2: a numeric cell reads as the shortest decimal that gives back the same double."""
    number = excel_number(value)
    assert float(number) == value
    significant = len(number.normalize().as_tuple().digits)
    if significant > 1:
        # Every decimal of one significant digit fewer is another double.
        fewer = f"{value:.{significant - 2}e}"
        assert float(fewer) != value


def _workbook(rows: list[list[object]], stored: dict[str, str] | None = None) -> bytes:
    """A workbook of ``rows``; ``stored`` rewrites cells' stored digits as Excel writes them.

    openpyxl writes a double's shortest digits; Excel writes seventeen significant digits
    (87.3 is stored as 87.299999999999997), so the test writes those into the sheet itself.
    """
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for cell, digits in (stored or {}).items():
                    data = re.sub(
                        rf'(<c r="{cell}"[^>]*><v>)[^<]*(</v>)'.encode(),
                        rb"\g<1>" + digits.encode() + rb"\g<2>",
                        data,
                    )
            target.writestr(item, data)
    return patched.getvalue()


def test_excel_cells_keep_what_excel_shows() -> None:
    """E-2: 87.3 stored as 87.299999999999997 is 87.3; 90 is 90; blanks are None."""
    data = _workbook(
        [
            [c.code for c in TABLES["ratings"].columns],
            ["2026Q3", "clinic", "school", "peer", 87.3, 90, 0.3, 1e-7, None, 75.25],
        ],
        {"E2": "87.299999999999997", "G2": "0.30000000000000004"},
    )
    assert b"87.299999999999997" in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    )
    table = read_table(data, TABLES["ratings"].columns, source="r.xlsx", rule="E-3")
    cells = table.rows[0].cells
    assert cells["service_attitude"] == "87.3"
    assert cells["professional_level"] == "90"
    assert cells["execution_ability"] == "0.30000000000000004"
    assert cells["coordination_ability"] == "0.0000001"
    assert cells["task_completion"] is None
    assert table.rows[0].at("service_attitude") == "r.xlsx:Sheet!E2"


def test_a_score_beyond_the_scales_places_names_the_sheet_and_cell() -> None:
    """E-3: 0.1 + 0.2 has more places than the scale allows: the error names Sheet!G2."""
    data = _workbook(
        [
            [c.code for c in TABLES["ratings"].columns],
            ["2026Q3", "clinic", "school", None, 80, 80, 0.3, 80, 80, 80],
        ],
        {"G2": "0.30000000000000004"},
    )
    table = read_table(data, TABLES["ratings"].columns, source="r.xlsx", rule="E-3")
    with pytest.raises(TableError) as caught:
        ratings_from_table(table, DEMO.community, RULES)
    assert caught.value.rule == "E-3"
    assert caught.value.problems[0].startswith("r.xlsx:Sheet!G2")
    assert "0.30000000000000004" in caught.value.problems[0]


def test_every_bad_row_is_listed_not_only_the_first() -> None:
    """E-3: three bad rows, three lines, each with its row and rule; nothing is built."""
    kind = TABLES["ratings"]
    header = ",".join(c.code for c in kind.columns)
    good = "2026Q3,clinic,school,peer,80,80,80,80,80,80"
    text = "\n".join(
        [
            header,
            good,
            "2026Q3,clinic,library,peer,80,abc,80,80,80,80",
            "2026Q3,clinic,nobody,peer,80,80,80,80,80,80",
            good,
        ]
    )
    table = read_table(text.encode(), kind.columns, source="r.csv", rule="E-3")
    with pytest.raises(TableError) as caught:
        ratings_from_table(table, DEMO.community, RULES)
    lines = caught.value.problems
    assert [line.split(":", 2)[1].split(",")[0] for line in lines] == ["row 3", "row 4", "row 5"]
    assert all(line.endswith("]") for line in lines)
    assert "already rated" in lines[2]


def test_unknown_missing_and_repeated_columns_are_refused_together() -> None:
    """E-4: a misspelt header would drop a column silently, so it is an error, with the rest."""
    text = "household,stratum,household,colour\nH1,a,H1,red\n"
    with pytest.raises(TableError) as caught:
        read_table(text.encode(), FRAME.columns, source="f.csv", rule="E-4")
    problems = caught.value.problems
    assert any("'colour' is not a column" in p for p in problems)
    assert any("given twice" in p for p in problems)
    assert caught.value.field == "f.csv"
    with pytest.raises(TableError, match=r"household .住户编号. is missing"):
        read_table(b"stratum\na\n", FRAME.columns, source="f.csv", rule="E-4")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00h\x00o", "not UTF-8 or GB18030/GBK"),
        (b"household\nH1\x00\n", "NUL"),
        (b"PK\x03\x04broken", "not an Excel workbook"),
        (b"[1, 2]", "array of row objects"),
        (b'[{"household": "H1", "household": "H2"}]', "appears twice"),
        (b'[{"household": NaN}]', "NaN"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_files_that_are_no_table_are_refused_by_name(data: bytes, words: str) -> None:
    """E-4: an empty file, bytes in no encoding, NUL, a broken workbook, bad JSON rows."""
    with pytest.raises(ParseError, match=words) as caught:
        read_table(data, FRAME.columns, source="f.csv", rule="E-4")
    assert caught.value.field is not None
    assert caught.value.field.startswith("f.csv")


def test_a_frame_listing_a_household_twice_says_where() -> None:
    """E-4: the second listing is named with the first's row."""
    data = _frame_table(["H1", "H2", "H1"], "utf-8")
    table = read_table(data, FRAME.columns, source="f.csv", rule="E-4")
    with pytest.raises(
        TableError, match=r"f.csv:row 4: household 'H1' is listed again \(first at f.csv:row 2\)"
    ):
        frame_from_table(table)


def test_units_round_trip_through_a_workbook_in_chinese() -> None:
    """E-1: units written to a workbook with Chinese headers read back as the community."""
    data = write_workbook([(TABLES["units"], units_rows(DEMO.community))], lang="zh")
    table = read_table(data, TABLES["units"].columns, source="u.xlsx", rule="E-1", sheet="成员单位")
    assert units_from_table(table) == DEMO.community


def test_frames_round_trip_through_json_rows() -> None:
    """E-4: a table may be a JSON array of row objects; strata come back too."""
    assert template("frame", "json", RULES).startswith(b"[")
    rows = frame_rows(DEMO.frame)
    text = "[" + ",".join(f'{{"household": "{r["household"]}"}}' for r in rows) + "]"
    table = read_table(text.encode(), FRAME.columns, source="f.json", rule="E-4")
    assert frame_from_table(table).households == DEMO.frame.households


# The ids of households and units, at input (E-4).


@given(st.text(min_size=1, max_size=20))
def test_a_clean_id_is_composed_and_cleaning_it_again_changes_nothing(text: str) -> None:
    """E-4: clean_id is idempotent, and what it returns is NFC with no control character."""
    try:
        cleaned = clean_id(text, field="household")
    except ParseError as error:
        refused = error
    else:
        assert clean_id(cleaned, field="household") == cleaned
        assert unicodedata.is_normalized("NFC", cleaned)
        return
    assert refused.rule == "E-4"
    assert not text.strip() or any(unicodedata.category(c)[0] in "CZ" for c in text)


@pytest.mark.parametrize("bad", ["H1\n", "H\x001", "H\u200b1", "\ufeffH1", "H\u20281"])
def test_ids_hiding_characters_are_refused_naming_the_code_point(bad: str) -> None:
    """E-4: newline, NUL, zero-width space, BOM, line separator inside an id."""
    if bad.strip() != bad and bad.strip().isalnum():
        assert clean_id(bad, field="household") == bad.strip()
        return
    with pytest.raises(ParseError, match=r"U\+[0-9A-F]{4}") as caught:
        clean_id(bad, field="household")
    assert (caught.value.field, caught.value.rule) == ("household", "E-4")


def test_composed_and_decomposed_spellings_are_one_id() -> None:
    """E-4: é as one character or as e and an accent is one household."""
    assert clean_id("Chloe\u0301", field="h") == clean_id("Chlo\u00e9", field="h")
    data = _frame_table(["Chlo\u00e9", "Chloe\u0301"], "utf-8")
    table = read_table(data, FRAME.columns, source="f.csv", rule="E-4")
    with pytest.raises(TableError, match="listed again"):
        frame_from_table(table)


@pytest.mark.parametrize(
    ("ids", "words"),
    [
        (["A12", "\u041012"], "look alike"),  # Cyrillic A
        (["A12", "\uff21\uff11\uff12"], "look alike"),  # full-width
        (["p\u0430ss"], "mixes Latin"),  # Latin with a Cyrillic a
        (["Ok\u03bf1"], "mixes Latin"),  # Greek omicron
    ],
)
def test_lookalike_ids_are_an_error_or_a_warning_as_the_policy_says(
    ids: list[str], words: str
) -> None:
    """E-4: input.ids.lookalikes = error refuses; = warn accepts with a warning."""
    with pytest.raises(ParseError, match=words) as caught:
        check_lookalikes(ids, field="frame", on_lookalike=LookalikeRule.ERROR)
    assert (caught.value.field, caught.value.rule) == ("frame", "E-4")
    with pytest.warns(LookalikeWarning, match=words):
        check_lookalikes(ids, field="frame", on_lookalike=LookalikeRule.WARN)


def test_the_policy_switch_reaches_the_draw() -> None:
    """E-4: a frame with look-alikes is read; the draw refuses it, or warns (policy: warn).

    The check is the draw's, so a frame from any route meets it.
    """
    warn = DEMO.policy.override({"input.ids.lookalikes": "warn"}).at(DEMO.quarter.end)
    data = _frame_table(["A12", "\u041012"], "utf-8")
    frame = frame_from_table(read_table(data, FRAME.columns, source="f.csv", rule="E-4"))
    assert len(frame) == 2
    with pytest.raises(ParseError, match="look alike") as refused:
        draw_sample(frame, 1, RULES, seed_source="dice")
    assert (refused.value.field, refused.value.rule) == ("frame.households", "E-4")
    with pytest.warns(LookalikeWarning):
        assert len(draw_sample(frame, 1, warn, seed_source="dice").sample) == 2


@given(st.lists(st.text(alphabet="ABCxyz0123", min_size=1, max_size=6), unique=True))
def test_plain_ids_never_look_alike(ids: list[str]) -> None:
    """E-4: distinct ASCII ids have distinct skeletons, so they pass either way."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_lookalikes(ids, field="frame", on_lookalike=LookalikeRule.ERROR)
    assert len({skeleton(i) for i in ids}) == len(ids)


def test_excel_number_of_a_whole_and_of_an_integer_cell() -> None:
    """E-2: an integer cell stays whole; a huge double keeps its digits exactly."""
    assert excel_number(90) == Decimal(90)
    assert excel_number(1e22) == Decimal("1E+22")
    assert not math.isnan(float(excel_number(5e-324)))
