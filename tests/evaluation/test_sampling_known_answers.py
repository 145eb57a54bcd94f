"""Known answers and refusals of the household draw, its replacements and its check (E-4).

The allocation to strata is Hamilton's largest-remainder method, checked on answers worked
out by hand (the worked example's {A: 5, B: 3, C: 2} with n = 4 gives {2, 1, 1}; smallest-first
would give {2, 2, 0}); the frame digest is recomputed from bytes written by hand; the ticket
order itself is checked against the publisher's package in ``test_tickets``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import attrs
import pytest

from community_governance.errors import GovernanceError, ParseError, SampleError
from community_governance.evaluation import (
    SampleCertificate,
    SamplingFrame,
    draw_sample,
    sample_order,
    verify_sample,
)
from community_governance.evaluation.tickets import ALGORITHM_V1, ticket_order
from community_governance.policy import default_policy
from community_governance.schemas.evaluation import CertificateDoc

POLICY = default_policy()
DAY = dt.date(2026, 9, 30)
HOUSEHOLDS = [f"H{i:02d}" for i in range(10)]
STRATA = {h: ("A" if i < 5 else "B" if i < 8 else "C") for i, h in enumerate(HOUSEHOLDS)}
FRAME = SamplingFrame(HOUSEHOLDS, STRATA)
TIE_BREAK = "largest remainder; equal remainders go to the stratum whose name sorts first"


def _size(n: int) -> object:
    return POLICY.override({"evaluation.survey.size": n}).at(DAY)


def _stratified(sizes: dict[str, int], n: int) -> dict[str, int]:
    households = [f"{name}{i}" for name, size in sizes.items() for i in range(size)]
    frame = SamplingFrame(households, {h: h[0] for h in households})
    certificate = draw_sample(frame, 7, _size(n), seed_source="t", stratified=True)  # type: ignore[arg-type]
    assert len(certificate.sample) == n
    return dict(certificate.allocation)


@pytest.mark.parametrize(
    ("sizes", "n", "allocation"),
    [
        ({"A": 5, "B": 3, "C": 2}, 4, {"A": 2, "B": 1, "C": 1}),  # remainders .2, .8: C first
        ({"A": 6, "B": 3, "C": 1}, 5, {"A": 3, "B": 2, "C": 0}),  # .5 and .5: B sorts first
        ({"A": 1, "B": 1}, 1, {"A": 1, "B": 0}),
        ({"A": 7, "B": 2, "C": 1}, 10, {"A": 7, "B": 2, "C": 1}),  # a census: exact quotas
        ({"A": 34, "B": 33, "C": 33}, 10, {"A": 4, "B": 3, "C": 3}),
    ],
)
def test_the_allocation_is_largest_remainder(
    sizes: dict[str, int], n: int, allocation: dict[str, int]
) -> None:
    """E-4: floors of the exact quotas, then one each to the largest remainders."""
    assert _stratified(sizes, n) == allocation


DRAW_ZH = """\
抽取民意测评住户
结论: 抽取 4 户
适用规则: E-4
读取的参数:
  evaluation.survey.size = 4 (E-4, 生效于 2021-01-21)
  evaluation.survey.small_frame = census (E-4, 生效于 2021-01-21)
关键输入:
  frame_size = 10
  seed = 2026
