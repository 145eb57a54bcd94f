"""Unified social credit codes (GB 32100) and division codes (GB/T 2260), as published (C-3, S-1).

The check character is compared with ``python-stdnum``'s independent implementation, the
division codes with the GB/T 2260 table that package ships, and the codes below were
printed by their publishers: the example of ``stdnum.cn.uscc``'s documentation and the
codes on the public registrations of four companies.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import assume, given, strategies as st
from stdnum.cn import uscc as stdnum_uscc

from community_governance.community import MemberUnit
from community_governance.errors import GovernanceError, ParseError
from community_governance.national_codes import (
    PROVINCES,
    USCC_ALPHABET,
    UnifiedSocialCreditCode,
    check_division,
    division_problem,
    uscc_check_character,
)
from community_governance.schemas import CommunityDoc
from community_governance.services import CodeScheme
from community_governance.tables import units_from_table
from community_governance.tables.kinds import TABLES
from community_governance.tables.read import read_table
from community_governance.vocabulary import AdminLevel

PUBLISHED = [
    "91110000600037341L",  # stdnum.cn.uscc's documented example
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
]

_DIGITS = st.text("0123456789", min_size=8, max_size=8)
_REST = st.text(USCC_ALPHABET, min_size=9, max_size=9)
#: A code's first 17 characters in the form stdnum accepts: eight digits, then any nine.
BODIES = st.builds(lambda digits, rest: digits + rest, _DIGITS, _REST)
CODES = BODIES.map(lambda body: body + uscc_check_character(body))


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_accepted(code: str) -> None:
    """GB 32100: each published code is valid, as it is and as people type it."""
    assert UnifiedSocialCreditCode(code) == code
    assert UnifiedSocialCreditCode(f" {code.lower()} ") == code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert UnifiedSocialCreditCode(full_width) == code
    assert stdnum_uscc.is_valid(code)


@given(BODIES)
def test_the_check_character_is_the_publisher_packages(body: str) -> None:
    """GB 32100: the mod-31 check character equals python-stdnum's."""
    assert uscc_check_character(body) == stdnum_uscc.calc_check_digit(body)


@given(BODIES, st.sampled_from(USCC_ALPHABET))
def test_a_code_is_accepted_exactly_when_the_publisher_package_accepts_it(
    body: str, check: str
) -> None:
    """GB 32100: any eighteen characters, accepted here if and only if by python-stdnum."""
    code = body + check
    try:
        UnifiedSocialCreditCode(code)
    except ParseError:
        ours = False
    else:
        ours = True
    assert ours is stdnum_uscc.is_valid(code)


