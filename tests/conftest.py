"""Shared fixtures and the Hypothesis profiles.

``default`` is quick for local runs; ``ci`` is thorough and is what ``.ci/run``
selects (``HYPOTHESIS_PROFILE=ci``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
