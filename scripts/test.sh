#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs the JavaScript test tools (Ajv; Chromium and
# Playwright for the HTML form tests) when missing, then runs fmt, clippy and cargo test.
# Usage: scripts/test.sh            (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
  npm ci --prefix tests/js --no-audit --no-fund
fi

cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# The library must stay clean without the CLI and HTTP client, as build.rs users take it.
cargo clippy --lib --no-default-features -- -D warnings
cargo test
