"""A sample certificate that contradicts itself is refused on every route (E-4).

Without a frame, a certificate can still be checked against itself: ``size`` distinct
households drawn from ``frame_size``, an allocation summing to ``size``, each replacement
replacing a current respondent by a household not named before. With a frame,
[`check_drawn`][community_governance.evaluation.sampling.check_drawn] verifies it whole.
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import given, strategies as st

from community_governance.errors import SampleError
from community_governance.evaluation import (
    SampleCertificate,
    SamplingFrame,
    check_drawn,
    draw_sample,
)
from community_governance.policy import default_policy
from community_governance.schemas import CertificateDoc

FRAME = SamplingFrame([f"H{i:03d}" for i in range(300)])
RULES = default_policy().at(dt.date(2026, 9, 30))


def _drawn(seed: int = 7, replaced: int = 0) -> SampleCertificate:
    certificate = draw_sample(FRAME, seed, RULES, seed_source="dice")
    for household in certificate.sample[:replaced]:
        certificate = certificate.replace(household, FRAME)
    return certificate


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        (lambda c: {"sample": (*c.sample, "OUTSIDE")}, "certificate.sample", "names 101"),
        (lambda c: {"sample": c.sample[:-1]}, "certificate.sample", "names 99"),
        (
            lambda c: {"size": 301, "sample": (*c.sample, *(f"X{i}" for i in range(201)))},
            "certificate.size",
            "of 301 from a frame of 300",
        ),
        (
            lambda c: {"sample": (*c.sample[:-1], c.sample[0])},
            "certificate.sample",
            "sampled twice",
        ),
        (
            lambda _: {"replacements": (("NOT-SAMPLED", "H001"),)},
            "certificate.replacements",
            "not a current respondent",
        ),
        (
            lambda c: {"replacements": ((c.sample[0], c.sample[1]),)},
            "certificate.replacements",
            "named already",
        ),
        (
            lambda _: {"stratified": True, "allocation": {"A": 1}},
            "certificate.allocation",
            "sums to 1",
        ),
    ],
)
def test_each_contradiction_is_refused_without_a_frame(
    change: object, field: str, said: str
) -> None:
    """E-4: objects and the JSON document refuse alike, naming the field and the rule."""
    certificate = _drawn()
    changed = change(certificate)  # type: ignore[operator]
    with pytest.raises(SampleError, match=said) as refused:
        attrs.evolve(certificate, **changed)
    assert (refused.value.field, refused.value.rule) == (field, "E-4")
    document = json.loads(CertificateDoc.from_domain(certificate).model_dump_json())
    document.update(
        {k: list(v) if isinstance(v, tuple) else v for k, v in changed.items()},
    )
    with pytest.raises(SampleError, match=said):
        CertificateDoc.model_validate(document).to_domain()


def test_more_households_named_than_the_frame_holds_is_refused() -> None:
    """E-4: a sample and replacements naming more households than the frame holds."""
    small = SamplingFrame(["A", "B", "C"])
    certificate = draw_sample(small, 1, RULES, seed_source="dice")
    with pytest.raises(SampleError, match="more than its frame") as refused:
        attrs.evolve(certificate, replacements=((certificate.sample[0], "D"),))
    assert refused.value.field == "certificate.replacements"


@given(seed=st.integers(0, 10**6), replaced=st.integers(0, 5))
def test_every_true_draw_and_its_replacements_are_consistent(seed: int, replaced: int) -> None:
    """E-4: the library's own draws and replacements are never refused, and verify."""
    certificate = _drawn(seed, replaced)
    assert len(certificate.respondents) == certificate.size
    check_drawn(certificate, FRAME)


@given(
    seed=st.integers(0, 10**6),
    extra=st.lists(st.text("XYZ0123456789", min_size=1, max_size=4), min_size=1, max_size=3),
    keep_size=st.booleans(),
)
def test_a_household_slipped_into_a_sample_is_always_refused(
    seed: int, extra: list[str], *, keep_size: bool
) -> None:
    """E-4: households added to a sample are refused, with or without a matching size.

    Kept at its size, the certificate contradicts itself; given the larger size, it no
    longer matches its frame, and ``check_drawn`` says so.
    """
    certificate = _drawn(seed)
    added = tuple(f"X-{e}" for e in dict.fromkeys(extra))
    sample = (*certificate.sample, *added)
    if keep_size:
        with pytest.raises(SampleError):
            attrs.evolve(certificate, sample=sample)
        return
    grown = attrs.evolve(certificate, sample=sample, size=len(sample), frame_size=len(sample))
    with pytest.raises(SampleError, match="does not verify") as refused:
        check_drawn(grown, FRAME)
    assert (refused.value.field, refused.value.rule) == ("certificate", "E-4")


def test_the_household_sampled_twice_is_named() -> None:
    """E-4: the refusal names the household met a second time."""
    certificate = _drawn()
    twice = certificate.sample[3]
    with pytest.raises(SampleError) as refused:
        attrs.evolve(certificate, sample=(*certificate.sample[:-1], twice))
    assert refused.value.message == f"household {twice!r} is sampled twice"
    assert refused.value.zh == f"住户 {twice!r} 被抽中两次"


def test_replacements_are_followed_in_order() -> None:
    """E-4: a replacement may be replaced; what was replaced or named cannot be again."""
    certificate = _drawn(replaced=1)
    ((old, new),) = certificate.replacements
    chained = certificate.replace(new, FRAME)
    assert chained.replacements[0] == (old, new)
    assert chained.replacements[1][0] == new
    check_drawn(chained, FRAME)
    later = chained.replacements[1][1]
    with pytest.raises(SampleError, match=f"{old!r} is replaced, but it is not a current"):
        attrs.evolve(certificate, replacements=((old, new), (old, later)))
    with pytest.raises(SampleError, match=f"{new!r} replaces .*, but it is named already"):
        attrs.evolve(certificate, replacements=((old, new), (certificate.sample[1], new)))
    small = SamplingFrame(["A", "B", "C", "D"])
    two = default_policy().override({"evaluation.survey.size": 2}).at(dt.date(2026, 9, 30))
    drawn = draw_sample(small, 1, two, seed_source="dice")
    first, second = (h for h in small.households if h not in drawn.sample)
    chain = ((drawn.sample[0], first), (first, second), (second, "E"))
    with pytest.raises(SampleError, match="names 5 households, more than its frame's 4"):
        attrs.evolve(drawn, replacements=chain)


def test_check_drawn_says_the_first_problem() -> None:
    """E-4: the refusal carries verify_sample's first problem, in both languages."""
    certificate = attrs.evolve(_drawn(), frame_digest="0" * 64, frame_size=299)
    with pytest.raises(SampleError) as refused:
        check_drawn(certificate, FRAME)
    assert refused.value.message == (
        "the certificate does not verify against the frame: "
        "the frame's digest differs from the certificate's"
    )
    assert refused.value.zh == "证书与抽样框核对不符：抽样框摘要与证书上的不同"
