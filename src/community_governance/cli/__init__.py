"""The ``community-governance`` command line (adapter; needs the ``[cli]`` extra).

Exit codes: 0 success (help included: ``-h``, ``--help``, or a bare group such as
``community-governance policy``, which prints its commands); 1 a rule outcome the caller
asked to fail on; 2 bad input (a missing or invalid file, an unknown option); 130
interrupted (Ctrl-C). Bad input prints one line naming the file, the field and the
rule, never a traceback; a table with several bad rows prints one such line per row.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import TextIO

from community_governance.errors import GovernanceError, GovernanceWarning
from community_governance.extras import installed
from community_governance.vocabulary import Lang

if installed("click"):
    import click

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_OUTCOME", "main"]

EXIT_OK = 0
EXIT_OUTCOME = 1
EXIT_BAD_INPUT = 2
#: The shell's code for a run stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


def default_lang() -> Lang:
    """``zh`` when the locale is Chinese (``LANG=zh_CN.UTF-8``), else ``en``."""
    for variable in ("COMMUNITY_GOVERNANCE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    if not installed("click"):  # pragma: no cover - exercised only without the extra
        from community_governance.extras import require

        try:
            require("click", needed_for=("the command line", "命令行"), field="cli", rule="cli")
        except GovernanceError as missing:
            print(f"community-governance: {missing.said(_lang(argv))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from community_governance.cli.app import cli
    from community_governance.cli.progress import showing_progress

    lang = _lang(argv)
    try:
        # Without standalone mode click returns the code of an early exit (--help, Exit(n)).
        with _terminations_interrupt(), showing_progress(), _warnings_said(lang):
            code = cli.main(args=argv, prog_name="community-governance", standalone_mode=False)
    except (
        GovernanceError,
        click.ClickException,
        click.exceptions.Exit,
        click.exceptions.Abort,
        KeyboardInterrupt,
    ) as stopped:
        return _stopped(stopped, lang)
    return code if isinstance(code, int) else EXIT_OK


#: What kind of error it is, in Chinese, by class name (the nearest class up the hierarchy):
#: under ``--lang zh`` each error line starts with it, and its message follows in Chinese;
#: the places it names (file, row, field path) and the rule stay as the library writes them.
ERROR_KINDS_ZH: dict[str, str] = {
    "GovernanceError": "输入有误",
    "ExactnessError": "需要精确数值",
    "ParseError": "无法读取",
    "TableError": "表格中有错误行",
    "UnknownLabelError": "未知的标签",
    "PolicyError": "政策参数有误",
    "PolicyDateError": "日期不在政策有效期内",
    "MissingComponentError": "缺少成绩组成部分",
    "EligibilityError": "不符合条件",
    "PeerRatesItselfError": "不能互评本单位",
    "ForeignSelfRatingError": "不能替其他单位自评",
    "DuplicateRatingError": "重复评分",
    "UnknownUnitError": "不是成员单位",
    "UnknownProjectError": "未知项目",
    "UnsampledHouseholdError": "住户未被抽中",
    "DuplicateResponseError": "重复答卷",
    "ScoreOutOfRangeError": "分数超出量表",
    "InvalidAnswerError": "无效的评价",
    "SampleError": "抽样有误",
    "UnknownRepresentativeError": "不是应到代表",
    "DuplicateBallotError": "重复投票",
    "MeetingClosedError": "会议已闭会",
    "NotOnAgendaError": "不在议程中",
    "NoElectorateError": "没有应到代表",
    "InvalidTransition": "流程不允许此操作",
    "GuardFailed": "不满足流程条件",
    "DeadlinePassedError": "已过整改期限",
    "ObjectionWindowClosedError": "异议期已结束",
    "UnresolvedObjectionError": "尚有未处理的异议",
    "LedgerError": "账本错误",
    "ConcurrencyError": "并发写入冲突",
    "CatalogueError": "服务目录有误",
}


def _kind_zh(error: BaseException) -> str:
    for cls in type(error).__mro__:
        if cls.__name__ in ERROR_KINDS_ZH:
            return ERROR_KINDS_ZH[cls.__name__]
    return "错误"


def _lang(argv: list[str] | None) -> Lang:
    """The language of the run's messages: ``--lang`` as given, else the locale's."""
    words = sys.argv[1:] if argv is None else argv
    for index, word in enumerate(words):
        if word == "--lang" and index + 1 < len(words) and words[index + 1] in ("zh", "en"):
            return "zh" if words[index + 1] == "zh" else "en"
        if word in ("--lang=zh", "--lang=en"):
            return "zh" if word.endswith("zh") else "en"
    return default_lang()


def _stopped(stopped: BaseException, lang: Lang = "en") -> int:
    """The exit code of a run that stopped early, its one line written where it belongs."""
    if isinstance(stopped, GovernanceError):
        # A table's errors are one per row, each a line of its own.
        head = f"错误（{_kind_zh(stopped)}）" if lang == "zh" else "error"
        for line in stopped.said(lang).splitlines():
            print(f"community-governance: {head}: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(stopped, click.exceptions.Exit):
        return int(stopped.exit_code)
    if isinstance(stopped, click.exceptions.NoArgsIsHelpError):
        # A bare group asks what it can do: its help, as with -h.
        print(stopped.ctx.get_help())
        return EXIT_OK
    if isinstance(stopped, KeyboardInterrupt) or isinstance(stopped.__cause__, KeyboardInterrupt):
        said = "已中断" if lang == "zh" else "interrupted"
        print(f"community-governance: {said}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if isinstance(stopped, click.ClickException):
        from community_governance.cli.usage import usage_zh

        head = "错误（命令用法）" if lang == "zh" else "error"
        said = usage_zh(stopped) if lang == "zh" else stopped.format_message()
        print(f"community-governance: {head}: {said}", file=sys.stderr)
        return EXIT_BAD_INPUT if stopped.exit_code == EXIT_BAD_INPUT else stopped.exit_code
    print(f"community-governance: {'已中止' if lang == 'zh' else 'aborted'}", file=sys.stderr)
    return EXIT_BAD_INPUT


@contextlib.contextmanager
def _terminations_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a command as Ctrl-C does, so that it cleans up after itself.

    A run's temporary output is removed on the way out (``finally``); Python's default for
    these signals ends the process on the spot, leaving it behind.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [s for s in ("SIGTERM", "SIGHUP") if hasattr(signal, s)]
    previous = {name: signal.signal(getattr(signal, name), interrupt) for name in wanted}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


@contextlib.contextmanager
def _warnings_said(lang: Lang) -> Iterator[None]:
    """The library's warnings as one line each, in ``lang``, instead of Python's form."""
    shown = warnings.showwarning

    def say(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not isinstance(message, GovernanceWarning):
            shown(message, category, filename, lineno, file, line)
            return
        head = "警告" if lang == "zh" else "warning"
        print(f"community-governance: {head}: {message.said(lang)}", file=sys.stderr)

    warnings.showwarning = say
    try:
        yield
    finally:
        warnings.showwarning = shown