步骤:
  1. 样本量 n = min(规定户数, 抽样框户数) = 4
  2. 按层分配（最大余数法） = {A: 2, B: 1, C: 1}"""


def test_a_stratified_draw_is_known_and_explained() -> None:
    """E-4: the certificate, its explanation and its document, field by field."""
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice", stratified=True)  # type: ignore[arg-type]
    netstrings = b"".join(b"3:" + h.encode() + b"," for h in HOUSEHOLDS)
    assert FRAME.digest == hashlib.sha256(netstrings).hexdigest()
    assert certificate.frame_digest == FRAME.digest
    assert (certificate.frame_size, certificate.size, certificate.seed) == (10, 4, "2026")
    assert certificate.sample == ("H08", "H03", "H05", "H04")
    assert dict(certificate.allocation) == {"A": 2, "B": 1, "C": 1}
    assert (certificate.stratified, certificate.tie_break) == (True, TIE_BREAK)
    assert certificate.explanation is not None
    assert certificate.explanation.to_text("zh") == DRAW_ZH
    assert certificate.explanation.outcome.en == "4 households drawn"
    assert [s.text.en for s in certificate.explanation.steps] == [
        "n = min(survey size, frame size)",
        "allocation to strata (largest remainder)",
    ]
    twice = certificate.replace("H08", FRAME).replace("H03", FRAME)
    # Each replacement is the next unused household of the same stratum in ticket order.
    assert twice.replacements == (("H08", "H09"), ("H03", "H00"))
    assert twice.respondents == {"H09", "H00", "H05", "H04"}
    assert CertificateDoc.from_domain(twice).model_dump(mode="json") == {
        "document": "certificate",
        "algorithm": "consistent-sampler",
        "version": 2,
        "frame_digest": FRAME.digest,
        "frame_size": 10,
        "seed": "2026",
        "seed_source": "dice",
        "size": 4,
        "sample": ["H08", "H03", "H05", "H04"],
        "stratified": True,
        "allocation": {"A": 2, "B": 1, "C": 1},
        "tie_break": TIE_BREAK,
        "replacements": [["H08", "H09"], ["H03", "H00"]],
    }
    check = verify_sample(twice, FRAME)
    assert (check.ok, check.problems, bool(check)) == (True, (), True)
    assert check.explanation.outcome.en == "the draw checks out"
    assert [(s.text.en, s.value) for s in check.explanation.steps] == [
        ("frame digest", FRAME.digest),
        ("sample recomputed", "[H08, H03, H05, H04]"),
    ]
    plain = draw_sample(FRAME, "2026", _size(4), seed_source="dice")  # type: ignore[arg-type]
    assert (plain.stratified, plain.tie_break, dict(plain.allocation)) == (False, None, {})
    assert plain.explanation is not None
    assert len(plain.explanation.steps) == 1


#: Each kind of tampering, its problem and the same in Chinese.
TAMPERING: list[tuple[dict[str, object], str, str]] = [
    ({"algorithm": "lottery"}, "unknown algorithm lottery v2", "未知的抽样算法 lottery v2"),
    (
        {"frame_digest": "0" * 64},
        "the frame's digest differs from the certificate's",
        "抽样框摘要与证书上的不同",
    ),
    (
        {"frame_size": 11},
        "the frame has 10 households, the certificate says 11",
        "抽样框有 10 户，证书上写的是 11 户",
    ),
    (
        {"sample": ("H08", "H03", "H04", "H05")},
        "the sample differs from the one the seed",
        "样本与随机种子和抽样框给出的不同",
    ),
    (
        {"replacements": (("H08", "H00"),)},
        "H08 should have been replaced by H09, not H00",
        "H08 应由 H09 替换，而不是 H00",
    ),
    (
        {
            "sample": ("X1", "X2", "X3", "X4"),
            "replacements": (("X1", "X5"), ("X2", "X6"), ("X3", "X7")),
        },
        (
            "the certificate names households not in the frame: 'X1', 'X2', 'X3', 'X4', 'X5' "
            "and 2 more"
        ),
        "证书列出了抽样框中没有的住户：'X1', 'X2', 'X3', 'X4', 'X5' 等（另有 2 户）",
    ),
    (
        {"sample": ("X1", "H03", "H05", "H04")},
        "the certificate names households not in the frame: 'X1'",
        "证书列出了抽样框中没有的住户：'X1'",
    ),
]


@pytest.mark.parametrize(("change", "problem", "chinese"), TAMPERING)
def test_each_kind_of_tampering_is_said_in_chinese(
    change: dict[str, object], problem: str, chinese: str
) -> None:
    """E-4: the first problem, word for word, in both languages."""
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice", stratified=True)  # type: ignore[arg-type]
    check = verify_sample(attrs.evolve(certificate, **change), FRAME)  # type: ignore[arg-type]
    assert check.problems[0].startswith(problem)
    assert check.problems_zh[0] == chinese
    assert len(check.problems_zh) == len(check.problems)


@pytest.mark.parametrize(("change", "problem"), [(c, p) for c, p, _ in TAMPERING[:5]])
def test_each_kind_of_tampering_is_named(change: dict[str, object], problem: str) -> None:
    """E-4: an unknown algorithm, another frame, a reordered sample, a wrong replacement."""
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice", stratified=True)  # type: ignore[arg-type]
    check = verify_sample(attrs.evolve(certificate, **change), FRAME)  # type: ignore[arg-type]
    assert not check.ok
    assert not check
    assert check.problems[0].startswith(problem)
    assert check.explanation.outcome.zh == "抽样与证书不符"
    assert check.explanation.steps[-1].text.en == f"problem found: {check.problems[-1]}"
    assert check.explanation.steps[-1].text.zh == f"发现问题：{check.problems_zh[-1]}"


@pytest.mark.parametrize(
    ("frame", "seed", "source", "field"),
    [
        (SamplingFrame([]), 1, "dice", "frame"),
        (FRAME, True, "dice", "seed"),
        (FRAME, "", "dice", "seed"),
        (FRAME, 1.5, "dice", "seed"),
        (FRAME, 1, "  ", "seed_source"),
        (SamplingFrame(HOUSEHOLDS), 1, "dice", "frame.strata"),
    ],
)
def test_a_draw_refuses_what_it_cannot_draw_from(
    frame: SamplingFrame, seed: object, source: str, field: str
) -> None:
    """E-4: an empty frame, a seed that is not an integer or text, no seed source, no strata."""
    with pytest.raises(SampleError) as raised:
        draw_sample(frame, seed, _size(4), seed_source=source, stratified=True)  # type: ignore[arg-type]
    assert (raised.value.field, raised.value.rule) == (field, "E-4")


def test_a_small_frame_is_a_census_or_an_error_as_the_policy_says() -> None:
    """E-4: ten households and a survey of 100: all ten, or an error under ``error``."""
    census = draw_sample(FRAME, 1, POLICY.at(DAY), seed_source="dice")
    assert sorted(census.sample) == HOUSEHOLDS
    strict = POLICY.override({"evaluation.survey.small_frame": "error"}).at(DAY)
    with pytest.raises(SampleError, match="fewer than the survey size 100") as raised:
        draw_sample(FRAME, 1, strict, seed_source="dice")
    assert (raised.value.field, raised.value.rule) == ("frame", "E-4")
    assert len(draw_sample(FRAME, 1, _size(10), seed_source="dice").sample) == 10  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("households", "strata", "error", "field"),
    [
        (["H1", " H1"], {}, ParseError, "frame.households"),
        (["H1", "H\n2"], {}, ParseError, "frame.households"),
        (["H1", "H\x002"], {}, ParseError, "frame.households"),
        (["H1", ""], {}, ParseError, "frame.households"),
        (["H1", 2], {}, ParseError, "frame.households"),
        (["H1", "H1"], {}, ParseError, "frame.households"),
        (["H1", "H2"], {"H1": "A"}, ParseError, "frame.strata"),
        (["H1"], {"H1": "A", "H9": "B"}, ParseError, "frame.strata"),
    ],
)
def test_a_bad_frame_names_its_field(
    households: list[object], strata: dict[str, str], error: type[GovernanceError], field: str
) -> None:
    """E-4: ids are non-empty visible text, listed once; strata name them all.

    Outer spaces are not part of an id, so " H1" is H1 again.
    """
    with pytest.raises(error) as raised:
        SamplingFrame(households, strata)
    assert (raised.value.field, raised.value.rule) == (field, "E-4")


def test_a_frame_reads_ids_as_every_route_does() -> None:
    """E-4: outer spaces dropped and the composed form kept, as a table's cells are read."""
    frame = SamplingFrame([" H1 ", "Cafe\u0301"])
    assert frame.households == ("Caf\u00e9", "H1")


