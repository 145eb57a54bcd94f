"""The survey in the field: questionnaire codes, and answers entered twice (E-4).

**Codes.** Each questionnaire carries a short code instead of the household's id, so that
answers are typed against the code and the id is never typed. A code is eight characters
of GB 32100's alphabet (digits and capital letters but I, O, S, V, Z, which are misread):
seven drawn from ``HMAC-SHA-256(frame secret, survey id | household as a netstring)`` and a
check character computed as GB 32100 computes it (``national_codes.mod31_check``), which
catches any one mistyped character and any swap of two neighbours. Without the office's
frame secret, a code says nothing of its household.

**Double entry.** Two operators type the returned questionnaires independently;
[`reconcile`][community_governance.evaluation.fieldwork.reconcile] lists every place
where the two entries differ, by code, project and field, and gives the agreed answers
only when none is left. A questionnaire that did not come back is entered as such (a
row with its code, no project, and ``NOT_RETURNED`` as its answer), in both entries.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from community_governance.errors import ParseError
from community_governance.evaluation.survey import Survey
from community_governance.national_codes import USCC_ALPHABET, mod31_check
from community_governance.numbers import RoundingMode, round_exact
from community_governance.tables.read import place_zh

__all__ = [
    "CODE_LENGTH",
    "NOT_RETURNED",
    "Entry",
    "Mismatch",
    "Reconciliation",
    "SurveyReturn",
    "code_problem",
    "households_of",
    "questionnaire_code",
    "questionnaire_codes",
    "reconcile",
    "survey_return",
]

#: A code's length: seven drawn characters and a check character.
CODE_LENGTH = 8
#: What an entry says of a questionnaire that did not come back, in either language.
NOT_RETURNED = ("未交回", "not returned")


def questionnaire_code(secret: bytes, survey_id: str, household: str) -> str:
    """The questionnaire code of ``household`` in the survey ``survey_id`` (E-4)."""
    data = household.encode("utf-8")
    message = survey_id.encode("utf-8") + b"|" + b"%d:%s," % (len(data), data)
    number = int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest(), "big")
    body = ""
    for _ in range(CODE_LENGTH - 1):
        number, digit = divmod(number, len(USCC_ALPHABET))
        body += USCC_ALPHABET[digit]
    return body + mod31_check(body)


def questionnaire_codes(households: Iterable[str], secret: bytes, survey_id: str) -> dict[str, str]:
    """Each household's code, in the order given (sample, then reserve).

    Raises:
        ParseError: two households share a code (one chance in 31^7 per pair: draw the
            secret again).
    """
    codes: dict[str, str] = {}
    seen: dict[str, str] = {}
    for household in households:
        code = questionnaire_code(secret, survey_id, household)
        if code in seen:
            raise ParseError(
                f"households {seen[code]!r} and {household!r} share the code {code}; "
                "make a new frame secret",
                field="secret",
                rule="E-4",
                zh=(
                    f"住户 {seen[code]!r} 与 {household!r} 的问卷编号相同（{code}）；"
                    "请重新生成抽样框密钥"
                ),
            )
        seen[code] = household
        codes[household] = code
    return codes


def code_problem(code: str) -> tuple[str, str] | None:
    """Why ``code`` is not a questionnaire code, in English and Chinese; ``None`` if it is."""
    if len(code) != CODE_LENGTH or any(c not in USCC_ALPHABET for c in code):
        english = (
            f"{code[:20]!r} is not a questionnaire code: {CODE_LENGTH} characters of "
            "digits and capital letters (no I, O, S, V, Z)"
        )
        chinese = (
            f"{code[:20]!r} 不是问卷编号：应为 {CODE_LENGTH} 位数字和大写字母（不含 I、O、S、V、Z）"
        )
        return english, chinese
    expected = mod31_check(code[:-1])
    if code[-1] != expected:
        english = (
            f"the questionnaire code {code} is mistyped: its check character should be {expected!r}"
        )
        return english, f"问卷编号 {code} 输入有误：校验位应为 {expected!r}"
    return None


@attrs.frozen
class Entry:
    """One typed answer: a questionnaire's code, the project, the answer, and where it is.

    ``project`` is ``""`` and ``answer`` one of ``NOT_RETURNED`` for a questionnaire that
    did not come back.
    """

    code: str
    project: str
    answer: str
    where: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """What the two entries are matched on: the code and the project."""
        return (self.code, self.project)


@attrs.frozen
class Mismatch:
    """A place where the two entries differ (E-4).

    Attributes:
        code, project: the questionnaire and the project (``""``: the questionnaire as a
            whole, returned or not).
        first, second: what each entry says there (``None``: nothing).
        where_first, where_second: the rows, where there are rows.
    """

    code: str
    project: str
    first: str | None
    second: str | None
    where_first: str = ""
    where_second: str = ""

    def said(self, lang: str) -> str:
        """One line, in ``lang``."""
        nothing = "（无）" if lang == "zh" else "(nothing)"
        first = nothing if self.first is None else repr(self.first)
        second = nothing if self.second is None else repr(self.second)
        if lang == "zh":
            project = f"项目 {self.project}" if self.project else "是否交回"
            places = "；".join(place_zh(p) for p in (self.where_first, self.where_second) if p)
            said = f"问卷 {self.code}，{project}：第一份录入为 {first}，第二份为 {second}"
            return f"{said}（{places}）"
        project = f"project {self.project}" if self.project else "returned or not"
        places = "; ".join(p for p in (self.where_first, self.where_second) if p)
        said = f"questionnaire {self.code}, {project}: first entry {first}, second {second}"
        return f"{said} ({places})"


@attrs.frozen
class Reconciliation:
    """The two entries compared (E-4).

    Attributes:
        mismatches: every difference, in code and project order.
        agreed: the answers both entries give, when there is no mismatch; else ``None``.
        not_returned: the codes of questionnaires both entries say did not come back.
    """

    mismatches: tuple[Mismatch, ...]
    agreed: tuple[Entry, ...] | None
    not_returned: tuple[str, ...] = ()


def _indexed(entries: Sequence[Entry], which: str) -> dict[tuple[str, str], Entry]:
    """The entries by key, each code checked; a key typed twice is refused."""
    found: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        problem = code_problem(entry.code)
        if problem is not None:
            english, chinese = problem
            raise ParseError(english, field=entry.where or which, rule="E-4", zh=chinese)
        if not entry.project and _normal(entry.answer) not in NOT_RETURNED:
            raise ParseError(
                f"questionnaire {entry.code} has an answer but no project; a row without a "
                f"project says the questionnaire was {NOT_RETURNED[1]} ({NOT_RETURNED[0]})",
                field=entry.where or which,
                rule="E-4",
                zh=f"问卷 {entry.code} 有评价却没有项目；没有项目的行只能写“{NOT_RETURNED[0]}”",
            )
        if entry.key in found:
            earlier = found[entry.key].where
            raise ParseError(
                f"questionnaire {entry.code}, project {entry.project or '-'} is entered twice "
                f"(also at {earlier})",
                field=entry.where or which,
                rule="E-4",
                zh=f"问卷 {entry.code} 的项目 {entry.project or '-'} 录入了两次（另见 {earlier}）",
            )
        found[entry.key] = entry
    return found


def _normal(answer: str) -> str:
    """An answer as compared: surrounding spaces and Unicode width forms do not count."""
    return unicodedata.normalize("NFKC", answer).strip()


def reconcile(first: Sequence[Entry], second: Sequence[Entry]) -> Reconciliation:
    """Compare two independent entries of the same questionnaires (E-4).

    Raises:
        ParseError: a mistyped code, or the same answer typed twice in one entry, naming
            the row.
    """
    one, two = _indexed(first, "first"), _indexed(second, "second")
    mismatches = []
    for key in sorted(one.keys() | two.keys()):
        a, b = one.get(key), two.get(key)
        said_a = None if a is None else _normal(a.answer)
        said_b = None if b is None else _normal(b.answer)
        if said_a != said_b:
            mismatches.append(
                Mismatch(
                    key[0],
                    key[1],
                    said_a,
                    said_b,
                    "" if a is None else a.where,
                    "" if b is None else b.where,
                )
            )
    if mismatches:
        return Reconciliation(tuple(mismatches), None)
    agreed = tuple(one[key] for key in sorted(one))
    gone = tuple(e.code for e in agreed if not e.project and _normal(e.answer) in NOT_RETURNED)
    answers = tuple(e for e in agreed if e.project)
    return Reconciliation((), answers, gone)


def households_of(codes: Mapping[str, str]) -> dict[str, str]:
    """The household of each code, from ``questionnaire_codes``'s household → code."""
    return {code: household for household, code in codes.items()}


