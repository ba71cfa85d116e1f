#!/usr/bin/env bash
# Serve a whole class: N app processes behind HAProxy with sticky sessions, on one port.
#   bash scripts/serve.sh 4                            # 4 processes at http://<this machine>:8501
#   bash scripts/serve.sh 2 --port 8600 --address 127.0.0.1
# Stays in the foreground; Ctrl+C stops every process. Health: /_stcore/health.
# Needs Debian's haproxy (`apt-get install haproxy`). Installs the app into ./.venv like start.sh,
# or uses the Python in $SERVE_PYTHON (one that has requirements.txt installed) as it is.
# Options: see `bash scripts/serve.sh --help` (deploy/cluster.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
  echo "haproxy is missing: install Debian's package with \`sudo apt-get install haproxy\`." >&2
  exit 1
fi
python="${SERVE_PYTHON:-}"
if [ -z "$python" ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  python=.venv/bin/python
fi
exec "$python" -m deploy.cluster "$@"
