"""Verifiable random sampling of households for the public-opinion survey (E-4).

The draw is Ronald Rivest's released *consistent sampler* (algorithm version 2, see
[`tickets`][community_governance.evaluation.tickets]): every household id gets a
pseudorandom ticket from a public seed, and the sample is the households with the lowest
tickets. Anyone holding the seed and the frame can recompute it with
``pip install consistent-sampler`` and
``sampler(ids, with_replacement=False, seed=...)``, or with twenty lines of standard
Python (see the "Verifying a household sample" page).

The first ``n`` households in ticket order form the sample, with
``n = min(policy size, frame size)`` (the policy's ``evaluation.survey.small_frame``
decides what happens when the frame is smaller than the policy's size). The households
after them, in the same order, are the reserve list: a sampled household that does not
respond is replaced by the first reserve household not yet used, in its stratum if the
draw is stratified, and each replacement is recorded in the
[`SampleCertificate`][community_governance.evaluation.sampling.SampleCertificate].

A stratified draw (by compound or building) allocates ``n`` to strata in proportion to
their sizes by the largest-remainder method (ties between equal remainders go to the
stratum whose name sorts first) and takes, in each stratum, its first households in the
one global ticket order: the stratified sample is the global order filtered.
Certificates of algorithm version 1 (an early draft's tickets) still verify by their rule.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction

import attrs

from community_governance.errors import ParseError, SampleError
from community_governance.evaluation.tickets import (
    ALGORITHM,
    ALGORITHM_VERSION,
    KNOWN_ALGORITHMS,
    TicketOrder,
    frame_digest,
    ticket_order,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import read_only
from community_governance.ids import as_ids, check_lookalikes
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import SmallFrameRule

__all__ = [
    "SampleCertificate",
    "SamplingFrame",
    "Verification",
    "check_drawn",
    "draw_sample",
    "sample_order",
    "verify_sample",
]

_TIE_BREAK = "largest remainder; equal remainders go to the stratum whose name sorts first"


def _valid_seed(seed: object) -> bool:
    return isinstance(seed, int | str) and not isinstance(seed, bool) and str(seed) != ""


def _frame_ids(ids: Iterable[object]) -> tuple[str, ...]:
    collected = as_ids(ids, field="frame.households", rule="E-4")
    unique = tuple(sorted({str(h) for h in collected}))
    if len(unique) != len(collected):
        raise ParseError(
            f"household {_first_twice(collected)!r} is listed twice",
            field="frame.households",
            rule="E-4",
            zh=f"住户 {_first_twice(collected)!r} 被列出两次",
        )
    return unique


def _first_twice(ids: tuple[object, ...]) -> object:
    """The first id met a second time (there is one: the caller counted fewer unique ids)."""
    seen: set[object] = set()
    for household in ids:
        if household in seen:
            return household
        seen.add(household)
    return None


@attrs.frozen
class SamplingFrame:
    """The community's households, frozen, with an optional stratum for each (E-4).

    ``households`` is kept sorted, so a frame does not depend on the order it was given in;
    ``digest`` is the SHA-256 of the sorted ids, each as a netstring (algorithm version 2),
    computed once and published with every draw.
    """

    households: tuple[str, ...] = attrs.field(converter=_frame_ids)
    strata: Mapping[str, str] = attrs.field(factory=dict, converter=read_only)
    digest: str = attrs.field(init=False, eq=False, repr=False)

    @digest.default
    def _digest(self) -> str:
        return frame_digest(self.households, ALGORITHM_VERSION)

    def digest_for(self, version: int) -> str:
        """The frame's digest as algorithm ``version`` computes it."""
        return self.digest if version == ALGORITHM_VERSION else frame_digest(self.households, 1)

    def __attrs_post_init__(self) -> None:
        if self.strata:
            missing = [h for h in self.households if h not in self.strata]
            extra = sorted(set(self.strata) - set(self.households))
            if missing or extra:
                raise ParseError(
                    f"strata must name exactly the frame's households (missing {missing[:3]}, "
                    f"unknown {extra[:3]})",
                    field="frame.strata",
                    rule="E-4",
                    zh=f"分层须恰好覆盖抽样框中的住户（缺少 {missing[:3]}，多出 {extra[:3]}）",
                )

    def __len__(self) -> int:
        return len(self.households)


