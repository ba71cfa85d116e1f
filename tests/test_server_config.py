"""The deployed configuration, .streamlit/config.toml, is hardened: XSRF protection on, no
telemetry, no error details for visitors, a viewer's toolbar, uploads capped at the app's own
limit, no magic. Every option in the file is one Streamlit 1.67 knows (a misspelt option is
ignored by Streamlit, silently).

What a visitor's browser then gets (a redacted error, an upload without the XSRF token refused)
is checked against a running server in tests/e2e/test_faults.py.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from explorer.uploads import MAX_UPLOAD_BYTES

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
MEBIBYTE = 2**20  # Streamlit's "MB" in server.maxUploadSize (it multiplies by 1024 * 1024)


@pytest.fixture(scope="module")
def config() -> dict:
    return tomllib.loads(CONFIG.read_text())


def option(config: dict, name: str) -> object:
    section, key = name.split(".")
    return config[section][key]


def test_every_option_is_one_streamlit_knows(config):
    known = streamlit_config.get_config_options()
    written = [f"{section}.{key}" for section, keys in config.items() for key in keys]
    assert len(written) >= 10
    assert [name for name in written if name not in known] == []


def test_xsrf_protection_is_on(config):
    assert option(config, "server.enableXsrfProtection") is True


def test_no_usage_statistics_are_sent(config):
    assert option(config, "browser.gatherUsageStats") is False


def test_visitors_see_no_error_details(config):
    """ "none": a generic message; type, message and traceback only in the server's log."""
    shown = option(config, "client.showErrorDetails")
    assert shown == "none"
    valid = {choice.value for choice in streamlit_config.ShowErrorDetailsConfigOptions}
    assert shown in valid and valid >= {"full", "stacktrace", "type", "none"}


def test_the_toolbar_offers_no_developer_options(config):
    assert option(config, "client.toolbarMode") == "viewer"


def test_magic_is_off(config):
    assert option(config, "runner.magicEnabled") is False


def test_closed_sessions_are_collected_after_each_run(config):
    # A dropped session's objects sit in reference cycles: only a full collection frees them
    # (tests/e2e/test_faults.py measures it). app.py freezes the imports first, so it is cheap.
    assert option(config, "runner.postScriptGC") is True


def test_the_first_import_freezes_what_is_loaded_then():
    # In a fresh interpreter: nothing is frozen before, the imports are after.
    code = (
        "import gc; before = gc.get_freeze_count(); "
        "from explorer.views import warm_start; import sys; "
        "print(before, gc.get_freeze_count(), len(gc.get_objects()), 'pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=CONFIG.parents[1], capture_output=True, text=True
    )
    before, frozen, left, pandas_loaded = out.stdout.split()
    assert (int(before), int(left), pandas_loaded) == (0, 0, "True"), out.stderr
    assert int(frozen) > 10_000  # pandas and plotly: ~60,000 objects a full collection skips


def test_session_state_must_be_serializable(config):
    assert option(config, "runner.enforceSerializableSessionState") is True


def test_the_upload_limit_is_the_apps_own(config):
    """Streamlit refuses a file over server.maxUploadSize MiB before the app sees it; the app
    refuses one over MAX_UPLOAD_BYTES with a sentence. The smallest whole MiB at or above the
    app's limit: Streamlit lets through every file the app could explain, and no more than 1 MiB
    beyond."""
    assert option(config, "server.maxUploadSize") == math.ceil(MAX_UPLOAD_BYTES / MEBIBYTE)
