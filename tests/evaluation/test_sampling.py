"""Verifiable household sampling (E-4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from fractions import Fraction

import attrs
import pytest
from hypothesis import assume, given, strategies as st

from community_governance.errors import ParseError, SampleError
from community_governance.evaluation import (
    SamplingFrame,
    draw_sample,
    sample_order,
    ticket,
    ticket_hex,
    verify_sample,
)
from community_governance.policy import default_policy
from tests.strategies import frames, seeds

POLICY = default_policy()
RULES = POLICY.at(dt.date(2026, 9, 30))


def with_size(n: int) -> object:
    """The default policy's snapshot with survey size n."""
    return POLICY.override({"evaluation.survey.size": n}).at(dt.date(2026, 9, 30))


def test_the_golden_vector_of_the_consistent_sampler() -> None:
    """E-4: version 1 (the draft's tickets): seed 31415 orders B-1, B-2, A-2, B-3, A-1, A-3."""
    frame = SamplingFrame(["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"])
    assert sample_order(frame, 31415, version=1) == ("B-1", "B-2", "A-2", "B-3", "A-1", "A-3")
    assert [ticket_hex(h, 31415)[:10] for h in ("B-1", "B-2", "A-2")] == [
        "209a9f6594",
        "5ee90a669e",
        "710ef2b7e8",
    ]
    assert ticket("B-1", 31415) == Fraction(int(ticket_hex("B-1", 31415), 16), 2**256)


def test_the_re_check_recipe_in_twenty_lines() -> None:
    """E-4: version 1's recipe, written independently with hashlib, gives the same order."""

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    ids = ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"]
    seed_hash = sha("31415")
    order = sorted(ids, key=lambda h: (sha(sha(seed_hash + ":id:" + h) + "0"), h))
    assert tuple(order) == sample_order(ids, 31415, version=1)


@given(frames(), seeds, st.randoms())
def test_sampling_is_deterministic_and_independent_of_frame_order(
    frame: SamplingFrame, seed: int | str, rnd: random.Random
) -> None:
    """E-4: the same (seed, frame) gives the same sample, whatever order the ids came in."""
    shuffled = list(frame.households)
    rnd.shuffle(shuffled)
    again = SamplingFrame(shuffled)
    assert again.digest == frame.digest
    first = draw_sample(frame, seed, RULES, seed_source="test")
    assert draw_sample(again, seed, RULES, seed_source="test") == first


@given(frames(), seeds, st.integers(1, 40))
def test_samples_are_prefix_consistent_duplicate_free_and_of_the_right_size(
    frame: SamplingFrame, seed: int | str, n: int
) -> None:
    """E-4: the sample of n starts the sample of n + 1; no duplicates; size min(n, N)."""
    small = draw_sample(frame, seed, with_size(n), seed_source="t").sample  # type: ignore[arg-type]
    large = draw_sample(frame, seed, with_size(n + 1), seed_source="t").sample  # type: ignore[arg-type]
    assert large[: len(small)] == small
    assert len(set(small)) == len(small) == min(n, len(frame))
    assert set(small) <= set(frame.households)


def test_a_frame_smaller_than_the_survey_is_surveyed_whole_or_refused() -> None:
    """E-4: with fewer than 100 households every household is surveyed (census), or it raises."""
    frame = SamplingFrame([f"H-{i}" for i in range(40)])
    assert set(draw_sample(frame, 7, RULES, seed_source="t").sample) == set(frame.households)
    strict = POLICY.override({"evaluation.survey.small_frame": "error"}).at(dt.date(2026, 9, 30))
    with pytest.raises(SampleError, match="fewer than the survey size 100"):
        draw_sample(frame, 7, strict, seed_source="t")