def _order(frame: SamplingFrame, seed: int | str, version: int) -> TicketOrder:
    return ticket_order(frame.households, seed, version, frame.digest)


def sample_order(
    frame: SamplingFrame | Iterable[str], seed: int | str, *, version: int = ALGORITHM_VERSION
) -> tuple[str, ...]:
    """Every household of the frame in ticket order (lowest ticket first), by ``version``."""
    if not isinstance(frame, SamplingFrame):
        frame = SamplingFrame(frame)
    return _order(frame, seed, version).all()


def _allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    # Largest remainder (Hamilton): floors of the exact quotas, then one more to the largest
    # remainders; equal remainders in stratum-name order.
    total = sum(sizes.values())
    quotas = {name: Fraction(n * size, total) for name, size in sizes.items()}
    allocation = {name: int(q) for name, q in quotas.items()}
    left = n - sum(allocation.values())
    by_remainder = sorted(quotas, key=lambda name: (-(quotas[name] - allocation[name]), name))
    for name in by_remainder[:left]:
        allocation[name] += 1
    return allocation


def _select(
    frame: SamplingFrame, seed: int | str, n: int, *, stratified: bool, version: int
) -> tuple[tuple[str, ...], dict[str, int]]:
    """The first ``n`` of the ticket order, or, stratified, that order filtered by allocation."""
    order = _order(frame, seed, version)
    if not stratified:
        return order.prefix(n), {}
    if not frame.strata:
        return (), {}
    sizes: dict[str, int] = {}
    for household in frame.households:
        sizes[frame.strata[household]] = sizes.get(frame.strata[household], 0) + 1
    allocation = _allocate(dict(sorted(sizes.items())), n)
    left = dict(allocation)
    wanted = sum(left.values())
    chosen: list[str] = []
    for household in order:
        if len(chosen) == wanted:
            break
        if left[frame.strata[household]] > 0:
            left[frame.strata[household]] -= 1
            chosen.append(household)
    return tuple(chosen), allocation


def _sample(value: Iterable[object]) -> tuple[str, ...]:
    return as_ids(value, field="certificate.sample", rule="E-4")


def _pairs(items: Iterable[Iterable[str]]) -> tuple[tuple[str, str], ...]:
    pairs = [as_ids(pair, field="replacements", rule="E-4") for pair in items]
    if any(len(pair) != 2 for pair in pairs):  # noqa: PLR2004 - (replaced, replacing)
        raise SampleError(
            "a replacement is a pair of households",
            field="replacements",
            rule="E-4",
            zh="替换须为一对住户",
        )
    return tuple((pair[0], pair[1]) for pair in pairs)


