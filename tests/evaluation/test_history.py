"""A community's quarter results over time (E-1): built, ordered, read back, looked back on."""

from __future__ import annotations

import functools
from pathlib import Path

import attrs
import pytest
from hypothesis import given, strategies as st

from community_governance.community import Quarter
from community_governance.demo import demo_quarter, run_demo
from community_governance.errors import EligibilityError, ParseError
from community_governance.evaluation import QuarterHistory, QuarterResult
from community_governance.ledger.events import quarter_evaluated, quarter_stream
from community_governance.ledger.history import ledger_history
from community_governance.ledger.sqlite import SQLiteLedger
from community_governance.schemas.history import load_history
from community_governance.schemas.results import QuarterResultDoc
from tests.ledger.builders import TEST_KEY


@functools.cache
def _demo() -> QuarterResult:
    return run_demo(demo_quarter(127, "2026Q3")).result


def _as_of(quarter: Quarter, community: str = "xm-0101") -> QuarterResult:
    return attrs.evolve(_demo(), quarter=quarter, community_id=community)


#: Quarters of a few years.
some_quarters = st.builds(Quarter, st.integers(2024, 2027), st.integers(1, 4))
quarter_sets = st.sets(some_quarters, min_size=1, max_size=10)


@given(quarter_sets, st.randoms(use_true_random=False))
def test_a_history_is_in_quarter_order_whatever_the_order_given(
    quarters: set[Quarter], shuffler: object
) -> None:
    """E-1: ``of`` sorts by quarter; any permutation of the same results is the same history."""
    results = [_as_of(q) for q in quarters]
    shuffled = list(results)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    history = QuarterHistory.of(shuffled)
    assert history == QuarterHistory.of(results)
    assert history.quarters == tuple(sorted(quarters))
    assert history.community_id == "xm-0101"


@given(
    quarter_sets, st.integers(1, 5), st.builds(Quarter, st.integers(2024, 2027), st.integers(1, 4))
)
def test_a_run_of_consecutive_quarters_is_found_exactly_when_none_is_missing(
    quarters: set[Quarter], count: int, ending: Quarter
) -> None:
    """E-1: ``consecutive`` against a naive model: every quarter of the run present, or None."""
    history = QuarterHistory.of(_as_of(q) for q in quarters)
    wanted = [ending]
    while len(wanted) < count:
        wanted.insert(0, wanted[0].previous())
    run = history.consecutive(count, ending=ending)
    if all(q in quarters for q in wanted):
        assert run is not None
        assert [r.quarter for r in run] == wanted
    else:
        assert run is None


def test_the_latest_quarter_ends_a_run_by_default_and_quarters_step_back_across_years() -> None:
    """E-1: 2026Q1 follows 2025Q4; without ``ending`` the latest quarter ends the run."""
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 3).previous().next() == Quarter(2026, 3)
    history = QuarterHistory.of([_as_of(Quarter(2025, 4)), _as_of(Quarter(2026, 1))])
    run = history.consecutive(2)
    assert run is not None
    assert [str(r.quarter) for r in run] == ["2025Q4", "2026Q1"]
    assert history.result("2025Q4") is run[0]
    assert history.result("2024Q1") is None
    assert history.reported("market") == (
        (Quarter(2025, 4), run[0].scorecard("market").final.reported),
        (Quarter(2026, 1), run[1].scorecard("market").final.reported),
    )
    assert history.reported("nobody") == ()
    with pytest.raises(EligibilityError, match="at least 1") as raised:
        history.consecutive(0)
    assert (raised.value.field, raised.value.rule) == ("count", "E-1")


@pytest.mark.parametrize(
    ("results", "words"),
    [
        ([], "at least one"),
        ([_as_of(Quarter(2026, 1)), _as_of(Quarter(2026, 2), "other")], "several communities"),
        ([_as_of(Quarter(2026, 1)), _as_of(Quarter(2026, 1))], "two results for 2026Q1"),
    ],
)
def test_a_history_refuses_what_is_not_one_communitys_quarters(
    results: list[QuarterResult], words: str
) -> None:
    """E-1: no result, two communities, or a quarter twice: one error naming the results."""
    with pytest.raises(EligibilityError, match=words) as raised:
        QuarterHistory.of(results)
    assert (raised.value.field, raised.value.rule) == ("results", "E-1")


def test_a_history_reads_from_result_files_in_either_format_and_encoding(tmp_path: Path) -> None:
    """E-1: the current format in UTF-8 and GB18030, the earlier one too; a bad file named."""
    q3 = _demo()
    q2 = attrs.evolve(q3, quarter=Quarter(2026, 2))
    current = tmp_path / "q3.json"
    current.write_text(QuarterResultDoc.from_domain(q3).to_json(), encoding="gb18030")
    from community_governance.schemas.legacy import QuarterResultDocV1  # noqa: PLC0415

    earlier = tmp_path / "q2.json"
    earlier.write_text(QuarterResultDocV1.from_domain(q2).model_dump_json(), encoding="utf-8-sig")
    history = load_history([current, earlier])
    assert history.quarters == (Quarter(2026, 2), Quarter(2026, 3))
    assert history.results[1].scorecards == q3.scorecards
    broken = tmp_path / "broken.json"
    broken.write_text('{"document": "quarter-result"', encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        load_history([current, broken])
    assert str(broken) in str(raised.value)
    with pytest.raises(ParseError, match="cannot read"):
        load_history([tmp_path / "missing.json"])


def test_a_history_reads_from_the_record(tmp_path: Path) -> None:
    """E-1: each recorded quarter of the community, the latest result where one was re-recorded."""
    ledger = SQLiteLedger(tmp_path / "ledger.db", key=TEST_KEY)
    q3 = _demo()
    q2 = attrs.evolve(q3, quarter=Quarter(2026, 2))
    for result in (q2, q3):
        stream = quarter_stream(result.community_id, result.quarter)
        ledger.append(stream, [quarter_evaluated(result)], expected_version=0)
    history = ledger_history(ledger, q3.community_id)
    assert history.quarters == (Quarter(2026, 2), Quarter(2026, 3))
    assert history.result("2026Q3") is not None
    with pytest.raises(EligibilityError, match="no quarter result of 'elsewhere'") as raised:
        ledger_history(ledger, "elsewhere")
    assert (raised.value.field, raised.value.rule) == ("community", "E-1")