def test_replacing_needs_the_frame_a_respondent_and_a_reserve() -> None:
    """E-4: another frame, a household not answering for the sample, an exhausted reserve."""
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice", stratified=True)  # type: ignore[arg-type]
    other = SamplingFrame([*HOUSEHOLDS, "H10"], {**STRATA, "H10": "A"})
    with pytest.raises(SampleError, match="not the one drawn from") as wrong:
        certificate.replace("H08", other)
    assert (wrong.value.field, wrong.value.rule) == ("frame", "E-4")
    with pytest.raises(SampleError, match="not a current respondent") as outsider:
        certificate.replace("H01", FRAME)
    assert (outsider.value.field, outsider.value.rule) == ("household", "E-4")
    once = certificate.replace("H08", FRAME)  # C has two households: H08 and H09
    with pytest.raises(SampleError, match="exhausted") as empty:
        once.replace("H09", FRAME)
    assert (empty.value.field, empty.value.rule) == ("household", "E-4")
    with pytest.raises(SampleError, match="a pair of households") as pairs:
        SampleCertificate("d", 1, 1, "s", 1, ("H1",), replacements=(("H1",),))
    assert (pairs.value.field, pairs.value.rule) == ("replacements", "E-4")


def _draft_ticket(household: str, seed: str) -> str:
    """Version 1's ticket, written out from its description with hashlib."""
    seed_hash = hashlib.sha256(seed.encode()).hexdigest()
    inner = hashlib.sha256(f"{seed_hash}:id:{household}".encode()).hexdigest()
    return hashlib.sha256((inner + "0").encode()).hexdigest()


