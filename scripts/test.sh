#!/usr/bin/env bash
# The test command, run before every commit: fmt, clippy on every target, and every test.
# Installs what the tests need when it is missing: node and npm, Debian's Chromium for the HTML
# form's browser tests (both need root), the npm packages in tests/js (Ajv, TypeScript,
# Zod, playwright-core, axe-core, the MCP SDK, React and esbuild) and the Python packages (pydantic, mypy, the MCP
# SDK) in tests/py/.venv.
# Budget: 10 minutes on 2 cores from a clean clone with the crates downloaded. CI (.ci/run)
# runs it, then the heavier checks: clippy for each feature alone, the docs, and fuzzing.
# Usage: scripts/test.sh            (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing here reads standard input; cargo's rustc probe (`rustc -`) does read the inherited
# one, so give every child an empty stdin whatever the caller's fd 0 is (or is not).
exec </dev/null

missing=()
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Debian splits venv (and its ensurepip) out of python3.
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "note: ${missing[*]} missing and not root: the tests that need them will skip" >&2
  fi
fi

if command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
    npm ci --prefix tests/js --no-audit --no-fund
  fi
fi

# The Python tools (pydantic and mypy for the generated models, the MCP Python SDK client) in a
# virtual environment of their own.
venv=tests/py/.venv
if python3 -c 'import ensurepip, venv' >/dev/null 2>&1 &&
  { [ ! -x "$venv/bin/python" ] || [ tests/py/requirements.txt -nt "$venv/installed" ]; }; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/py/requirements.txt
  touch "$venv/installed"
fi

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test
