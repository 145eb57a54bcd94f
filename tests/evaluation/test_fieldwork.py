"""E-4: questionnaire codes and the double entry of answers."""

from __future__ import annotations

import functools
import hashlib
import json
from fractions import Fraction

import pytest
from hypothesis import assume, given, strategies as st

from community_governance.demo import demo_quarter
from community_governance.errors import ParseError
from community_governance.evaluation.fieldwork import (
    CODE_LENGTH,
    Entry,
    Mismatch,
    SurveyReturn,
    code_problem,
    households_of,
    questionnaire_code,
    questionnaire_codes,
    reconcile,
    survey_return,
)
from community_governance.evaluation.survey import Survey
from community_governance.national_codes import USCC_ALPHABET, mod31_check
from community_governance.policy.schema import PolicySnapshot

SECRET = hashlib.sha256(b"frame secret").digest()
PROJECTS = ("lights", "bins", "ramp")

codes = st.builds(
    lambda h: questionnaire_code(SECRET, "haibin-2026Q3", h), st.text(min_size=1, max_size=12)
)


@given(st.text(min_size=1, max_size=12), st.text(max_size=12))
def test_a_code_is_eight_characters_that_check(household: str, survey: str) -> None:
    """E-4: 8 characters of GB 32100's alphabet, the last its mod-31 check."""
    code = questionnaire_code(SECRET, survey, household)
    assert len(code) == CODE_LENGTH
    assert set(code) <= set(USCC_ALPHABET)
    assert code[-1] == mod31_check(code[:-1])
    assert code_problem(code) is None


@given(codes, st.integers(0, CODE_LENGTH - 1), st.sampled_from(USCC_ALPHABET))
def test_any_one_mistyped_character_is_caught(code: str, position: int, typed: str) -> None:
    """E-4: one wrong character anywhere, check character included, is found."""
    assume(code[position] != typed)
    wrong = code[:position] + typed + code[position + 1 :]
    problem = code_problem(wrong)
    assert problem is not None
    assert "mistyped" in problem[0]
    assert "输入有误" in problem[1]


@given(codes, st.integers(0, CODE_LENGTH - 2))
def test_any_swap_of_neighbours_is_caught(code: str, position: int) -> None:
    """E-4: two neighbouring characters swapped, when they differ, are found."""
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert code_problem(swapped) is not None


@pytest.mark.parametrize("text", ["", "ABC", "ABCDEFGHJ", "ABCDEFGI", "abcdefgh"])
def test_what_is_no_code_is_said(text: str) -> None:
    """E-4: wrong length, or a character outside the alphabet."""
    problem = code_problem(text)
    assert problem is not None
    assert "is not a questionnaire code" in problem[0]


def test_codes_differ_by_survey_and_secret_and_are_listed_in_order() -> None:
    """E-4: the same household has other codes in another survey or under another secret."""
    households = [f"A-1-{n}" for n in range(101, 221)]
    listed = questionnaire_codes(households, SECRET, "haibin-2026Q3")
    assert list(listed) == households
    assert len(set(listed.values())) == len(households)
    assert households_of(listed) == {c: h for h, c in listed.items()}
    other = questionnaire_codes(households, SECRET, "haibin-2026Q4")
    assert not set(listed.values()) & set(other.values())
    again = questionnaire_codes(households, hashlib.sha256(b"x").digest(), "haibin-2026Q3")
    assert not set(listed.values()) & set(again.values())


# -- double entry ------------------------------------------------------------------------------

answers = st.sampled_from(["满意", "基本满意", "不满意", "不了解"])


@st.composite
def entries(draw: st.DrawFn) -> list[Entry]:
    """Returned questionnaires answered on every project; some not returned."""
    households = draw(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=12))
    found = []
    for code in dict.fromkeys(questionnaire_code(SECRET, "s", h) for h in households):
        if draw(st.booleans()) and draw(st.booleans()):
            found.append(Entry(code, "", "未交回"))
            continue
        found.extend(Entry(code, p, draw(answers)) for p in PROJECTS)
    return found


def _differ(answer: str) -> str:
    return "不满意" if answer != "不满意" else "满意"


@given(entries(), st.data())
def test_reconcile_reports_exactly_the_planted_mismatches(
    first: list[Entry], data: st.DataObject
) -> None:
    """E-4: change, drop or add rows of one entry; exactly those places are reported."""
    second: list[Entry | None] = list(first)
    planted: set[tuple[str, str]] = set()
    for index in data.draw(st.sets(st.integers(0, len(first) - 1), max_size=len(first))):
        entry = first[index]
        # A questionnaire not returned in one entry can only be missing from the other.
        if entry.project and data.draw(st.booleans()):
            second[index] = Entry(entry.code, entry.project, _differ(entry.answer))
        else:
            second[index] = None
        planted.add(entry.key)
    kept = [e for e in second if e is not None]
    extra = data.draw(st.booleans())
    if extra:
        added = Entry(first[0].code, "extra-project", "满意")
        kept.append(added)
        planted.add(added.key)
    order = data.draw(st.permutations(kept))
    found = reconcile(first, order)
    assert {(m.code, m.project) for m in found.mismatches} == planted
    assert (found.agreed is None) == bool(planted)
    for mismatch in found.mismatches:
        before = {e.key: e.answer for e in first}.get((mismatch.code, mismatch.project))
        assert mismatch.first == before


