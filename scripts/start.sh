#!/usr/bin/env bash
# Install the app into ./.venv and start it at http://localhost:8501 (Ctrl+C stops it).
# Extra arguments go to `streamlit run`, e.g. `bash scripts/start.sh --server.port 8600`.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
echo "Starting the Softmax Temperature Explorer: open http://localhost:8501"
exec .venv/bin/python -m streamlit run app.py "$@"
