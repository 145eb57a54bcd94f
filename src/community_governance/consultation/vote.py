"""The 85% vote, decided in exact integers (C-3).

[`tally`][community_governance.consultation.vote.tally] decides a proposal: with the
policy threshold ``num/den`` (85/100) and the base ``B`` (the representatives *entitled*
to vote by default, or those *present*, or the votes *cast* for or against), a proposal
is approved iff ``agree × den ≥ num × B`` (``>`` if the policy makes the bound
exclusive) and the quorum is met. 17 of 20 is exactly 85% and passes.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs

from community_governance.errors import (
    NoElectorateError,
    ParseError,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.numbers import as_count, as_fraction, format_percent
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import ApprovalBase

__all__ = ["Tally", "tally"]


@attrs.frozen
class Tally:
    """The count and the decision on one proposal (C-3).

    ``share`` is agreement over the base, exact; it is ``None`` when the base is
    empty (nobody present, or no vote cast), and the proposal is then rejected.
    ``votes_needed`` is the least number of agreeing votes that approves with
    this base (``None`` if none can); ``votes_short`` how many more were needed.
    """

    proposal_id: str
    entitled: int
    present: int
    agree: int
    disagree: int
    abstain: int
    absent: int
    base: ApprovalBase
    base_count: int
    share: Fraction | None
    threshold: Fraction
    inclusive: bool
    quorum_met: bool
    approved: bool
    votes_needed: int | None
    votes_short: int | None
    explanation: Explanation


def _least_agreeing(base: int, threshold: Fraction, *, inclusive: bool) -> int | None:
    num, den = threshold.numerator, threshold.denominator
    # The least k with k*den >= num*base (inclusive: a ceiling) or k*den > num*base.
    needed = -(-num * base // den) if inclusive else num * base // den + 1
    return needed if needed <= base else None


def tally(
    *,
    entitled: int,
    present: int,
    agree: int,
    disagree: int,
    abstain: int,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
    threshold: Fraction | str | None = None,
    proposal_id: str = "",
) -> Tally:
    """Decide one proposal from its counts, in exact integers (C-3).

    Args:
        entitled: representatives entitled to vote.
        present: those present (ballots imply presence).
        agree: agreeing ballots.
        disagree: disagreeing ballots.
        abstain: abstentions.
        policy: the policy in force (threshold, base, inclusivity, quorum):
            a ``Policy`` or a snapshot; default the shipped policy.
        at: the date of the vote; a ``Policy`` is read on it.
        threshold: an exact threshold overriding the policy's (text or
            ``Fraction``; a float raises ``TypeError``).
        proposal_id: for messages and the explanation.

    Raises:
        NoElectorateError: nobody is entitled to vote.
        ExactnessError: a count or threshold that is not exact.
        ParseError: counts that do not add up.

    Example:
        >>> import datetime as dt
        >>> from community_governance import default_policy
        >>> t = tally(
        ...     entitled=20,
        ...     present=20,
        ...     agree=17,
        ...     disagree=3,
        ...     abstain=0,
        ...     policy=default_policy(),
        ...     at=dt.date(2026, 7, 1),
        ... )
        >>> t.approved, t.share, t.votes_needed
        (True, Fraction(17, 20), 17)
    """
    counts = {
        name: as_count(value, field=name, rule="C-3")
        for name, value in (
            ("entitled", entitled),
            ("present", present),
            ("agree", agree),
            ("disagree", disagree),
            ("abstain", abstain),
        )
    }
    if counts["entitled"] == 0:
        raise NoElectorateError(
            "nobody is entitled to vote, so no share can be computed",
            field="entitled",
            rule="C-3",
            zh="没有应到代表，无法计算同意比例",
        )
    cast = counts["agree"] + counts["disagree"] + counts["abstain"]
    if not cast <= counts["present"] <= counts["entitled"]:
        raise ParseError(
            f"ballots ({cast}) <= present ({counts['present']}) <= entitled "
            f"({counts['entitled']}) does not hold",
            field="counts",
            rule="C-3",
            zh=(
                f"须满足 投票数（{cast}）≤ 实到（{counts['present']}）≤ 应到"
                f"（{counts['entitled']}），但不满足"
            ),
        )
    title = (
        Text(f"表决：{proposal_id}", f"Vote on {proposal_id}")
        if proposal_id
        else Text("表决", "Vote on a proposal")
    )
    builder = ExplanationBuilder(title)
    p = resolve(policy, at, builder)
    approval_base, inclusive, quorum = p.approval_base, p.approval_inclusive, p.quorum
    if threshold is None:
        limit = p.approval_threshold
    else:
        limit = as_fraction(threshold, field="threshold", rule="C-3")
        builder.input("threshold", limit)
    if not 0 < limit <= 1:
        raise ParseError(
            "the threshold lies in (0, 1]", field="threshold", rule="C-3", zh="门槛须在 (0, 1] 之内"
        )
    for name, value in counts.items():
        builder.input(name, value)
    base = {
        ApprovalBase.ENTITLED: counts["entitled"],
        ApprovalBase.PRESENT: counts["present"],
        ApprovalBase.CAST: counts["agree"] + counts["disagree"],
    }[approval_base]
    quorum_met = counts["present"] * quorum.denominator >= (quorum.numerator * counts["entitled"])
    builder.step("法定人数", "quorum met", quorum_met, rule="C-3")
    num, den = limit.numerator, limit.denominator
    left, right = counts["agree"] * den, num * base
    passes = base > 0 and (left >= right if inclusive else left > right)
    approved = quorum_met and passes
    share = Fraction(counts["agree"], base) if base else None
    builder.step(
        f"同意票占{approval_base.zh}的比例",
        f"agreement as a share of {approval_base.en}",
        share,
        rule="C-3",
    )
    relation = ">=" if inclusive else ">"
    builder.step(
        f"同意票 × 阈值分母 {relation} 阈值分子 × 基数：{counts['agree']} × {den} = {left}，"
        f"{num} × {base} = {right}，{'成立' if passes else '不成立'}",
        f"agree × threshold's denominator {relation} its numerator × base: "
        f"{counts['agree']} × {den} = {left}, {num} × {base} = {right}, "
        f"{'holds' if passes else 'does not hold'}",
        passes,
        rule="C-3",
    )
    needed = _least_agreeing(base, limit, inclusive=inclusive) if base else None
    short = None if needed is None else max(0, needed - counts["agree"])
    verdict = Text("通过", "approved") if approved else Text("未通过", "rejected")
    shown = format_percent(share) if share is not None else "-"
    return Tally(
        proposal_id=proposal_id,
        entitled=counts["entitled"],
        present=counts["present"],
        agree=counts["agree"],
        disagree=counts["disagree"],
        abstain=counts["abstain"],
        absent=counts["entitled"] - counts["present"],
        base=approval_base,
        base_count=base,
        share=share,
        threshold=limit,
        inclusive=inclusive,
        quorum_met=quorum_met,
        approved=approved,
        votes_needed=needed,
        votes_short=short,
        explanation=builder.build(
            Text(f"{verdict.zh}（同意 {shown}）", f"{verdict.en} ({shown} agree)")
        ),
    )