@attrs.frozen
class SampleCertificate:
    """Everything needed to re-check a draw (E-4).

    Attributes:
        frame_digest: ``SamplingFrame.digest`` of the frame drawn from (as its version
            computes it).
        frame_size: how many households the frame holds.
        seed: the public seed.
        seed_source: how the seed was produced (e.g. dice thrown at the
            evaluation meeting), for people to judge its fairness.
        algorithm: ``ALGORITHM`` (``consistent-sampler``), or ``ALGORITHM_V1``.
        version: ``ALGORITHM_VERSION`` (2), or 1 for the draft's tickets.
        size: ``n``, the number of households sampled.
        sample: the sampled ids in ticket order.
        stratified: whether the draw was stratified.
        allocation: households per stratum (stratified draws only).
        tie_break: how equal remainders in the allocation were resolved.
        replacements: (household replaced, replacing household) in order.
    """

    frame_digest: str
    frame_size: int
    seed: int | str
    seed_source: str
    size: int
    sample: tuple[str, ...] = attrs.field(converter=_sample)
    algorithm: str = ALGORITHM
    version: int = ALGORITHM_VERSION
    stratified: bool = False
    allocation: Mapping[str, int] = attrs.field(factory=dict, converter=read_only)
    tie_break: str | None = None
    replacements: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    explanation: Explanation | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # A certificate that contradicts itself is refused whether or not a frame is at
        # hand to verify it against: its answers would be counted for households no draw
        # could have given.
        problem = next(_contradictions(self), None)
        if problem is not None:
            field, message, zh = problem
            raise SampleError(message, field=f"certificate.{field}", rule="E-4", zh=zh)

    @property
    def respondents(self) -> frozenset[str]:
        """Households whose answers count: the sample less the replaced, plus replacements."""
        out = {old for old, _ in self.replacements}
        return frozenset(h for h in self.sample if h not in out) | {
            new for _, new in self.replacements
        }

    def replace(self, household: str, frame: SamplingFrame) -> SampleCertificate:
        """A certificate in which ``household`` (which did not respond) is replaced (E-4).

        The replacement is the first household in ticket order that is neither
        sampled nor already used as a replacement — in the same stratum when
        the draw is stratified.

        Raises:
            SampleError: ``household`` is not a current respondent, the frame is
                not the certificate's, or the reserve is exhausted.
        """
        if frame.digest_for(self.version) != self.frame_digest:
            raise SampleError(
                "the frame is not the one drawn from",
                field="frame",
                rule="E-4",
                zh="抽样框不是抽样时所用的那一个",
            )
        if household not in self.respondents:
            raise SampleError(
                f"{household} is not a current respondent and cannot be replaced",
                field="household",
                rule="E-4",
                zh=f"{household} 不是当前受访户，不能替换",
            )
        used = set(self.sample) | {new for _, new in self.replacements}
        stratum = frame.strata.get(household) if self.stratified else None
        for candidate in _order(frame, self.seed, self.version):
            if candidate in used:
                continue
            if stratum is not None and frame.strata[candidate] != stratum:
                continue
            return attrs.evolve(self, replacements=(*self.replacements, (household, candidate)))
        raise SampleError(
            "the reserve list is exhausted", field="household", rule="E-4", zh="备选名单已用完"
        )


def _contradictions(certificate: SampleCertificate) -> Iterator[tuple[str, str, str]]:
    """The ways ``certificate`` contradicts itself, first found first: (field, English, Chinese).

    A draw names ``size`` distinct households out of ``frame_size``, allocated to strata
    only when stratified; each replacement replaces a current respondent by a household
    not named before, so a certificate never names more households than its frame holds.
    """
    sample, size, frame_size = certificate.sample, certificate.size, certificate.frame_size
    if len(sample) != size:
        yield (
            "sample",
            f"the sample names {len(sample)} households, but its size is {size}",
            f"样本列出 {len(sample)} 户，而样本量为 {size}",
        )
    if size > frame_size:
        yield (
            "size",
            f"a sample of {size} from a frame of {frame_size} households",
            f"从 {frame_size} 户的抽样框中抽取 {size} 户",
        )
    named = set(sample)
    if len(named) != len(sample):
        twice = _first_twice(sample)
        yield ("sample", f"household {twice!r} is sampled twice", f"住户 {twice!r} 被抽中两次")
    allocated = sum(certificate.allocation.values())
    if certificate.stratified and allocated != size:
        yield (
            "allocation",
            f"the allocation to strata sums to {allocated}, not the sample size {size}",
            f"分层分配合计 {allocated} 户，不等于样本量 {size}",
        )
    current = set(sample)
    for old, new in certificate.replacements:
        if old not in current:
            yield (
                "replacements",
                f"{old!r} is replaced, but it is not a current respondent",
                f"{old!r} 被替换，但它不是当前受访户",
            )
        if new in named:
            yield (
                "replacements",
                f"{new!r} replaces {old!r}, but it is named already",
                f"{new!r} 替换 {old!r}，但它已被列出",
            )
        current.discard(old)
        current.add(new)
        named.add(new)
    if len(named) > frame_size:
        yield (
            "replacements",
            f"the certificate names {len(named)} households, more than its frame's {frame_size}",
            f"证书列出 {len(named)} 户，多于其抽样框的 {frame_size} 户",
        )


