#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need when it is missing — node
# and npm, Debian's Chromium for the HTML form's browser tests (both need root), and the npm
# packages in tests/js (Ajv, TypeScript, playwright-core) — then runs fmt, clippy and cargo test.
# Usage: scripts/test.sh            (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing here reads standard input; cargo's rustc probe (`rustc -`) does read the inherited
# one, so give every child an empty stdin whatever the caller's fd 0 is (or is not).
exec </dev/null

missing=()
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
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

# The Python tools (the MCP Python SDK client) in a virtual environment of their own.
venv=tests/py/.venv
if [ ! -x "$venv/bin/python" ] || [ tests/py/requirements.txt -nt "$venv/installed" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/py/requirements.txt
  touch "$venv/installed"
fi

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# The library must stay clean without the CLI and HTTP client, as build.rs users take it.
cargo clippy --lib --no-default-features -- -D warnings
# Each artifact's feature alone, as a library user would pick it.
for feature in schema html typescript ir-json validate diff bundle fetch tool mcp; do
  cargo clippy --lib --no-default-features --features "$feature" -- -D warnings
done
# The crate docs as docs.rs builds them (every feature): no broken or private links.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --all-features --workspace
cargo test
# CI also fuzzes the whole pipeline for a minute (about 2.5 minutes with the sanitizer build on
# 2 cores, plus ~1.5 to install cargo-fuzz on a fresh machine).
if [ "${CI:-}" = true ]; then
  scripts/fuzz.sh 60
fi