@given(entries(), st.randoms(use_true_random=False))
def test_two_equal_entries_agree_in_any_order(first: list[Entry], rnd: object) -> None:
    """E-4: the same rows in another order agree; not-returned questionnaires are counted."""
    second = list(first)
    rnd.shuffle(second)  # type: ignore[attr-defined]
    found = reconcile(first, second)
    assert found.mismatches == ()
    assert found.agreed == tuple(sorted((e for e in first if e.project), key=lambda e: e.key))
    assert found.not_returned == tuple(sorted(e.code for e in first if not e.project))


def test_spaces_and_widths_are_not_mismatches() -> None:
    """E-4: '满意 ' and '满意', 'Ａ' and 'A' are the same answer typed twice."""
    code = questionnaire_code(SECRET, "s", "h")
    found = reconcile([Entry(code, "p", "满意 ")], [Entry(code, "p", "满意")])
    assert found.mismatches == ()
    found = reconcile([Entry(code, "p", "Ａ")], [Entry(code, "p", "A")])
    assert found.mismatches == ()


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        ([Entry("ABCDEFGH", "p", "满意", "a.csv:row 2")], "is mistyped"),
        ([Entry("X", "p", "满意", "a.csv:row 2")], "is not a questionnaire code"),
        ([Entry("{c}", "p", "满意", "a.csv:row 2"), Entry("{c}", "p", "满意", "a.csv:row 3")],
         "is entered twice (also at a.csv:row 2)"),
        ([Entry("{c}", "", "满意", "a.csv:row 2")], "has an answer but no project"),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused_naming_it(rows: list[Entry], said: str) -> None:
    """E-4: a mistyped code, a row typed twice, an answer with no project: the row is named."""
    code = questionnaire_code(SECRET, "s", "h")
    rows = [Entry(e.code.format(c=code), e.project, e.answer, e.where) for e in rows]
    with pytest.raises(ParseError) as refused:
        reconcile(rows, [])
    assert said in refused.value.message
    assert refused.value.field == rows[-1].where
    assert refused.value.rule == "E-4"
    assert refused.value.zh


@pytest.mark.parametrize(
    ("mismatch", "zh", "en"),
    [
        (
            Mismatch("C", "lights", "满意", "不满意", "a.csv:row 3", "b.csv:row 4"),
            (
                "问卷 C，项目 lights：第一份录入为 '满意'，第二份为 '不满意'"
                "（a.csv:第 3 行；b.csv:第 4 行）"
            ),
            (
                "questionnaire C, project lights: first entry '满意', second '不满意' "
                "(a.csv:row 3; b.csv:row 4)"
            ),
        ),
        (
            Mismatch("C", "", "未交回", None, "a.csv:row 3"),
            "问卷 C，是否交回：第一份录入为 '未交回'，第二份为 （无）（a.csv:第 3 行）",
            (
                "questionnaire C, returned or not: first entry '未交回', second (nothing) "
                "(a.csv:row 3)"
            ),
        ),
    ],
)
def test_a_mismatch_is_one_line_in_each_language(mismatch: Mismatch, zh: str, en: str) -> None:
    """E-4: code, project (or returned or not), both entries' words, both rows."""
    assert mismatch.said("zh") == zh
    assert mismatch.said("en") == en


@functools.cache
def _demo_survey() -> tuple[Survey, PolicySnapshot]:
    data = demo_quarter(127, "2026Q3")
    return data.survey, data.policy.at(data.quarter.end)


@given(st.data())
def test_the_response_counts_exactly_who_answered(data: st.DataObject) -> None:
    """E-4: answers withdrawn from random households: counted, unanswered and the rate follow."""
    survey, policy = _demo_survey()
    certificate = survey.certificate
    counted = [
        *(h for h in certificate.sample if h in certificate.respondents),
        *(b for _, b in certificate.replacements if b in certificate.respondents),
    ]
    silent = data.draw(st.sets(st.sampled_from(counted), max_size=20))
    kept = [r for r in survey.responses if r.household not in silent]
    fewer = Survey(survey.quarter, certificate, survey.projects).respond_all(kept, policy)
    found = survey_return(fewer)
    assert found.sampled == certificate.size == 100
    assert found.unanswered == tuple(h for h in counted if h in silent)
    assert found.answered == len(counted) - len(silent)
    assert found.first_answered == sum(
        1 for h in certificate.sample if h in certificate.respondents and h not in silent
    )
    assert found.rate == Fraction(found.first_answered, 100)
    assert found.replacements == certificate.replacements
    assert 0 <= found.first_answered <= found.answered + len(found.replacements)
    document = found.to_document()
    assert document["unanswered"] == list(found.unanswered)


