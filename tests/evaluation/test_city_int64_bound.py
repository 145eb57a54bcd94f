"""The int64 bound of a city's column path, worked out by hand (E-5).

``_within_bound`` says whether every integer the column path computes for the finals stays
below 2**62: ``reach = weights x top x common x 10**places x band``, and the bound holds
when ``4 x reach < 2**62``. Under the shipped policy the component weights are 1 : 4 : 5
(10), the top score 100, two places (100) and the highest band 90: ``reach = 9e6 x common``,
so the bound lies between ``common = 1.2e11`` (4 x reach = 4.32e18 < 4.61e18) and
``1.3e11`` (4.68e18). Each case below moves one factor, so that leaving it out, or
weakening the check, gives the other answer.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pytest

from community_governance.evaluation.accelerated import _exact_order, _within_bound
from community_governance.policy import PolicySnapshot, default_policy

AT = dt.date(2026, 9, 30)
SHIPPED = default_policy().at(AT)


def _dens(common: int) -> list[npt.NDArray[np.int64]]:
    """One unit whose denominators multiply to ``common``."""
    return [np.array([common], np.int64), np.array([1], np.int64), np.array([1], np.int64)]


def _policy(overrides: dict[str, object]) -> PolicySnapshot:
    return default_policy().override(overrides).at(AT)


def test_no_unit_is_within_the_bound() -> None:
    """E-5: an empty city has nothing to overflow."""
    assert _within_bound([np.array([], np.int64)] * 3, SHIPPED) is True


@pytest.mark.parametrize(("common", "within"), [(120_000_000_000, True), (130_000_000_000, False)])
def test_the_shipped_policys_bound_lies_where_worked_out(common: int, within: bool) -> None:  # noqa: FBT001
    """E-5: 4 x 9e6 x 1.2e11 = 4.32e18 < 2**62 = 4.61e18 <= 4 x 9e6 x 1.3e11."""
    assert _within_bound(_dens(common), SHIPPED) is within


def test_a_higher_scale_maximum_counts() -> None:
    """E-2: a scale to 10**4 makes the top 10**4: 4 x 9e8 x 1.3e9 = 4.68e18, past the bound."""
    wide = _policy({"evaluation.scale": {"min": "0", "max": "10000", "places": 2}})
    assert _within_bound(_dens(1_000_000_000), wide) is True
    assert _within_bound(_dens(1_300_000_000), wide) is False


def test_a_scale_reaching_below_zero_counts_by_its_size() -> None:
    """E-2: a scale from -10**4 makes the top 10**4 and the lowest band's 10**4 the band.

    4 x 10 x 10**4 x 1.3e7 x 100 x 10**4 = 5.2e18, past the bound; 1e7 gives 4e18.
    """
    signed = _policy(
        {
            "evaluation.scale": {"min": "-10000", "max": "100", "places": 2},
            "evaluation.grades.bands": [
                {"grade": "excellent", "min": "90"},
                {"grade": "good", "min": "80"},
                {"grade": "qualified", "min": "60"},
                {"grade": "failed", "min": "-10000"},
            ],
        }
    )
    assert _within_bound(_dens(10_000_000), signed) is True
    assert _within_bound(_dens(13_000_000), signed) is False


def test_a_band_of_one_counts_as_one() -> None:
    """E-6: bands at 1 and 0 make the band factor 1: 4 x 1e5 x 8e12 = 3.2e18, within."""
    low = _policy(
        {
            "evaluation.grades.bands": [
                {"grade": "excellent", "min": "1"},
                {"grade": "failed", "min": "0"},
            ]
        }
    )
    assert _within_bound(_dens(8_000_000_000_000), low) is True
    assert _within_bound(_dens(12_000_000_000_000), low) is False


def test_more_places_count_tenfold_each() -> None:
    """E-5: rounding to four places multiplies the reach by 100: 1.3e9 is then past."""
    fine = _policy({"rounding.places": 4})
    assert _within_bound(_dens(1_200_000_000), fine) is True
    assert _within_bound(_dens(1_300_000_000), fine) is False


def test_values_a_double_cannot_tell_apart_are_ordered_exactly() -> None:
    """E-6: 100.000000001 and 100 differ by 1e-11, past a double's guess: Fractions decide.

    Given in the wrong order, the two are put right; equal values keep name order; another
    community's values are left as they were.
    """
    num = np.array([100_000_000_001, 100_000_000_000, 7, 7, 5], np.int64)
    den = np.array([1_000_000_000, 1_000_000_000, 1, 1, 1], np.int64)
    community = np.array([0, 0, 1, 1, 1], np.int64)
    names = ["B", "A", "Z", "Y", "X"]
    order = np.array([1, 0, 4, 2, 3], np.int64)
    fixed = _exact_order(order, community, num, den, names)
    assert fixed.tolist() == [0, 1, 4, 2, 3]
    tied = np.array([1, 0], np.int64)
    assert _exact_order(tied, community[:2], num[[1, 1]], den[:2], names[:2]).tolist() == [1, 0]


def test_only_the_community_with_close_values_is_sorted_again_and_only_its_own() -> None:
    """E-6: the close pair is in the middle community, of three units: it alone is put right.

    Community 1 holds 200, 100.000000001 and 100 (the last two given in the wrong order);
    communities 0 and 2 around it are left as they are, though 2's 300 is larger.
    """
    num = np.array([5, 4, 200, 100_000_000_001, 100_000_000_000, 300], np.int64)
    den = np.array([1, 1, 1, 1_000_000_000, 1_000_000_000, 1], np.int64)
    community = np.array([0, 0, 1, 1, 1, 2], np.int64)
    names = ["F", "E", "D", "C", "B", "A"]
    order = np.array([0, 1, 2, 4, 3, 5], np.int64)
    assert _exact_order(order, community, num, den, names).tolist() == [0, 1, 2, 3, 4, 5]
