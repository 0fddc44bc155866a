#!/usr/bin/env bash
# Fuzzes the whole pipeline (loader, IR builder, every emitter) with cargo fuzz / libFuzzer.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60). Installs cargo-fuzz if it is missing.
# cargo fuzz passes -Z flags to rustc; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
# A generous per-input timeout: a slow but correct input (a sanitizer build rendering a deeply
# nested document) must not read as a failure; a crash or a hang still does.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
mkdir -p fuzz/corpus/pipeline
cargo fuzz run --fuzz-dir fuzz pipeline fuzz/corpus/pipeline tests/corpus -- \
  -max_total_time="$seconds" -max_len=32768 -timeout=60 -rss_limit_mb=4096