@given(CODES, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_any_one_wrong_character_is_caught(code: str, position: int, character: str) -> None:
    """GB 32100: a valid code with one character changed is refused."""
    assume(code[position] != character)
    wrong = code[:position] + character + code[position + 1 :]
    with pytest.raises(ParseError, match=r"GB 32100|check character|character \d+"):
        UnifiedSocialCreditCode(wrong)


@given(CODES, st.integers(0, 16))
def test_any_two_neighbours_swapped_are_caught(code: str, position: int) -> None:
    """GB 32100: a valid code with two different neighbours swapped is refused."""
    first, second = code[position], code[position + 1]
    assume(first != second)
    swapped = code[:position] + second + first + code[position + 2 :]
    with pytest.raises(ParseError):
        UnifiedSocialCreditCode(swapped)


@pytest.mark.parametrize(
    ("code", "english", "chinese"),
    [
        ("9111000060003734L", "has 17 characters; a unified social credit code has 18",
         "有 17 个字符，统一社会信用代码为 18 位"),
        ("911100006000373411L", "has 19 characters", "有 19 个字符"),
        ("91110000600037341I", "character 18 of '91110000600037341I' is 'I'", "的第 18 位 'I'"),
        ("9111000060O037341L", "character 11 of '9111000060O037341L' is 'O'", "的第 11 位 'O'"),
        ("9111A000600037341L", "character 5 of '9111A000600037341L' is 'A'; characters 3–8",
         "的第 5 位是 'A'，第 3–8 位"),
        ("91110000600037341M", "of '91110000600037341M' is 'M'; GB 32100's mod-31 check gives 'L'",
         "按 GB 32100 模 31 校验应为 'L'"),
        ("x" * 1000, "far longer than a credit code's 18 characters", "远长于"),
    ],
    ids=["short", "long", "letter-I", "letter-O", "division", "check", "huge"],
)  # fmt: skip
def test_each_kind_of_wrong_code_is_one_line_naming_the_position(
    code: str, english: str, chinese: str
) -> None:
    """GB 32100: one bilingual line naming the position, or the check character expected."""
    with pytest.raises(ParseError) as caught:
        MemberUnit("clinic", "社区卫生服务站", "co_building_unit", credit_code=code)
    error = caught.value
    assert (error.field, error.rule) == ("unit.credit_code", "GB 32100")
    assert english in error.said("en")
    assert chinese in error.said("zh")
    assert "\n" not in error.said("en") + error.said("zh")
    assert len(error.said("en")) < 250


def test_a_credit_code_is_text() -> None:
    """GB 32100: a number (as a spreadsheet may hand it over) is refused, not converted."""
    with pytest.raises(ParseError, match="is text, not int"):
        UnifiedSocialCreditCode(914403001922038216)


def _units_csv(code: str) -> bytes:
    header = "community_id,community_name,unit_id,name,kind,credit_code\r\n"
    return (header + f"xm-1,示例社区,clinic,卫生站,co_building_unit,{code}\r\n").encode()


def _units_xlsx(code: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(["community_id", "community_name", "unit_id", "name", "kind", "credit_code"])
    sheet.append(["xm-1", "示例社区", "clinic", "卫生站", "co_building_unit", code])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _outcome(read: object) -> str:
    try:
        unit = read() if callable(read) else read
    except GovernanceError as error:
        return f"refused: {error.message}"
    return f"accepted: {unit}"


@pytest.mark.parametrize(
    "code", [*PUBLISHED[:2], "91110000600037341M", "9111000060003734", " 91110000600037341l"]
)
def test_a_credit_code_meets_one_check_on_every_route(code: str) -> None:
    """C-3: objects, a JSON document, a CSV table and a workbook refuse or accept alike."""
    document = {
        "document": "community",
        "community_id": "xm-1",
        "name": "示例社区",
        "units": [
            {"unit_id": "clinic", "name": "卫生站", "kind": "co_building_unit", "credit_code": code}
        ],
    }
    columns = TABLES["units"].columns

    def table(data: bytes, source: str) -> object:
        units = units_from_table(read_table(data, columns, source=source, rule="E-1")).units
        return units[0].credit_code

    outcomes = {
        "objects": _outcome(
            lambda: MemberUnit("clinic", "卫生站", "co_building_unit", credit_code=code).credit_code
        ),
        "json": _outcome(
            lambda: (
                CommunityDoc.model_validate_json(json.dumps(document))
                .to_domain()
                .units[0]
                .credit_code
            )
        ),
        "csv": _outcome(lambda: table(_units_csv(code), "units.csv")),
        "xlsx": _outcome(lambda: table(_units_xlsx(code), "units.xlsx")),
    }
    kinds = {route: outcome.split(":")[0] for route, outcome in outcomes.items()}
    assert len(set(kinds.values())) == 1, outcomes
    if kinds["objects"] == "accepted":
        assert len(set(outcomes.values())) == 1, outcomes
    else:
        refusal = outcomes["objects"].removeprefix("refused: ")
        assert all(refusal in outcome for outcome in outcomes.values()), outcomes


def _table_codes() -> list[tuple[str, str]]:
    """(code, name) of every division in python-stdnum's GB/T 2260 table, withdrawn ones too."""
    import stdnum.cn  # noqa: PLC0415

    rows: list[tuple[str, str]] = []
    province = ""
    path = Path(stdnum.cn.__file__).parent / "loc.dat"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _, rest = line.strip().partition(" ")
        if not line.startswith(" "):
            province = code
            continue
        rows.append((province + code, rest))
    return rows


def _withdrawn(name: str) -> bool:
    """Whether the table's last name for a code ends in a year (``[1988-2002]琼海市``)."""
    return re.match(r"\[\d*-\d{4}\]", name.split('"')[1].rsplit(",", maxsplit=1)[-1]) is not None


def test_every_division_in_force_has_a_province_and_a_right_form() -> None:
    """S-1, GB/T 2260: every code in force passes; the table's provinces are ours exactly.

    The only codes of the table with a county under a ``00`` prefecture are Hainan's of
    1988–2002, withdrawn since; they are refused as a grid's district today.
    """
    rows = _table_codes()
    assert len(rows) > 3000
    assert {code[:2] for code, _ in rows} == set(PROVINCES)
    in_force = [(code, name) for code, name in rows if not _withdrawn(name)]
    assert len(in_force) > 3000
    for code, name in in_force:
        assert division_problem(code) is None, (code, name)
        province_itself = code.endswith("0000")
        assert (division_problem(code, below_province=True) is None) is not province_itself, code
    refused = {code for code, _ in rows if division_problem(code) is not None}
    assert refused, "the table's withdrawn Hainan counties are refused"
    assert all(code.startswith("4600") and _withdrawn(dict(rows)[code]) for code in refused)


@pytest.mark.parametrize(
    ("code", "english", "chinese"),
    [
        ("990101", "digits 1–2 of '990101', '99', are no province", "的第 1–2 位 '99' 不是"),
        ("000101", "'00', are no province", "不是 GB/T 2260 中的省级代码"),
        ("350003", "digits 3–4 of '350003' are 00 (no prefecture): digits 5–6 must be",
         "第 5–6 位也须为 00，而不是 '03'"),
        ("350000", "is the code of Fujian itself, not of a district", "是福建省本身的代码"),
        ("35020a", "is not a grid code of digits", "不是由数字组成的网格代码"),
        ("３５０２０３", "is not a grid code of digits", "不是由数字组成的网格代码"),
    ],
    ids=["province", "province-00", "county-under-00", "province-itself", "letter", "full-width"],
)  # fmt: skip
def test_a_grid_code_s_district_is_checked_as_a_division_code(
    code: str, english: str, chinese: str
) -> None:
    """S-1, GB/T 2260: the district's six digits name a province that exists, 00s in place."""
    cell = code + "001001001"
    with pytest.raises(ParseError) as caught:
        CodeScheme().level(cell)
    assert caught.value.rule == "S-1"
    assert english in caught.value.said("en")
    assert chinese in caught.value.said("zh")


def test_grid_codes_of_real_districts_are_read_and_another_scheme_is_one_argument_away() -> None:
    """S-1: Siming (350203) and Dongguan (441900, no county level) read; a 4-digit scheme says."""
    assert CodeScheme().level("350203001002003") is AdminLevel.GRID_CELL
    assert CodeScheme().level("441900001") is AdminLevel.STREET
    with pytest.raises(ParseError, match="division_codes=False"):
        CodeScheme((4, 3, 3, 3))
    assert CodeScheme((4, 3, 3, 3), division_codes=False).level("9901001") is AdminLevel.STREET
    assert CodeScheme(division_codes=False).level("990101001") is AdminLevel.STREET
    assert division_problem("３５０２０３") == (
        "'３５０２０３' is not a six-digit administrative division code (GB/T 2260)",
        "'３５０２０３' 不是 6 位行政区划代码（GB/T 2260）",
    )


@pytest.mark.parametrize(
    ("body", "shown"),
    [("9111000060003734", "'9111000060003734'"), ("9111000060003734I", "'9111000060003734I'")],
    ids=["short", "letter-I"],
)
def test_a_check_character_is_computed_only_for_17_characters_of_the_alphabet(
    body: str, shown: str
) -> None:
    """GB 32100: the check character of anything but 17 characters of the alphabet is refused."""
    with pytest.raises(ParseError) as caught:
        uscc_check_character(body)
    assert (caught.value.field, caught.value.rule) == ("credit_code", "GB 32100")
    assert caught.value.message == f"{shown} is not 17 characters of the GB 32100 alphabet"
    assert caught.value.zh == f"{shown} 不是 GB 32100 字符集中的 17 个字符"


def test_long_text_is_shown_cut_at_forty_characters() -> None:
    """S-1: a wrong code of 40 characters is shown whole; one of 41, cut with an ellipsis."""
    forty, more = "1" * 40, "1" * 41
    assert division_problem(forty) == (
        f"'{forty}' is not a six-digit administrative division code (GB/T 2260)",
        f"'{forty}' 不是 6 位行政区划代码（GB/T 2260）",
    )
    problem = division_problem(more)
    assert problem is not None
    assert problem[0].startswith(f"'{forty}…' is not")


def test_check_division_names_the_field_and_rule_it_is_given() -> None:
    """S-1: a province's own code passes unless a district is asked for; refusals say where."""
    assert check_division("350000", field="district", rule="S-1") == "350000"
    with pytest.raises(ParseError) as caught:
        check_division("350000", field="district", rule="S-1", below_province=True)
    assert (caught.value.field, caught.value.rule) == ("district", "S-1")
    with pytest.raises(ParseError) as caught:
        check_division("990000", field="grid.district", rule="X-9")
    assert (caught.value.field, caught.value.rule) == ("grid.district", "X-9")
