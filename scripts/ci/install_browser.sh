#!/usr/bin/env bash
# Installs what the dashboard's headless-browser test (tests/e2e/) needs on a
# fresh Debian 12, as root, after `apt-get update`:
#   - Debian's chromium (Playwright drives it through executable_path; we
#     never run `playwright install`, which would download a browser build);
#   - fonts with Arabic glyphs so screenshots read correctly;
#   - the Python `playwright` package (the client library only).
# Idempotent: installs only what is missing.
set -euo pipefail

PY="${PYTHON:-}"
if [[ -z "$PY" ]]; then
  if [[ -x .venv/bin/python ]]; then PY=.venv/bin/python; else PY=python3; fi
fi

need=()
[[ -x /usr/bin/chromium ]] || need+=(chromium)
dpkg -s fonts-noto-core >/dev/null 2>&1 || need+=(fonts-noto-core)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}"
fi

if ! "$PY" -c "import playwright" >/dev/null 2>&1; then
  "$PY" -m pip install --quiet "playwright>=1.40"
fi

/usr/bin/chromium --version
