"""The "hostile" hypothesis profile (registered on import; conftest.py imports it).

HOSTILE_EXAMPLES (environment, default 40) is the number of cases each page-level hypothesis
test tries (an AppTest run is 50–300 ms); the pure link fuzzers try PURE_SCALE times as many
(a parse is well under a millisecond). Derandomized: CI runs the same cases every time.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

HOSTILE_EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "40"))
PURE_SCALE = 25

settings.register_profile(
    "hostile",
    max_examples=HOSTILE_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)


def hostile_settings(scale: int = 1) -> settings:
    """The profile, with ``scale`` × HOSTILE_EXAMPLES cases."""
    profile = settings.get_profile("hostile")
    return settings(profile, max_examples=max(1, profile.max_examples * scale))