def draw_sample(
    frame: SamplingFrame,
    seed: int | str,
    policy: Policy | PolicySnapshot | None = None,
    *,
    seed_source: str,
    stratified: bool = False,
    at: dt.date | None = None,
) -> SampleCertificate:
    """Draw the survey sample (E-4): the lowest tickets, ``n = min(policy size, frame size)``.

    Args:
        frame: the community's households.
        seed: the public seed (an integer or text).
        policy: the policy in force; ``evaluation.survey.size`` and
            ``evaluation.survey.small_frame`` are read.
        seed_source: how the seed was produced, recorded in the certificate.
        stratified: allocate the sample to the frame's strata.
        at: the date of the draw; a ``Policy`` is read on it.

    Raises:
        SampleError: an empty frame; a frame smaller than the survey size when
            the policy says so; a stratified draw on a frame without strata.
    """
    if not frame.households:
        raise SampleError(
            "the frame holds no household", field="frame", rule="E-4", zh="抽样框中没有住户"
        )
    if not _valid_seed(seed):
        raise SampleError(
            "the seed is an integer or non-empty text",
            field="seed",
            rule="E-4",
            zh="随机种子须为整数或非空文本",
        )
    if not seed_source.strip():
        raise SampleError(
            "say how the seed was produced",
            field="seed_source",
            rule="E-4",
            zh="请说明随机种子的来源",
        )
    builder = ExplanationBuilder(Text("抽取民意测评住户", "Draw the survey households"))
    builder.rule("E-4")
    p = resolve(policy, at, builder)
    # The policy is read (and cited) only where a look-alike makes it decide.
    check_lookalikes(
        frame.households,
        field="frame.households",
        rule="E-4",
        on_lookalike=lambda: p.id_lookalikes,
    )
    size = p.survey_size
    small_frame = p.survey_small_frame
    if len(frame) < size and small_frame is SmallFrameRule.ERROR:
        raise SampleError(
            f"the frame has {len(frame)} households, fewer than the survey size {size}",
            field="frame",
            rule="E-4",
            zh=f"抽样框只有 {len(frame)} 户，少于测评规模 {size}",
        )
    if stratified and not frame.strata:
        raise SampleError(
            "a stratified draw needs strata",
            field="frame.strata",
            rule="E-4",
            zh="分层抽样需要给出分层",
        )
    n = min(size, len(frame))
    sample, allocation = _select(frame, seed, n, stratified=stratified, version=ALGORITHM_VERSION)
    builder.input("frame_size", len(frame))
    builder.input("seed", seed)
    builder.step("样本量 n = min(规定户数, 抽样框户数)", "n = min(survey size, frame size)", n)
    if stratified:
        builder.step(
            "按层分配（最大余数法）", "allocation to strata (largest remainder)", allocation
        )
    return SampleCertificate(
        frame_digest=frame.digest,
        frame_size=len(frame),
        seed=seed,
        seed_source=seed_source,
        size=n,
        sample=sample,
        stratified=stratified,
        allocation=allocation,
        tie_break=_TIE_BREAK if stratified else None,
        explanation=builder.build(
            Text(f"抽取 {n} 户", f"{n} households drawn"),
        ),
    )


@attrs.frozen
class Verification:
    """The outcome of ``verify_sample``: ``ok`` and, if not, every problem found.

    ``problems_zh`` holds the same problems in Chinese, one for one.
    """

    ok: bool
    problems: tuple[str, ...]
    explanation: Explanation
    problems_zh: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def _outside(frame: SamplingFrame, certificate: SampleCertificate) -> tuple[str, int]:
    """The households the certificate names that the frame lacks, and how many more.

    At most five are named (``""`` if none); the count is of the others.

    The frame is sorted, so each look-up is a bisection: no set of a large frame is built.
    """
    named = {*certificate.sample, *(h for pair in certificate.replacements for h in pair)}
    households = frame.households
    missing = sorted(
        h
        for h in named
        if (at := bisect.bisect_left(households, h)) == len(households) or households[at] != h
    )
    return ", ".join(repr(h) for h in missing[:5]), max(0, len(missing) - 5)