#: The fields of a response's document.
_RETURN_FIELDS = ("sampled", "first_answered", "answered", "replacements", "unanswered")


@attrs.frozen
class SurveyReturn:
    """How the sampled households answered: the survey's response (E-4).

    Attributes:
        sampled: how many households were drawn (the certificate's size).
        first_answered: how many of the households first drawn answered.
        answered: how many households the survey counts answered, replacements included.
        replacements: (household replaced, replacing household), in draw order.
        unanswered: the households counted in the sample that answered nothing.
    """

    sampled: int
    first_answered: int
    answered: int
    replacements: tuple[tuple[str, str], ...]
    unanswered: tuple[str, ...]

    @property
    def rate(self) -> Fraction:
        """The response of the draw: the households first drawn that answered, exactly."""
        return Fraction(self.first_answered, self.sampled) if self.sampled else Fraction(0)

    def said(self, lang: str) -> str:
        """One line: the response as a percentage to one place, replacements, the count."""
        percent = round_exact(self.rate * 100, 1, RoundingMode.HALF_UP)
        if lang == "zh":
            return (
                f"首次抽中的 {self.sampled} 户中 {self.first_answered} 户作答（{percent}%）；"
                f"按抽签顺序替换 {len(self.replacements)} 户；计入 {self.answered} 户，"
                f"{len(self.unanswered)} 户未作答"
            )
        return (
            f"{self.first_answered} of the {self.sampled} households first drawn answered "
            f"({percent}%); {len(self.replacements)} replaced in draw order; {self.answered} "
            f"counted, {len(self.unanswered)} did not answer"
        )

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> SurveyReturn:
        """A response read back from ``to_document``'s form.

        Raises:
            ParseError: a field missing or of the wrong kind, or counts that cannot be.
        """
        problem: str | None = None
        try:
            counts = [document[name] for name in ("sampled", "first_answered", "answered")]
            pairs = tuple((str(a), str(b)) for a, b in document["replacements"])
            unanswered = tuple(str(h) for h in document["unanswered"])
        except (KeyError, TypeError, ValueError) as error:
            problem = f"{type(error).__name__}: {error}"
        else:
            if set(document) != set(_RETURN_FIELDS) or any(type(n) is not int for n in counts):
                problem = f"its fields are {', '.join(_RETURN_FIELDS)}, the counts whole numbers"
        if problem is not None:
            raise ParseError(
                f"not a survey response ({problem})",
                field="response",
                rule="E-4",
                zh=f"不是民意测评回收情况（{problem}）",
            )
        sampled, first, answered = counts
        if not 0 <= first <= sampled or not 0 <= answered <= sampled + len(pairs):
            raise ParseError(
                f"a response of {first} and {answered} answers from {sampled} drawn cannot be",
                field="response",
                rule="E-4",
                zh=f"抽中 {sampled} 户却有 {first}、{answered} 户作答，不可能",
            )
        return cls(sampled, first, answered, pairs, unanswered)

    def to_document(self) -> dict[str, object]:
        """As plain data: the counts, the replacements in order and the unanswered."""
        return {
            "sampled": self.sampled,
            "first_answered": self.first_answered,
            "answered": self.answered,
            "replacements": [list(pair) for pair in self.replacements],
            "unanswered": list(self.unanswered),
        }


def survey_return(survey: Survey) -> SurveyReturn:
    """The survey's response: who of the sample answered, who was replaced (E-4)."""
    certificate = survey.certificate
    answering = {r.household for r in survey.responses}
    counted = [
        *(h for h in certificate.sample if h in certificate.respondents),
        *(new for _, new in certificate.replacements if new in certificate.respondents),
    ]
    return SurveyReturn(
        sampled=certificate.size,
        first_answered=sum(1 for h in certificate.sample if h in answering),
        answered=sum(1 for h in counted if h in answering),
        replacements=tuple(certificate.replacements),
        unanswered=tuple(h for h in counted if h not in answering),
    )
