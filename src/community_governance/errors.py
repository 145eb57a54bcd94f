"""One exception hierarchy, rooted at ``GovernanceError``.

Every error says what was wrong, where (a field path such as
``evaluation.weights.self``) and which rule of the mechanism (``C-3``,
``E-5``, ...) or which of the library's own contracts (``exact``, ``policy``,
``vocabulary``) was broken. Callers can catch the whole family with
``GovernanceError`` or a precise subclass; errors that are also ordinary
Python errors (a float where an exact number belongs is a ``TypeError``)
inherit from both.
"""

from __future__ import annotations

import errno
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = [
    "DeadlinePassedError",
    "DuplicateBallotError",
    "DuplicateRatingError",
    "DuplicateResponseError",
    "EligibilityError",
    "ExactnessError",
    "ForeignSelfRatingError",
    "GovernanceError",
    "GovernanceWarning",
    "GuardFailed",
    "InvalidAnswerError",
    "InvalidTransition",
    "MeetingClosedError",
    "MissingComponentError",
    "MissingExtraError",
    "MissingSignOffError",
    "NoElectorateError",
    "NotOnAgendaError",
    "ObjectionWindowClosedError",
    "OwnCaseSupervisionError",
    "ParseError",
    "PeerRatesItselfError",
    "PolicyDateError",
    "PolicyDateWarning",
    "PolicyError",
    "PolicyExactnessError",
    "RotaError",
    "RoutingError",
    "SampleError",
    "ScoreOutOfRangeError",
    "TeamCompositionError",
    "UnansweredDemandError",
    "UnknownLabelError",
    "UnknownProjectError",
    "UnknownRepresentativeError",
    "UnknownUnitError",
    "UnresolvedObjectionError",
    "UnsampledHouseholdError",
    "by_pattern",
    "read_in",
    "strerror_zh",
]


class GovernanceError(Exception):
    """Base of every error the library raises on purpose.

    Attributes:
        message: what was wrong, in plain words (English; ``str(error)`` shows it).
        field: the path of the offending input, or ``None`` when no single
            field is to blame.
        rule: the rule ID (``C-3``, ``E-5``, ...) or library contract
            (``exact``, ``policy``, ``vocabulary``) that was broken.
        zh: the same message in Chinese, for people who read Chinese (the command
            line's ``--lang zh``); ``None`` where an error raised outside the library
            has none, and ``said("zh")`` then falls back to the English.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        rule: str | None = None,
        zh: str | None = None,
    ):
        self.message = message
        self.field = field
        self.rule = rule
        self.zh = zh
        super().__init__(self._render())

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (Dask workers): keep every part.
        return (_rebuild, (type(self), self.message, self.field, self.rule, self.zh))

    def in_file(self, source: str) -> GovernanceError:
        """The same error, its field prefixed by the file it came from (``source: field``)."""
        return self.moved(f"{source}: {self.field}" if self.field else source)

    def moved(self, field: str | None) -> GovernanceError:
        """The same error, in both languages and under its rule, naming another field."""
        return type(self)(self.message, field=field, rule=self.rule, zh=self.zh)

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (``"zh"`` or ``"en"``); English where there is no Chinese."""
        return self.zh if lang == "zh" and self.zh else self.message

    def said(self, lang: str) -> str:
        """The error's line in ``lang``: field, message and rule (``str(error)`` in English)."""
        return self._render(lang)

    def _render(self, lang: str = "en") -> str:
        where = f"{self.field}: " if self.field else ""
        why = f" [{self.rule}]" if self.rule else ""
        return f"{where}{self.message_in(lang)}{why}"


def _rebuild(
    kind: type[GovernanceError],
    message: str,
    field: str | None,
    rule: str | None,
    zh: str | None = None,
) -> GovernanceError:
    """An error rebuilt from its parts, as pickling hands them over."""
    return kind(message, field=field, rule=rule, zh=zh)


class MissingExtraError(GovernanceError, ImportError):
    """A feature needs an optional dependency that is not installed; names the extra."""


class ExactnessError(GovernanceError, TypeError):
    """A float (or another inexact type) was given where an exact number belongs."""


class ParseError(GovernanceError, ValueError):
    """Text that should spell an exact number, a date or a label could not be read."""


class UnknownLabelError(GovernanceError, ValueError, LookupError):
    """A vocabulary label matched no member; the message lists the valid ones."""


class PolicyError(GovernanceError, ValueError):
    """A policy document or override is invalid (names the file and the field)."""


class PolicyExactnessError(PolicyError, ExactnessError):
    """A float in a policy document or override: both a ``PolicyError`` and a ``TypeError``."""


class PolicyDateError(PolicyError):
    """A date falls outside every validity window of a parameter (strict mode)."""


class MissingComponentError(GovernanceError, ValueError):
    """A score component is missing and the policy names no re-weighting (E-5)."""


class EligibilityError(GovernanceError, ValueError):
    """Someone acted who may not: a vote, a rating or a response that is refused."""


class PeerRatesItselfError(EligibilityError):
    """A peer rating whose rater is the rated unit: a unit never peer-rates itself (E-3)."""


class ForeignSelfRatingError(EligibilityError):
    """A self-rating of another unit: a unit self-rates only itself (E-3)."""


