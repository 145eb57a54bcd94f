"""The sampler is Rivest's released consistent sampler, checked against the publisher (E-4).

Golden vectors come from the ``consistent-sampler`` package's own doctests and test file;
a differential property compares the library with the package itself on random frames of
unicode ids and text seeds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings

import pytest
from consistent_sampler import sampler
from hypothesis import example, given, strategies as st

from community_governance import default_policy
from community_governance.errors import ParseError
from community_governance.evaluation import (
    ALGORITHM,
    ALGORITHM_VERSION,
    SampleCertificate,
    SamplingFrame,
    draw_sample,
    first_fraction,
    sample_order,
    verify_sample,
)
from community_governance.evaluation.tickets import ALGORITHM_V1, TicketOrder, frame_digest
from community_governance.ids import LookalikeWarning
from tests.strategies import clean_ids

RULES = default_policy().at(dt.date(2026, 9, 30))
SIX = ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"]


def test_the_publishers_doctest_vector() -> None:
    """E-4: first_fraction('AB-130', '01382438112797316654') starts as the package says."""
    assert first_fraction("AB-130", "01382438112797316654").startswith(
        "0.2629971412283800841650754429754666"
    )
    assert first_fraction("AB-130", "01382438112797316654") == (
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
    )


def test_the_publishers_examples() -> None:
    """E-4: the package's README and test-file examples, seeds as the publisher wrote them."""
    # The README of the package, for the ids ab-1, ab-2, cd-1, ef-3 and the seed 314159.
    assert sample_order(["ab-1", "ab-2", "cd-1", "ef-3"], 314159) == (
        "cd-1",
        "ef-3",
        "ab-1",
        "ab-2",
    )
    # test_consistent_sampler.py, examples X1..X3: shuffles and their consistency.
    assert sample_order(SIX, 314159) == ("B-2", "B-3", "A-3", "A-2", "B-1", "A-1")
    assert sample_order(["B-1", "B-2", "B-3"], 314159) == ("B-2", "B-3", "B-1")
    # make_ticket_heap's doctest: cat 0.2486..., dog 0.3388..., goat 0.4959..., fish 0.7468...
    assert sample_order(["dog", "cat", "fish", "goat"], "xy()134!g2n") == (
        "cat",
        "dog",
        "goat",
        "fish",
    )
    assert first_fraction("cat", "xy()134!g2n").startswith("0.24866413894129579898")


ids = clean_ids
text_seeds = st.text(min_size=1, max_size=24)


@given(st.lists(ids, min_size=1, max_size=40, unique=True), text_seeds)
@example(["A\u0386"], "0")  # a Latin and a Greek letter in one id: a look-alike, drawn anyway
def test_the_order_is_the_publishers_package_order(households: list[str], seed: str) -> None:
    """E-4: for unicode ids and text seeds, our order is sampler(..., with_replacement=False)."""
    theirs = tuple(sampler(households, seed=seed, with_replacement=False, output="id"))
    assert sample_order(households, seed) == theirs
    frame = SamplingFrame(households)
    n = min(len(households), 5)
    # Any ids at all, look-alikes too (the policy's check is not what is compared here).
    lenient = {"evaluation.survey.size": n, "input.ids.lookalikes": "warn"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LookalikeWarning)
        certificate = draw_sample(
            frame,
            seed,
            default_policy().override(lenient).at(dt.date(2026, 9, 30)),
            seed_source="test",
        )
    assert certificate.sample == theirs[:n]
    assert (certificate.algorithm, certificate.version) == (ALGORITHM, ALGORITHM_VERSION)


@given(st.lists(ids, min_size=1, max_size=60, unique=True), text_seeds, st.integers(1, 80))
def test_the_lazy_order_deepens_to_the_full_order(
    households: list[str], seed: str, depth: int
) -> None:
    """E-4: every prefix the lazy order gives is a prefix of the full order, however deep."""
    order = TicketOrder(sorted(households), seed, 2)
    first = order.prefix(depth)
    full = tuple(sampler(households, seed=seed, output="id"))
    assert first == full[:depth]
    assert tuple(order) == full
    assert order.prefix(depth) == first


def test_seeds_are_text_hashed_as_announced() -> None:
    """E-4: "007", "7" and 7 are different seeds unless their text is the same."""
    assert sample_order(SIX, "007") == tuple(sampler(SIX, seed="007", output="id"))
    assert sample_order(SIX, 7) == sample_order(SIX, "7")
    assert sample_order(SIX, "007") != sample_order(SIX, "7")


def test_the_frame_digest_is_unambiguous() -> None:
    """E-4: ids with newlines cannot make two lists share a digest (netstrings, version 2).

    A frame refuses such ids (they hide a character), and the digest does not rely on it.
    """
    one, two = ["a\nb", "c"], ["a", "b\nc"]
    assert frame_digest(one) != frame_digest(two)
    assert frame_digest(one, 1) == frame_digest(two, 1)  # the ambiguity of version 1
    data = b"".join(b"%d:%s," % (len(h.encode()), h.encode()) for h in sorted(one))
    assert frame_digest(one) == hashlib.sha256(data).hexdigest()
    with pytest.raises(ParseError, match="U\\+000A"):
        SamplingFrame(one)
    assert frame_digest(["A-1"]) == hashlib.sha256(b"3:A-1,").hexdigest()


def test_version_one_certificates_still_verify() -> None:
    """E-4: a certificate of the draft's algorithm verifies by its own rule, replacements too."""
    frame = SamplingFrame(SIX)
    v1_order = sample_order(frame, 31415, version=1)
    certificate = SampleCertificate(
        frame_digest=frame.digest_for(1),
        frame_size=6,
        seed=31415,
        seed_source="dice",
        size=2,
        sample=v1_order[:2],
        algorithm=ALGORITHM_V1,
        version=1,
    )
    assert verify_sample(certificate, frame).ok
    replaced = certificate.replace(v1_order[0], frame)
    assert replaced.replacements == ((v1_order[0], v1_order[2]),)
    assert verify_sample(replaced, frame).ok
    forged = SampleCertificate(
        frame_digest=frame.digest_for(1),
        frame_size=6,
        seed=31415,
        seed_source="dice",
        size=2,
        sample=sample_order(frame, 31415)[:2],
        algorithm=ALGORITHM_V1,
        version=1,
    )
    assert not verify_sample(forged, frame).ok


def test_the_documented_twenty_line_recheck() -> None:
    """E-4: the stdlib recipe of the sampling page gives the library's order."""

    def sha256_hex(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def ticket(household: str, seed: str) -> str:
        x = int(sha256_hex(sha256_hex(seed) + household), 16)
        return "0." + f"{x:064d}"[::-1]

    seed = "127003"
    order = sorted(SIX, key=lambda h: (ticket(h, seed), h))
    assert tuple(order) == sample_order(SIX, seed)