def test_version_1_certificates_still_verify_by_the_drafts_tickets() -> None:
    """E-4: the draft orders by hexadecimal tickets and digests ids joined by newlines."""
    households = [f"H{i:02d}" for i in range(40)]
    frame = SamplingFrame(households)
    expected = tuple(sorted(households, key=lambda h: (_draft_ticket(h, "7"), h)))
    assert sample_order(frame, "7", version=1) == expected
    assert frame.digest_for(1) == hashlib.sha256("\n".join(households).encode()).hexdigest()
    assert frame.digest_for(2) == frame.digest
    old = SampleCertificate(
        frame.digest_for(1), 40, "7", "dice", 5, expected[:5], algorithm=ALGORITHM_V1, version=1
    )
    assert verify_sample(old, frame).ok
    replaced = old.replace(expected[0], frame)
    assert replaced.replacements == ((expected[0], expected[5]),)
    assert verify_sample(replaced, frame).ok
    assert not verify_sample(attrs.evolve(old, sample=expected[1:6]), frame).ok
    iterated = list(ticket_order(households, "7", 1, frame.digest_for(1)))
    assert tuple(iterated) == expected


VERIFIED_ZH = f"""\
核验住户抽样
结论: 抽样可复核，结果一致
适用规则: E-4
步骤:
  1. 抽样框摘要 = {FRAME.digest}
  2. 重新抽取的样本 = [H08, H03, H05, H04]"""

REFUSED_EN = f"""\
Verify a household sample
Outcome: the draw does not match the certificate
Rules applied: E-4
Steps:
  1. frame digest = {FRAME.digest}
  2. problem found: the frame's digest differs from the certificate's
  3. problem found: the frame has 10 households, the certificate says 11"""


def test_a_check_explains_itself_and_lists_every_problem() -> None:
    """E-4: the golden explanations of a check that passes and of one with two problems."""
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice", stratified=True)  # type: ignore[arg-type]
    assert verify_sample(certificate, FRAME).explanation.to_text("zh") == VERIFIED_ZH
    bad = attrs.evolve(certificate, frame_size=11, frame_digest="0" * 64)
    check = verify_sample(bad, FRAME)
    assert check.explanation.to_text("en") == REFUSED_EN
    assert [s.text.zh for s in check.explanation.steps][1:] == [
        "发现问题：抽样框摘要与证书上的不同",
        "发现问题：抽样框有 10 户，证书上写的是 11 户",
    ]
    assert check.problems_zh == ("抽样框摘要与证书上的不同", "抽样框有 10 户，证书上写的是 11 户")
    unknown = verify_sample(attrs.evolve(certificate, version=9), FRAME)
    assert unknown.problems == ("unknown algorithm consistent-sampler v9",)
    plain = draw_sample(FRAME, "2026", _size(4), seed_source="dice")  # type: ignore[arg-type]
    assert plain.explanation is not None
    assert plain.explanation.title.en == "Draw the survey households"


def test_a_plain_draws_replacement_ignores_strata() -> None:
    """E-4: unstratified, the next household in ticket order replaces, whatever its stratum."""
    plain = draw_sample(FRAME, "2026", _size(4), seed_source="dice")  # type: ignore[arg-type]
    assert plain.sample == ("H08", "H03", "H05", "H06")
    # H04 (stratum A) is next in ticket order; H08 is in stratum C.
    assert plain.replace("H08", FRAME).replacements == (("H08", "H04"),)


def test_a_frame_exactly_the_survey_size_is_drawn_whole_even_under_error() -> None:
    """E-4: ``small_frame = error`` refuses fewer households than the size, not as many."""
    strict = POLICY.override(
        {"evaluation.survey.small_frame": "error", "evaluation.survey.size": 10}
    ).at(DAY)
    assert len(draw_sample(FRAME, 1, strict, seed_source="dice").sample) == 10
    dated = POLICY.override({"evaluation.survey.size": {"value": 3, "valid_from": "2026-10-01"}})
    assert draw_sample(FRAME, 1, dated, seed_source="dice", at=dt.date(2026, 10, 1)).size == 3
    assert draw_sample(FRAME, 1, dated, seed_source="dice", at=DAY).size == 10