class DuplicateRatingError(EligibilityError):
    """A second rating for the same (rater, ratee, quarter); a correction must replace it (E-3)."""


class UnknownUnitError(EligibilityError):
    """A unit that is not a member unit of the community (E-1, E-3)."""


class UnknownProjectError(EligibilityError):
    """A project that is not among those the survey asks about (E-4)."""


class UnsampledHouseholdError(EligibilityError):
    """A survey response from a household outside the sample and its valid replacements (E-4)."""


class DuplicateResponseError(EligibilityError):
    """A second response by the same household about the same project (E-4)."""


class ScoreOutOfRangeError(GovernanceError, ValueError):
    """A score outside the policy's scale (E-2)."""


class InvalidAnswerError(GovernanceError, ValueError):
    """A survey answer that is not on the policy's satisfaction scale (E-4)."""


class SampleError(GovernanceError, ValueError):
    """A sample that cannot be drawn or replaced as asked (E-4)."""


class UnknownRepresentativeError(EligibilityError):
    """A ballot by someone not in the meeting's electorate (C-3)."""


class DuplicateBallotError(EligibilityError):
    """A second ballot on a proposal outside the change-of-vote path (C-3)."""


class MeetingClosedError(EligibilityError):
    """Anything but reading after a meeting has closed (C-3)."""


class NotOnAgendaError(EligibilityError):
    """A ballot on a proposal that is not on the meeting's agenda (C-3)."""


class NoElectorateError(GovernanceError, ValueError):
    """A meeting with nobody entitled to vote: no share can be computed (C-3)."""


class TeamCompositionError(GovernanceError, ValueError):
    """A deliberation team that lacks required members; the message lists them all (C-1)."""


class RoutingError(GovernanceError, LookupError):
    """An approved project with no executor, or with two equally good ones (C-4)."""


class RotaError(GovernanceError, ValueError):
    """A duty rota that cannot be built; the message names every uncovered date (M-4)."""


class InvalidTransition(GovernanceError):  # noqa: N818 - the glossary's name for it
    """A workflow step that the transition table does not allow from this state."""


class GuardFailed(InvalidTransition):
    """A transition exists but one of its named guards refused it (R-1..R-3)."""


class MissingSignOffError(GuardFailed):
    """Closing a rectification case without every required sign-off (R-2)."""


class OwnCaseSupervisionError(GuardFailed):
    """The rectifying unit filing a supervision note or demand on its own case (R-3)."""


class UnansweredDemandError(GuardFailed):
    """Submitting a rectification while a correction demand is unanswered (R-3)."""


class DeadlinePassedError(GuardFailed):
    """A step that must happen before the deadline, after it (E-6)."""


class ObjectionWindowClosedError(EligibilityError):
    """An objection filed after the announcement period (R-1)."""


class UnresolvedObjectionError(EligibilityError):
    """Results cannot take effect while an objection is unresolved (R-1)."""


class GovernanceWarning(UserWarning):
    """Base of every warning the library issues; ``zh`` is its message in Chinese."""

    def __init__(self, message: str, *, zh: str | None = None):
        super().__init__(message)
        self.zh = zh

    def said(self, lang: str) -> str:
        """The warning in ``lang`` (``"zh"`` or ``"en"``); English where there is no Chinese."""
        return self.zh if lang == "zh" and self.zh else str(self)


class PolicyDateWarning(GovernanceWarning):
    """A lenient policy lookup fell outside every validity window."""


class FormulaValueWarning(GovernanceWarning):
    """Workbook cells held formulas; the values Excel last computed for them were read."""


def by_pattern(text: str, table: Sequence[tuple[str, str]]) -> str | None:
    """``text`` said again by the first pattern of ``table`` it matches whole, or ``None``.

    For sentences another program writes in English only (Click's, the ledger chain's):
    each row is a regular expression and its Chinese, which may refer to the groups.
    """
    for pattern, chinese in table:
        if re.fullmatch(pattern, text, flags=re.DOTALL):
            return re.sub(pattern, chinese, text, flags=re.DOTALL)
    return None


#: The operating system's reasons, in Chinese, by ``errno`` code.
_OS_REASONS_ZH = {
    errno.ENOENT: "没有这个文件或文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许此操作",
    errno.EISDIR: "这是文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已存在",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接层数太多",
}


def strerror_zh(error: OSError) -> str:
    """The operating system's reason for ``error`` in Chinese (its own words if not listed)."""
    return _OS_REASONS_ZH.get(error.errno or 0, error.strerror or str(error))


def read_in(source: str, read: Callable[[], T]) -> T:
    """``read()``; a refusal or a warning names the file ``source`` first (see ``in_file``)."""
    failure: GovernanceError | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = read()
        except GovernanceError as error:
            failure = error.in_file(source)
    # Said again outside the record, under the caller's filters, with the file named.
    for said in caught:
        message = said.message
        if isinstance(message, GovernanceWarning):
            zh = f"{source}: {message.zh}" if message.zh else None
            message = type(message)(f"{source}: {message}", zh=zh)
        warnings.warn(message, stacklevel=2)
    if failure is not None:
        raise failure from None
    return result
