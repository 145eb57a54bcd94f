"""Policy files past their bounds, shared by the tests that refuse them (P-1)."""

from __future__ import annotations

from community_governance.numbers import MAX_DIGITS
from community_governance.policy.loader import MAX_POLICY_TEXT
from community_governance.policy.model import MAX_PARAMETERS

#: A local policy's header, extending ``parent``.
HEAD = '[policy]\nid = "{id}"\ntitle = "t"\nsource = "s"\nformat = 1\nextends = "{parent}"\n'


def _local(name: str, value: str) -> str:
    return (
        f'[parameters."{name}"]\nrule = "LOCAL-1"\nnote = "n"\n'
        f"values = [{{valid_from = 2021-01-21, value = {value}}}]\n"
    )


POLICY_CASES = {
    "an integer of 5,000 digits": (
        _local("local.x", "9" * 5_000),
        f"more than {MAX_DIGITS} digits",
    ),
    "an integer of MAX_DIGITS + 1 digits": (
        _local("local.x", "9" * (MAX_DIGITS + 1)),
        f"more than {MAX_DIGITS} digits",
    ),
    "a datetime where a number belongs": (
        (
            '[parameters."management.duty_per_day"]\n'
            "values = [{valid_from = 2021-01-21, value = 2021-01-21T10:00:00}]\n"
        ),
        "expected a whole number, got datetime",
    ),
    "more parameters than a policy may list": (
        "".join(_local(f"local.p{i}", "1") for i in range(MAX_PARAMETERS + 1)),
        f"more than {MAX_PARAMETERS:,}",
    ),
    "more text than a policy file may have": (
        "# " + "x" * MAX_POLICY_TEXT + "\n",
        f"more than a policy file may have ({MAX_POLICY_TEXT:,})",
    ),
}
