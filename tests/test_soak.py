"""The soak (python -m benchmarks.soak): hundreds of sessions opened and closed on one real
server leave it error-free and its memory within a stated bound. About 2 minutes; the longer
soak is the command itself with more --sessions."""

from __future__ import annotations

import pytest

from benchmarks import soak

SESSIONS = 200  # opened, used and closed, 8 at a time
BOUND_MB = 60.0  # resident memory growth allowed across them (measured: +2 MB for 40)


def test_caps_are_enforced():
    for argv in (["--sessions", "0"], ["--sessions", "5001"], ["--concurrency", "65"]):
        with pytest.raises(SystemExit):
            soak.parse_args(argv)
    assert soak.parse_args([]).sessions == 300


@pytest.mark.e2e
def test_hundreds_of_sessions_leave_no_errors_and_no_growth():
    result = soak.soak(SESSIONS, concurrency=8, ttl=3)
    print(
        f"soak: {result.sessions} sessions in {result.seconds:.1f} s; memory "
        f"{result.rss_before / 2**20:.1f} → {result.rss_after / 2**20:.1f} MB"
    )
    assert result.errors == []
    assert result.growth_mb <= BOUND_MB