@given(frames(min_size=2, strata=True), seeds, st.integers(1, 30))
def test_a_stratified_sample_is_the_global_order_filtered(
    frame: SamplingFrame, seed: int | str, n: int
) -> None:
    """E-4: stratified draws follow the global ticket order, with a largest-remainder allocation."""
    certificate = draw_sample(frame, seed, with_size(n), seed_source="t", stratified=True)  # type: ignore[arg-type]
    order = sample_order(frame, seed)
    chosen = set(certificate.sample)
    assert certificate.sample == tuple(h for h in order if h in chosen)
    total = min(n, len(frame))
    assert sum(certificate.allocation.values()) == total == len(certificate.sample)
    for stratum, allocated in certificate.allocation.items():
        size = sum(1 for h in frame.households if frame.strata[h] == stratum)
        quota = Fraction(total * size, len(frame))
        assert abs(allocated - quota) < 1
        picked = [h for h in certificate.sample if frame.strata[h] == stratum]
        assert picked == [h for h in order if frame.strata[h] == stratum][:allocated]
    assert certificate.tie_break is not None


@given(frames(min_size=5), seeds, st.integers(1, 4), st.data())
def test_replacements_are_the_next_reserve_and_verify(
    frame: SamplingFrame, seed: int | str, n: int, data: st.DataObject
) -> None:
    """E-4: a non-respondent is replaced by the next unused household in ticket order."""
    assume(len(frame) > n)
    certificate = draw_sample(frame, seed, with_size(n), seed_source="t")  # type: ignore[arg-type]
    out = data.draw(st.sampled_from(certificate.sample))
    replaced = certificate.replace(out, frame)
    order = sample_order(frame, seed)
    assert replaced.replacements == ((out, order[n]),)
    assert out not in replaced.respondents
    assert order[n] in replaced.respondents
    assert certificate.replacements == ()  # the original is untouched
    assert verify_sample(replaced, frame).ok


def test_replacing_someone_who_is_not_a_respondent_is_refused() -> None:
    """E-4: only a current respondent can be replaced, and the reserve can run out."""
    frame = SamplingFrame(["A", "B", "C"])
    certificate = draw_sample(frame, 1, with_size(2), seed_source="t")  # type: ignore[arg-type]
    reserve = sample_order(frame, 1)[2]
    with pytest.raises(SampleError, match="not a current respondent"):
        certificate.replace(reserve, frame)
    once = certificate.replace(certificate.sample[0], frame)
    with pytest.raises(SampleError, match="exhausted"):
        once.replace(certificate.sample[1], frame)


@given(frames(min_size=3), seeds)
def test_verification_catches_every_kind_of_tampering(
    frame: SamplingFrame, seed: int | str
) -> None:
    """E-4: a changed seed, sample, frame or replacement fails verification, naming the problem."""
    certificate = draw_sample(frame, seed, with_size(2), seed_source="t")  # type: ignore[arg-type]
    assert verify_sample(certificate, frame).ok
    other_seed = attrs.evolve(certificate, seed=f"{seed}x")
    swapped = attrs.evolve(certificate, sample=certificate.sample[::-1])
    smaller = SamplingFrame(frame.households[:-1])
    outsider = next(h for h in sample_order(frame, seed) if h not in certificate.sample)
    bad_replacement = attrs.evolve(certificate, replacements=((certificate.sample[0], "ZZ-9999"),))
    for tampered, in_frame in (
        (other_seed, frame),
        (swapped, frame),
        (certificate, smaller),
        (bad_replacement, frame),
    ):
        if (
            tampered is other_seed
            and sample_order(frame, other_seed.seed)[:2] == certificate.sample
        ):
            continue  # another seed can give the same sample: that is not tampering
        result = verify_sample(tampered, in_frame)
        assert not result.ok
        assert result.problems
        assert "E-4" in result.explanation.rules
    assert outsider not in certificate.sample


def test_frames_refuse_duplicates_and_bad_strata() -> None:
    """E-4: a frame lists each household once; strata name exactly its households."""
    with pytest.raises(ParseError, match="twice"):
        SamplingFrame(["A", "A"])
    with pytest.raises(ParseError, match="strata"):
        SamplingFrame(["A", "B"], {"A": "north"})
    with pytest.raises(SampleError, match="seed"):
        draw_sample(SamplingFrame(["A"]), "", RULES, seed_source="t")
    with pytest.raises(SampleError, match="seed"):
        draw_sample(SamplingFrame(["A"]), 1, RULES, seed_source=" ")