@pytest.mark.parametrize(
    ("frame", "seed", "source", "words"),
    [
        (SamplingFrame([]), 1, "dice", "holds no household"),
        (FRAME, True, "dice", "an integer or non-empty text"),
        (FRAME, 1, "  ", "say how the seed was produced"),
        (SamplingFrame(HOUSEHOLDS), 1, "dice", "needs strata"),
    ],
)
def test_a_refused_draw_says_why(
    frame: SamplingFrame, seed: object, source: str, words: str
) -> None:
    """E-4: each refusal of a draw says what is missing."""
    with pytest.raises(SampleError, match=words):
        draw_sample(frame, seed, _size(4), seed_source=source, stratified=True)  # type: ignore[arg-type]


def test_a_bad_frame_says_which_households() -> None:
    """E-4: the first three missing or unknown households are named."""
    with pytest.raises(ParseError, match="holds the invisible character U\\+200B"):
        SamplingFrame(["H1", "H\u200b2"])
    with pytest.raises(ParseError) as raised:
        SamplingFrame(
            ["H1", "H2", "H3", "H4", "H5"],
            {"H5": "A", "X1": "B", "X2": "B", "X3": "B", "X4": "B"},
        )
    assert raised.value.message == (
        "strata must name exactly the frame's households (missing ['H1', 'H2', 'H3'], "
        "unknown ['X1', 'X2', 'X3'])"
    )


def test_a_household_listed_twice_is_named() -> None:
    """E-4: the frame's error names the first household met twice, in the order given."""
    with pytest.raises(ParseError) as raised:
        SamplingFrame(["H3", "H1", "H2", "H1", "H3"])
    assert raised.value.message == "household 'H1' is listed twice"


def test_verification_names_the_households_the_frame_lacks() -> None:
    """E-4: a certificate naming households outside the frame says which (five at most)."""
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice")  # type: ignore[arg-type]
    outside = attrs.evolve(certificate, sample=("X1", *certificate.sample[1:]))
    check = verify_sample(outside, FRAME)
    assert not check.ok
    assert check.problems[0] == "the certificate names households not in the frame: 'X1'"
    many = attrs.evolve(
        certificate,
        sample=("X0", "X1", "X2", "X3"),
        replacements=(("X0", "X4"), ("X1", "X5"), ("X2", "X6"), ("X3", "X9")),
    )
    assert verify_sample(many, FRAME).problems[0] == (
        "the certificate names households not in the frame: 'X0', 'X1', 'X2', 'X3', 'X4' and 3 more"
    )
    inside = verify_sample(certificate, FRAME)
    assert inside.ok
    assert not any("not in the frame" in p for p in inside.problems)


@pytest.mark.parametrize(
    ("outside", "said"),
    [
        (5, "'X0', 'X1', 'X2', 'X3', 'X4'"),
        (6, "'X0', 'X1', 'X2', 'X3', 'X4' and 1 more"),
    ],
)
def test_five_households_outside_are_all_named_and_a_sixth_is_counted(
    outside: int, said: str
) -> None:
    """E-4: up to five households outside the frame are named; past five, the rest counted."""
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice")  # type: ignore[arg-type]
    replaced = tuple((f"X{i}", f"X{i + 4}") for i in range(outside - 4))
    many = attrs.evolve(certificate, sample=("X0", "X1", "X2", "X3"), replacements=replaced)
    assert verify_sample(many, FRAME).problems[0] == (
        f"the certificate names households not in the frame: {said}"
    )


def test_a_replacement_from_another_stratum_is_found_when_the_stratum_runs_out() -> None:
    """E-4: C holds H08 and H09; after H08 -> H09, H09 can only be replaced within C.

    A certificate that replaces H09 by a household of another stratum agrees with itself,
    and the replay says the reserve of C is exhausted, in both languages.
    """
    certificate = draw_sample(FRAME, "2026", _size(4), seed_source="dice", stratified=True)  # type: ignore[arg-type]
    once = certificate.replace("H08", FRAME)
    assert once.replacements == (("H08", "H09"),)
    other = next(h for h in FRAME.households if h not in {*certificate.sample, "H09"})
    forged = attrs.evolve(once, replacements=(("H08", "H09"), ("H09", other)))
    check = verify_sample(forged, FRAME)
    assert not check.ok
    assert check.problems == ("replacement of H09: the reserve list is exhausted",)
    assert check.problems_zh == ("替换 H09：备选名单已用完",)
