"""The ledger's findings in Chinese (R-1, E-1: the record that no one can quietly rewrite).

The chain module writes its findings and refusals in English only, since it is also the
standard-library verifier's; people who read Chinese get them through ``reason_zh``.
"""

from __future__ import annotations

from community_governance.errors import by_pattern

__all__ = ["reason_zh"]

#: The chain's findings and refusals in Chinese, matched by pattern.
_REASONS_ZH = (
    (r"hash mismatch", "哈希不符"),
    (r"expected sequence (\d+), found (.+)", r"应为第 \1 条，实为 \2"),
    (r"a stream skips to version (.+)", r"流的版本跳至 \1"),
    (r"unknown record form (.+)", r"未知的记录格式 \1"),
    (r"unreadable record: (.+)", r"记录无法读取：\1"),
    (r"differs from the published head", "与公示的链头不符"),
    (r"truncated: (\d+) of (\d+) events", r"被截断：只有 \1 条，公示时为 \2 条"),
    (r"the signed head's checkpoint record is missing", "签名链头的检查点记录缺失"),
    (r"the record after the signed head is not its checkpoint", "签名链头之后的记录不是其检查点"),
    (r"a record follows the final signed head's checkpoint", "最终签名链头的检查点之后还有记录"),
    (r"signed by key (\w+), which is not trusted", r"由未受信任的密钥 \1 签名"),
    (r"key (\w+) is listed under another key's id", r"密钥 \1 登记在另一密钥的编号下"),
    (r"the signature of the head at sequence (\d+) is not valid", r"第 \1 条处链头的签名无效"),
    (
        r"the head names ledger (\w+), not this ledger (\w*)",
        r"签名位置写明的账本是 \1，而不是本账本 \2",
    ),
    (
        r"the head names (.+), not the expected ledger (\w+)",
        r"签名位置写明的是 \1，而不是预期的账本 \2",
    ),
    (r"the head names the scope (.+), not (.+)", r"签名位置写明的范围是 \1，而不是 \2"),
    (r"a key of type (\w+) has no canonical form in the ledger", r"账本无法规范地写出 \1 类型的键"),
    (r"a float has no canonical form in the ledger: (.+)", r"浮点数不精确，账本无法规范地写出：\1"),
    (
        r"two keys of the data are the same text in JSON \(such as 1 and '1'\)",
        "数据中有两个键在 JSON 中是同一文本（如 1 与 '1'）",
    ),
    (r"(\w+) has no canonical form in the ledger", r"账本无法规范地写出 \1 类型的值"),
    (
        r"record (.+) holds data the ledger never writes: (.+)",
        r"第 \1 条记录含有账本从不写入的数据：\2",
    ),
)


def reason_zh(reason: str) -> str:
    """A chain finding's reason in Chinese (unchanged if it has no translation)."""
    return by_pattern(reason, _REASONS_ZH) or reason
