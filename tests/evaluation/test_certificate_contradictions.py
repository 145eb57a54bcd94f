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