def verify_sample(certificate: SampleCertificate, frame: SamplingFrame) -> Verification:
    """Recompute a draw and its replacements from the certificate and the frame (E-4).

    Checks the algorithm, the frame digest and size, the sample (same ids,
    same order) and that each replacement was the next eligible reserve
    household. Returns every discrepancy rather than stopping at the first.
    """
    builder = ExplanationBuilder(Text("核验住户抽样", "Verify a household sample"))
    builder.rule("E-4")
    problems: list[tuple[str, str]] = []
    known = (certificate.algorithm, certificate.version) in KNOWN_ALGORITHMS
    if not known:
        named = f"{certificate.algorithm} v{certificate.version}"
        problems.append((f"unknown algorithm {named}", f"未知的抽样算法 {named}"))
    digest = frame.digest_for(certificate.version) if known else frame.digest
    builder.step("抽样框摘要", "frame digest", digest)
    if digest != certificate.frame_digest:
        problems.append(
            ("the frame's digest differs from the certificate's", "抽样框摘要与证书上的不同")
        )
    outside, more = _outside(frame, certificate)
    if outside:
        problems.append(
            (
                "the certificate names households not in the frame: "
                + outside
                + (f" and {more} more" if more else ""),
                "证书列出了抽样框中没有的住户："
                + outside
                + (f" 等（另有 {more} 户）" if more else ""),
            )
        )
    size, said = len(frame), certificate.frame_size
    if size != said:
        problems.append(
            (
                f"the frame has {size} households, the certificate says {said}",
                f"抽样框有 {size} 户，证书上写的是 {said} 户",
            )
        )
    if not problems:
        redraw, _ = _select(
            frame,
            certificate.seed,
            certificate.size,
            stratified=certificate.stratified,
            version=certificate.version,
        )
        builder.step("重新抽取的样本", "sample recomputed", list(redraw))
        if redraw != certificate.sample:
            problems.append(
                (
                    "the sample differs from the one the seed and frame give",
                    "样本与随机种子和抽样框给出的不同",
                )
            )
        replayed = attrs.evolve(certificate, replacements=())
        for old, new in certificate.replacements:
            try:
                replayed = replayed.replace(old, frame)
            except SampleError as error:
                problems.append(
                    (
                        f"replacement of {old}: {error.message}",
                        f"替换 {old}：{error.message_in('zh')}",
                    )
                )
                break
            if replayed.replacements[-1] != (old, new):
                due = replayed.replacements[-1][1]
                problems.append(
                    (
                        f"{old} should have been replaced by {due}, not {new}",
                        f"{old} 应由 {due} 替换，而不是 {new}",
                    )
                )
                break
    ok = not problems
    outcome = (
        Text("抽样可复核，结果一致", "the draw checks out")
        if ok
        else Text("抽样与证书不符", "the draw does not match the certificate")
    )
    for en, zh in problems:
        builder.step("发现问题：" + zh, "problem found: " + en)
    return Verification(
        ok,
        tuple(en for en, _ in problems),
        builder.build(outcome),
        tuple(zh for _, zh in problems),
    )


def check_drawn(certificate: SampleCertificate, frame: SamplingFrame) -> None:
    """Refuse a certificate that does not verify against ``frame`` (E-4).

    What every route that is given both does before it counts an answer: ``evaluate
    --frame`` and a province's partitions alike.

    Raises:
        SampleError: the first problem
            [`verify_sample`][community_governance.evaluation.sampling.verify_sample] finds,
            in both languages; ``field`` is ``certificate``.
    """
    check = verify_sample(certificate, frame)
    if not check.ok:
        raise SampleError(
            f"the certificate does not verify against the frame: {check.problems[0]}",
            field="certificate",
            rule="E-4",
            zh=f"证书与抽样框核对不符：{check.problems_zh[0]}",
        )
