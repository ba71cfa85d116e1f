"""Hostile-input tests: the "hostile" hypothesis profile (tests/hostile/profile.py: derandomized,
no deadline, HOSTILE_EXAMPLES cases) and full error details while these tests run."""

from __future__ import annotations

from tests.hostile import profile  # noqa: F401  (registers the "hostile" profile)
from tests.views.conftest import full_error_details  # noqa: F401  (the pages' tests' fixture)
