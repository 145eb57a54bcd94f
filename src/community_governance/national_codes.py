"""Codes that national standards define, checked as those standards define them (C-3, S-1).

* **Unified social credit codes** (统一社会信用代码, GB 32100-2015) identify member units
  (C-3). A code has 18 characters from the standard's alphabet of 31 (the ten digits and
  the capital letters but I, O, S, V, Z); characters 3–8 are the registering authority's
  administrative division code, six digits; the 18th is a check character, computed
  modulo 31 with the weights 3^i. The check catches any single wrong character and any
  two neighbours swapped, which is what the standard intends it for.
* **Administrative division codes** (行政区划代码, GB/T 2260) head every grid code (S-1): two
  digits of province, two of prefecture, two of county. The province must be one of the
  34 the standard lists (``PROVINCES``), and a level of ``00`` is followed only by
  ``00``. The whole table (some 3,000 counties, changed every year) is not shipped: a code
  whose province exists and whose form is right is accepted.

Not checked: the registering authority and entity type of a credit code against their
tables, its division code against GB/T 2260 (central bodies register under ``100000``),
and the GB 11714 check of its characters 9–17.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from community_governance.errors import ParseError
from community_governance.explain import Text

__all__ = [
    "PROVINCES",
    "USCC_ALPHABET",
    "UnifiedSocialCreditCode",
    "check_division",
    "division_problem",
    "mod31_check",
    "uscc_check_character",
]

#: The 31 characters of a unified social credit code, in the order of their values.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {character: value for value, character in enumerate(USCC_ALPHABET)}
_LENGTH = 18
#: Longer text is refused before it is normalised or shown.
_MAX_SHOWN = 40

#: The provincial-level divisions of GB/T 2260, by their two-digit prefix.
PROVINCES: Mapping[str, Text] = {
    "11": Text("北京市", "Beijing"),
    "12": Text("天津市", "Tianjin"),
    "13": Text("河北省", "Hebei"),
    "14": Text("山西省", "Shanxi"),
    "15": Text("内蒙古自治区", "Inner Mongolia"),
    "21": Text("辽宁省", "Liaoning"),
    "22": Text("吉林省", "Jilin"),
    "23": Text("黑龙江省", "Heilongjiang"),
    "31": Text("上海市", "Shanghai"),
    "32": Text("江苏省", "Jiangsu"),
    "33": Text("浙江省", "Zhejiang"),
    "34": Text("安徽省", "Anhui"),
    "35": Text("福建省", "Fujian"),
    "36": Text("江西省", "Jiangxi"),
    "37": Text("山东省", "Shandong"),
    "41": Text("河南省", "Henan"),
    "42": Text("湖北省", "Hubei"),
    "43": Text("湖南省", "Hunan"),
    "44": Text("广东省", "Guangdong"),
    "45": Text("广西壮族自治区", "Guangxi"),
    "46": Text("海南省", "Hainan"),
    "50": Text("重庆市", "Chongqing"),
    "51": Text("四川省", "Sichuan"),
    "52": Text("贵州省", "Guizhou"),
    "53": Text("云南省", "Yunnan"),
    "54": Text("西藏自治区", "Xizang"),
    "61": Text("陕西省", "Shaanxi"),
    "62": Text("甘肃省", "Gansu"),
    "63": Text("青海省", "Qinghai"),
    "64": Text("宁夏回族自治区", "Ningxia"),
    "65": Text("新疆维吾尔自治区", "Xinjiang"),
    "71": Text("台湾省", "Taiwan"),
    "81": Text("香港特别行政区", "Hong Kong"),
    "82": Text("澳门特别行政区", "Macao"),
}


def _shown(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"


def _refuse(field: str, message: str, *, zh: str) -> ParseError:
    return ParseError(message, field=field, rule="GB 32100", zh=zh)


def uscc_check_character(body: str) -> str:
    """The check character GB 32100 computes for the first 17 characters of a code.

    Raises:
        ParseError: ``body`` is not 17 characters of the code's alphabet.
    """
    if len(body) != _LENGTH - 1 or any(c not in _VALUE for c in body):
        raise _refuse(
            "credit_code",
            f"{_shown(body)!r} is not 17 characters of the GB 32100 alphabet",
            zh=f"{_shown(body)!r} 不是 GB 32100 字符集中的 17 个字符",
        )
    return mod31_check(body)


def mod31_check(body: str) -> str:
    """GB 32100's check character of ``body``, characters of ``USCC_ALPHABET``: weights 3^i.

    The check of a credit code, and of any shorter code written in the same alphabet (a
    questionnaire's code, E-4): 31 is prime and no two adjacent weights are equal modulo
    31, so any one wrong character and any swap of two adjacent ones change it.
    """
    total = sum(_VALUE[c] * pow(3, i, 31) for i, c in enumerate(body))
    return USCC_ALPHABET[-total % 31]


class UnifiedSocialCreditCode(str):
    """A unified social credit code (统一社会信用代码), checked as GB 32100-2015 defines it.

    The text is read as people type it: full-width characters become their ASCII forms
    (NFKC), surrounding spaces go and letters are made capital; then the length, the
    alphabet, the six digits of the division code (characters 3–8) and the check
    character are checked, and the first wrong one is named.

    Example:
        >>> UnifiedSocialCreditCode("91110000600037341l")
        '91110000600037341L'

    Raises:
        ParseError: the code is wrong; the message names the position, or the check
            character the standard expects.
    """

    __slots__ = ()

    def __new__(cls, value: object, field: str = "credit_code") -> UnifiedSocialCreditCode:
        """The code ``value`` reads as, refused as ``field`` if it is wrong."""
        if isinstance(value, UnifiedSocialCreditCode):
            return value
        if not isinstance(value, str):
            kind = type(value).__name__
            raise _refuse(
                field,
                f"a unified social credit code is text, not {kind}",
                zh=f"统一社会信用代码须为文本，而不是 {kind}",
            )
        if len(value) > 4 * _LENGTH:
            raise _refuse(
                field,
                f"{_shown(value)!r} is far longer than a credit code's 18 characters",
                zh=f"{_shown(value)!r} 远长于统一社会信用代码的 18 位",
            )
        code = unicodedata.normalize("NFKC", value).strip().upper()
        if len(code) != _LENGTH:
            raise _refuse(
                field,
                f"{code!r} has {len(code)} characters; a unified social credit code has 18",
                zh=f"{code!r} 有 {len(code)} 个字符，统一社会信用代码为 18 位",
            )
        for position, character in enumerate(code, start=1):
            if character not in _VALUE:
                raise _refuse(
                    field,
                    f"character {position} of {code!r} is {character!r}, which GB 32100 does not"
                    " use (digits, and capital letters but I, O, S, V, Z)",
                    zh=f"{code!r} 的第 {position} 位 {character!r} 不在 GB 32100 的字符集内"
                    "（数字，及 I、O、S、V、Z 以外的大写字母）",
                )
        if not code[2:8].isdigit():
            position = next(i for i in range(2, 8) if not code[i].isdigit()) + 1
            raise _refuse(
                field,
                f"character {position} of {code!r} is {code[position - 1]!r}; characters 3–8"
                " are the registering authority's division code, six digits",
                zh=f"{code!r} 的第 {position} 位是 {code[position - 1]!r}，"
                "第 3–8 位是登记管理机关行政区划码，须为 6 位数字",
            )
        expected = uscc_check_character(code[:-1])
        if code[-1] != expected:
            raise _refuse(
                field,
                f"the check character (18th) of {code!r} is {code[-1]!r}; GB 32100's mod-31"
                f" check gives {expected!r}",
                zh=f"{code!r} 的校验码（第 18 位）是 {code[-1]!r}，"
                f"按 GB 32100 模 31 校验应为 {expected!r}",
            )
        return super().__new__(cls, code)

    @property
    def division(self) -> str:
        """Characters 3–8: the registering authority's administrative division code."""
        return self[2:8]

    @property
    def organisation(self) -> str:
        """Characters 9–17: the organisation's code (GB 11714)."""
        return self[8:17]


def division_problem(code: str, *, below_province: bool = False) -> tuple[str, str] | None:
    """What is wrong with ``code`` as a GB/T 2260 division code, in English and Chinese.

    ``None`` when nothing is. With ``below_province``, a province's own code
    (``350000``) is wrong too: a district segment names a prefecture or a county.
    """
    shown = _shown(code)
    if len(code) != 6 or not code.isascii() or not code.isdigit():  # noqa: PLR2004
        return (
            f"{shown!r} is not a six-digit administrative division code (GB/T 2260)",
            f"{shown!r} 不是 6 位行政区划代码（GB/T 2260）",
        )
    province, prefecture, county = code[:2], code[2:4], code[4:]
    if province not in PROVINCES:
        return (
            f"digits 1–2 of {code!r}, {province!r}, are no province of GB/T 2260",
            f"{code!r} 的第 1–2 位 {province!r} 不是 GB/T 2260 中的省级代码",
        )
    if prefecture == "00" and county != "00":
        return (
            f"digits 3–4 of {code!r} are 00 (no prefecture): digits 5–6 must be, not {county!r}",
            f"{code!r} 的第 3–4 位为 00（无地级），第 5–6 位也须为 00，而不是 {county!r}",
        )
    if below_province and prefecture == "00":
        name = PROVINCES[province]
        return (
            f"{code!r} is the code of {name.en} itself, not of a district in it",
            f"{code!r} 是{name.zh}本身的代码，而不是其下的区县",
        )
    return None


def check_division(code: str, *, field: str, rule: str, below_province: bool = False) -> str:
    """``code`` if it is a GB/T 2260 division code (see ``division_problem``).

    Raises:
        ParseError: it is not, naming ``field`` and ``rule``.
    """
    problem = division_problem(code, below_province=below_province)
    if problem is not None:
        english, chinese = problem
        raise ParseError(english, field=field, rule=rule, zh=chinese)
    return code
