"""The command line's usage errors in Chinese (all rules: the shell's one line, exit 2).

Click writes its own refusals (an unknown option, a missing argument, a value its types
cannot read) in English; under ``--lang zh`` each is said again in Chinese from the
error's own parts (the option's name, the parameter, the value), and the wording of
Click's types is matched against the handful of sentences Click has. The library's own
usage errors carry their Chinese (``UsageError``).
"""

from __future__ import annotations

import click

from community_governance.errors import by_pattern

__all__ = ["UsageError", "usage_zh"]


class UsageError(click.UsageError):
    """A usage error of the library's own commands, with its message in Chinese too."""

    def __init__(self, message: str, *, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


#: Click's sentences (its types and parser) and their Chinese; the first match is used.
_SENTENCES_ZH: tuple[tuple[str, str], ...] = (
    (r"(.+) is not a valid integer(?: range)?\.", r"\1 不是有效的整数"),
    (r"(.+) is not a valid float(?: range)?\.", r"\1 不是有效的数值"),
    (r"(.+) is not a valid boolean\..*", r"\1 不是有效的是非值"),
    (r"(.+) is not a valid UUID\.", r"\1 不是有效的 UUID"),
    (r"(.+) is not in the range (.+)\.", r"\1 不在范围 \2 之内"),
    (r"(.+) is not one of (.+)\.", r"\1 不是 \2 之一"),
    (r"(.+) is not (.+)\.", r"\1 不是 \2"),
    (r"(.+) does not match the formats? (.+)\.", r"\1 不符合格式 \2"),
    (r"(?:File|Directory|Path) (.+) does not exist\.", r"\1 不存在"),
    (r"(?:File|Directory|Path) (.+) is a file\.", r"\1 是文件"),
    (r"(?:File|Directory|Path) (.+) is a directory\.", r"\1 是文件夹"),
    (r"(?:File|Directory|Path) (.+) is not readable\.", r"\1 不可读"),
    (r"(?:File|Directory|Path) (.+) is not writable\.", r"\1 不可写"),
    (r"No such command (.+)\.", r"没有命令 \1"),
    (r"Got unexpected extra arguments? \((.+)\)", r"多余的参数（\1）"),
    (r"Missing command\.", "缺少命令"),
    (r"Option (.+) requires an argument\.", r"选项 \1 需要一个值"),
    (r"Option (.+) requires (\d+) arguments\.", r"选项 \1 需要 \2 个值"),
    (r"Option (.+) does not take a value\.", r"选项 \1 不接受值"),
    (r"Argument (.+) takes (\d+) values\.", r"参数 \1 需要 \2 个值"),
    (r"(\d+) values are required, but (\d+) (?:was|were) given\.", r"需要 \1 个值，只给了 \2 个"),
    (r"'(.+)': (.+)", r"'\1'：\2"),
)

_KINDS_ZH = {"argument": "参数", "option": "选项", "parameter": "参数"}


def _sentence_zh(message: str) -> str:
    return by_pattern(message, _SENTENCES_ZH) or message


def _hint(error: click.BadParameter) -> str:
    if error.param_hint is not None:
        hint = error.param_hint
        return " / ".join(hint) if isinstance(hint, list | tuple) else str(hint)
    if error.param is not None:
        return error.param.get_error_hint(error.ctx) if error.ctx else error.param.name or ""
    return ""


def usage_zh(error: click.ClickException) -> str:
    """``error``'s message in Chinese (its English where Click has words not listed here)."""
    own = getattr(error, "zh", None)
    if isinstance(own, str):
        return own
    if isinstance(error, click.NoSuchOption):
        close = f"（是否想用：{'、'.join(error.possibilities)}）" if error.possibilities else ""
        return f"没有选项 {error.option_name}{close}"
    if isinstance(error, click.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "parameter")
        return f"缺少{_KINDS_ZH.get(kind, '参数')} {_hint(error)}".rstrip()
    if isinstance(error, click.BadParameter):
        return f"{_hint(error)} 的值无效：{_sentence_zh(error.message)}"
    if isinstance(error, click.FileError):
        return f"无法打开文件 {error.ui_filename!r}：{error.message}"
    return _sentence_zh(error.message)