@given(st.data())
def test_a_response_reads_back_from_its_document(data: st.DataObject) -> None:
    """E-4: ``from_document(to_document())`` is the response, through JSON."""
    survey, _ = _demo_survey()
    found = survey_return(survey)
    document = json.loads(json.dumps(found.to_document()))
    assert SurveyReturn.from_document(document) == found
    name = data.draw(st.sampled_from(sorted(document)))
    broken = {k: v for k, v in document.items() if k != name}
    with pytest.raises(ParseError, match="not a survey response") as refused:
        SurveyReturn.from_document(broken)
    assert (refused.value.field, refused.value.rule) == ("response", "E-4")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"sampled": "100"}, "the counts whole numbers"),
        ({"extra": 1}, "its fields are"),
        ({"first_answered": 101}, "cannot be"),
        ({"answered": -1}, "cannot be"),
        ({"replacements": [["a"]]}, "not a survey response (ValueError"),
    ],
)
def test_a_response_that_cannot_be_is_refused(change: dict[str, object], said: str) -> None:
    """E-4: counts of the wrong kind, or more answers than households drawn."""
    survey, _ = _demo_survey()
    document = survey_return(survey).to_document() | change
    with pytest.raises(ParseError) as refused:
        SurveyReturn.from_document(document)
    assert said in refused.value.message
    assert refused.value.zh


def test_the_response_is_said_to_one_place_in_both_languages() -> None:
    """E-4: the percentage is rounded half up to one place; the document names every field."""
    found = SurveyReturn(
        sampled=3, first_answered=2, answered=3, replacements=(("a", "b"),), unanswered=()
    )
    assert found.said("zh") == (
        "首次抽中的 3 户中 2 户作答（66.7%）；按抽签顺序替换 1 户；计入 3 户，0 户未作答"
    )
    assert found.said("en") == (
        "2 of the 3 households first drawn answered (66.7%); 1 replaced in draw order; "
        "3 counted, 0 did not answer"
    )
    assert found.to_document() == {
        "sampled": 3,
        "first_answered": 2,
        "answered": 3,
        "replacements": [["a", "b"]],
        "unanswered": [],
    }
    assert SurveyReturn(0, 0, 0, (), ()).rate == 0
    half = SurveyReturn(200, 1, 1, (), ())
    assert half.said("en").startswith("1 of the 200 households first drawn answered (0.5%)")


def test_two_households_sharing_a_code_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-4: a collision (one chance in 31^7 a pair) is named, with the fix."""
    from community_governance.evaluation import fieldwork  # noqa: PLC0415

    monkeypatch.setattr(fieldwork, "questionnaire_code", lambda *_: "ABCDEFG2")
    with pytest.raises(ParseError) as refused:
        questionnaire_codes(["h1", "h2"], SECRET, "s")
    assert refused.value.message == (
        "households 'h1' and 'h2' share the code ABCDEFG2; make a new frame secret"
    )
    assert (refused.value.field, refused.value.rule) == ("secret", "E-4")
    assert refused.value.zh == "住户 'h1' 与 'h2' 的问卷编号相同（ABCDEFG2）；请重新生成抽样框密钥"


def test_a_row_without_a_place_is_named_by_its_entry() -> None:
    """E-4: entries built in code name the entry (first, second) where no row is known."""
    code = questionnaire_code(SECRET, "s", "h")
    for first, second, which in (([Entry("X", "p", "a")], [], "first"),
                                 ([], [Entry("X", "p", "a")], "second")):  # fmt: skip
        with pytest.raises(ParseError) as refused:
            reconcile(first, second)
        assert refused.value.field == which
    found = reconcile(
        [Entry(code, "p", "满意", "a.csv:row 2")], [Entry(code, "p", "不满意", "b.csv:row 5")]
    )
    assert found.mismatches == (
        Mismatch(code, "p", "满意", "不满意", "a.csv:row 2", "b.csv:row 5"),
    )
    only = reconcile([Entry(code, "p", "满意", "a.csv:row 2")], [])
    assert only.mismatches == (Mismatch(code, "p", "满意", None, "a.csv:row 2", ""),)
    other = reconcile([], [Entry(code, "p", "满意", "b.csv:row 2")])
    assert other.mismatches == (Mismatch(code, "p", None, "满意", "", "b.csv:row 2"),)
