#!/usr/bin/env bash
# Tests the release packages as their users get them. Builds them (scripts/package.sh), then,
# from the built files alone (no registry): installs the wheel into a fresh virtual environment
# and the npm tarballs into a fresh npm project, and runs `cozegen` from each. Checks that the
# wheel, both npm packages and `cozegen --version` carry Cargo.toml's version, that the wheel's
# platform tag covers the glibc the binary needs, that the npm launcher passes on arguments,
# standard streams, exit status and signals, and says which platforms it covers where it has
# no binary. Then builds again and compares the archives byte for byte.
# CI runs it (.ci/run); it is not part of scripts/test.sh (a release build takes minutes).
# Usage: scripts/package-test.sh [--no-build]   (--no-build tests what target/dist holds)
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
root=$PWD
dist=$root/target/dist
example=$root/examples/workflows/order_intake.json
twine_version=7.0.0

[ "${1:-}" = --no-build ] || scripts/package.sh

scratch=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

passed=0
failed=0
# check NAME COMMAND...: one named check, passed when COMMAND succeeds; its output is shown
# only when it fails.
check() {
  local name=$1
  shift
  if "$@" >"$scratch/check.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    sed 's/^/     /' "$scratch/check.log"
  fi
}
# equal WHAT EXPECTED ACTUAL
equal() {
  [ "$2" = "$3" ] || {
    echo "$1: expected '$2', got '$3'"
    return 1
  }
}

# What Cargo.toml says: the version, and the documentation link the wheel must repeat.
crate=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json, sys; c = next(p for p in json.load(sys.stdin)["packages"] if p["name"] == "cozegen"); print(c["version"], c["documentation"])')
read -r version documentation <<<"$crate"
wheels=("$dist"/cozegen-"$version"-py3-none-*.whl)
wheel=${wheels[0]}
npm_main=$dist/cozegen-$version.tgz
npm_platform=$dist/cozegen-cli-linux-x64-$version.tgz
# What `cozegen all` writes for the example: every artifact of the start and end nodes.
expected_files="form.html input.py input.rs input.ts input.zod.ts ir.json output.py output.rs output.schema.json output.ts output.zod.ts schema.json"

echo "package-test: cozegen $version, artifacts in $dist"

# --- the wheel, as PyPI would take it -------------------------------------------------------

wheel_tag() {
  # One wheel, for linux x86_64: manylinux_2_N when auditwheel found the binary fits that
  # policy, plain linux otherwise; never another architecture.
  [ ${#wheels[@]} = 1 ] && [ -f "$wheel" ] || { echo "no single wheel: ${wheels[*]}"; return 1; }
  [[ $(basename "$wheel") =~ ^cozegen-$version-py3-none-(manylinux_2_[0-9]+_x86_64|linux_x86_64)\.whl$ ]] ||
    { echo "unexpected wheel name $(basename "$wheel")"; return 1; }
}
check "wheel: one linux x86_64 wheel of version $version" wheel_tag

wheel_files() {
  local listed
  listed=$(python3 -c 'import sys, zipfile; print("\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' "$wheel")
  equal "files" "cozegen-$version.data/scripts/cozegen
cozegen-$version.dist-info/METADATA
cozegen-$version.dist-info/RECORD
cozegen-$version.dist-info/WHEEL
cozegen-$version.dist-info/licenses/LICENSE-APACHE
cozegen-$version.dist-info/licenses/LICENSE-MIT
cozegen-$version.dist-info/sboms/cozegen.cyclonedx.json" "$listed"
}
check "wheel: holds the binary, the metadata, both licences and the SBOM, nothing else" wheel_files

wheel_metadata() {
  python3 - "$wheel" "$version" "$documentation" <<'EOF'
import email, sys, zipfile
wheel, version, documentation = sys.argv[1], sys.argv[2], sys.argv[3]
archive = zipfile.ZipFile(wheel)
meta = email.message_from_bytes(archive.read(f"cozegen-{version}.dist-info/METADATA"))
problems = []
def want(key, value):
    if meta.get(key) != value:
        problems.append(f"{key}: expected {value!r}, got {meta.get(key)!r}")
want("Name", "cozegen")
want("Version", version)
want("License-Expression", "MIT OR Apache-2.0")
want("Description-Content-Type", "text/markdown")
want("Requires-Python", ">=3.8")
if meta.get_all("Project-URL") != [f"Documentation, {documentation}"]:
    problems.append(f"Project-URL: {meta.get_all('Project-URL')}, Cargo.toml says {documentation!r}")
if sorted(meta.get_all("License-File") or []) != ["LICENSE-APACHE", "LICENSE-MIT"]:
    problems.append(f"License-File: {meta.get_all('License-File')}")
classifiers = meta.get_all("Classifier") or []
for c in ("Operating System :: POSIX :: Linux", "Programming Language :: Rust", "Environment :: Console"):
    if c not in classifiers:
        problems.append(f"classifier {c!r} missing")
if "pip install cozegen" not in meta.get_payload():
    problems.append("the readme is not the long description")
if meta.get("Requires-Dist"):
    problems.append("the wheel depends on Python packages")
wheel_info = email.message_from_bytes(archive.read(f"cozegen-{version}.dist-info/WHEEL"))
if wheel_info.get("Root-Is-Purelib") != "false":
    problems.append("Root-Is-Purelib is not false")
if problems:
    sys.exit("\n".join(problems))
EOF
}
check "wheel: metadata (name, version, licence, readme, classifiers, Python, links)" wheel_metadata

glibc_fits_tag() {
  # The highest glibc symbol version the binary asks for, against the one its tag promises.
  python3 - "$wheel" "$version" <<'EOF'
import re, sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
binary = zipfile.ZipFile(wheel).read(f"cozegen-{version}.data/scripts/cozegen")
needed = max(tuple(map(int, m)) for m in re.findall(rb"GLIBC_(\d+)\.(\d+)", binary))
tag = re.search(r"manylinux_(\d+)_(\d+)_x86_64", wheel)
print(f"the binary needs glibc {needed[0]}.{needed[1]}")
if tag and needed > (int(tag[1]), int(tag[2])):
    sys.exit(f"the tag {tag[0]} promises less than glibc {needed[0]}.{needed[1]}")
EOF
}
check "wheel: its manylinux tag covers the glibc the binary needs" glibc_fits_tag

tools=$root/target/package/tools-venv
twine_check() {
  if [ "$("$tools/bin/twine" --version 2>/dev/null | head -1 | cut -d' ' -f2)" != "$twine_version" ]; then
    rm -rf "$tools"
    python3 -m venv "$tools"
    "$tools/bin/pip" install --quiet --disable-pip-version-check "twine==$twine_version"
  fi
  "$tools/bin/twine" check --strict "$wheel"
}
check "wheel: twine check --strict (what PyPI's upload checks)" twine_check

# --- installed from the wheel into a fresh virtual environment ----------------------------

venv=$scratch/venv
pip_install() {
  python3 -m venv "$venv" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
}
check "pip: installs the wheel into a fresh venv, offline" pip_install

pip_version() {
  equal "cozegen --version" "cozegen $version" "$("$venv/bin/cozegen" --version)" &&
    equal "importlib.metadata" "$version" \
      "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("cozegen"))')"
}
check "pip: cozegen --version and the installed distribution say $version" pip_version

pip_help() {
  "$venv/bin/cozegen" --help >"$scratch/help" && grep -q '^Usage: cozegen <COMMAND>' "$scratch/help"
}
check "pip: cozegen --help" pip_help

# all_files DIR: `cozegen all` wrote every expected file, each non-empty, and the generated
# Python and JSON parse.
all_files() {
  equal "files" "$expected_files" "$(cd "$1" && ls | tr '\n' ' ' | sed 's/ $//')" &&
    for f in $expected_files; do [ -s "$1/$f" ] || { echo "$f is empty"; return 1; }; done &&
    python3 -c 'import ast, json, sys
for f in ("schema.json", "output.schema.json", "ir.json"): json.load(open(f"{sys.argv[1]}/{f}"))
for f in ("input.py", "output.py"): ast.parse(open(f"{sys.argv[1]}/{f}").read())' "$1"
}
pip_all() {
  (cd "$scratch" && "$venv/bin/cozegen" all "$example" -o pip-out) && all_files "$scratch/pip-out"
}
check "pip: cozegen all <example> -o out writes every artifact" pip_all

# --- the npm packages, installed from the tarballs into a fresh project ---------------------

tar_files() {
  equal "$(basename "$1")" "$2" "$(tar -tzf "$1" | sort | tr '\n' ' ' | sed 's/ $//')"
}
npm_tarballs() {
  tar_files "$npm_main" "package/LICENSE-APACHE package/LICENSE-MIT package/README.md package/bin/cozegen.js package/package.json" &&
    tar_files "$npm_platform" "package/LICENSE-APACHE package/LICENSE-MIT package/README.md package/bin/cozegen package/package.json"
}
check "npm pack: each tarball holds its launcher or binary, readme, licences" npm_tarballs

project=$scratch/project
# npx as a user types it (`npx cozegen --help`), but never fetching a package it does not find
# installed (`--no` would do that too, but npx then reads the tool's own flags as its own).
export npm_config_yes=false
npm_install() (
  mkdir -p "$project" && cd "$project" && npm init -y >/dev/null &&
    npm install --offline --no-audit --no-fund "$npm_main" "$npm_platform"
)
check "npm: installs both tarballs into a fresh project, offline" npm_install

npm_versions() {
  node - "$project" "$version" <<'EOF'
const [project, version] = process.argv.slice(2);
const read = (p) => require(`${project}/node_modules/${p}/package.json`);
const main = read('cozegen');
const platform = read('@cozegen/cli-linux-x64');
const problems = [];
if (main.version !== version) problems.push(`cozegen ${main.version}`);
if (platform.version !== version) problems.push(`@cozegen/cli-linux-x64 ${platform.version}`);
if (JSON.stringify(main.optionalDependencies) !== JSON.stringify({ '@cozegen/cli-linux-x64': version }))
  problems.push(`optionalDependencies ${JSON.stringify(main.optionalDependencies)}`);
if (main.bin.cozegen !== 'bin/cozegen.js') problems.push(`bin ${JSON.stringify(main.bin)}`);
for (const p of [main, platform]) {
  if (p.license !== 'MIT OR Apache-2.0') problems.push(`${p.name} license ${p.license}`);
  if (!p.engines && p === main) problems.push('no engines');
}
if (JSON.stringify([platform.os, platform.cpu, platform.libc]) !== '[["linux"],["x64"],["glibc"]]')
  problems.push(`os/cpu/libc ${platform.os} ${platform.cpu} ${platform.libc}`);
if (problems.length) { console.error(problems.join('\n')); process.exit(1); }
EOF
}
check "npm: both packages carry version $version, the platform package its os/cpu/libc" npm_versions

npx_version() (
  cd "$project" && equal "npx cozegen --version" "cozegen $version" "$(npx cozegen --version)"
)
check "npx: cozegen --version says $version" npx_version

npx_help() (
  cd "$project" && npx cozegen --help >"$scratch/npx-help" && cmp "$scratch/help" "$scratch/npx-help"
)
check "npx: cozegen --help (as pip's)" npx_help

npx_all() (
  cd "$project" && npx cozegen all "$example" -o npm-out && all_files npm-out &&
    diff -r "$scratch/pip-out" npm-out
)
check "npx: cozegen all <example> -o out writes every artifact, byte-identical to pip's" npx_all

same_binary() {
  cmp "$venv/bin/cozegen" "$project/node_modules/@cozegen/cli-linux-x64/bin/cozegen"
}
check "the wheel and the npm package carry the same binary" same_binary

# --- the launcher: arguments, streams, exit status and signals as the binary's own -----------

launcher=$project/node_modules/.bin/cozegen
binary=$venv/bin/cozegen
# outcome PROGRAM ARGS...: "status" and stderr of a run with the example on stdin.
outcome() {
  local status=0
  "$@" <"$example" >"$scratch/stdout" 2>"$scratch/stderr" || status=$?
  echo "status $status"
  cat "$scratch/stderr"
}
launcher_exit_status() {
  local case
  for case in "all $scratch/missing.json -o $scratch/x" "schema --no-such-flag x" "validate $example --params -"; do
    # shellcheck disable=SC2086 # each case is a list of words
    equal "cozegen $case" "$(outcome "$binary" $case)" "$(outcome "$launcher" $case)" || return 1
  done
  [[ $(outcome "$launcher" schema --no-such-flag x) == "status 2"$'\n'* ]]
}
check "launcher: exit status and stderr as the binary's (1, 2)" launcher_exit_status

launcher_stdin() {
  "$binary" schema - <"$example" >"$scratch/direct.json" &&
    "$launcher" schema - <"$example" >"$scratch/launched.json" &&
    cmp "$scratch/direct.json" "$scratch/launched.json"
}
check "launcher: standard input and output pass through" launcher_stdin

# child_cozegen PID: the PID of PID's child process named cozegen, read from /proc (a fresh
# CI machine need not have procps' pgrep). A stat line is `pid (comm) state ppid …`.
child_cozegen() {
  local stat line rest
  for stat in /proc/[0-9]*/stat; do
    read -r line <"$stat" 2>/dev/null || continue
    rest=${line#*) }
    rest=${rest#* }
    if [ "${rest%% *}" = "$1" ] && [[ $line == *" (cozegen) "* ]]; then
      echo "${line%% *}"
      return 0
    fi
  done
  return 1
}
# wait_for_child PID: the PID of PID's child, once it has one (the launcher's binary).
wait_for_child() {
  local child tries=0
  until child=$(child_cozegen "$1"); do
    tries=$((tries + 1))
    [ $tries -lt 600 ] && kill -0 "$1" 2>/dev/null || return 1
    sleep 0.05
  done
  echo "$child"
}
launcher_forwards_sigterm() {
  # An MCP session through the launcher; once the server has answered `initialize` (its signal
  # handlers are in place by then), SIGTERM to the launcher: the binary stops as it does on its
  # own SIGTERM (it says so, exit 0), and the launcher ends with it, with its status.
  local fifo=$scratch/stdin launcher_pid child status=0 tries=0
  mkfifo "$fifo"
  exec 7<>"$fifo"
  "$launcher" mcp "$example" <&7 >"$scratch/mcp.out" 2>"$scratch/mcp.err" &
  launcher_pid=$!
  pids+=("$launcher_pid")
  child=$(wait_for_child "$launcher_pid") || { echo "the launcher started no binary"; return 1; }
  pids+=("$child")
  echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"package-test","version":"0"}}}' >&7
  until grep -q '"id":1' "$scratch/mcp.out"; do
    tries=$((tries + 1))
    [ $tries -lt 600 ] && kill -0 "$launcher_pid" 2>/dev/null || { echo "no answer to initialize"; return 1; }
    sleep 0.05
  done
  kill -TERM "$launcher_pid"
  wait "$launcher_pid" || status=$?
  exec 7>&-
  cat "$scratch/mcp.err"
  if kill -0 "$child" 2>/dev/null; then
    echo "the binary $child outlived its launcher"
    return 1
  fi
  equal "status" 0 "$status" && grep -q 'stopped by SIGTERM' "$scratch/mcp.err"
}
check "launcher: SIGTERM reaches the binary; the launcher ends as the binary does" launcher_forwards_sigterm

launcher_dies_by_signal() {
  # The binary killed outright: the launcher dies by the same signal (a shell sees 128+9).
  local fifo=$scratch/stdin2 launcher_pid child status=0
  mkfifo "$fifo"
  exec 8<>"$fifo"
  "$launcher" mcp "$example" <&8 >/dev/null 2>&1 &
  launcher_pid=$!
  pids+=("$launcher_pid")
  child=$(wait_for_child "$launcher_pid") || { echo "the launcher started no binary"; return 1; }
  pids+=("$child")
  kill -KILL "$child"
  wait "$launcher_pid" || status=$?
  exec 8>&-
  equal "status" 137 "$status"
}
check "launcher: a binary killed by SIGKILL takes the launcher with it (status 137)" launcher_dies_by_signal

launcher_other_platform() {
  # The launcher on a platform with no package: node told it runs on macOS arm64.
  local status=0
  cat >"$scratch/darwin.js" <<'EOF'
Object.defineProperty(process, 'platform', { value: 'darwin' });
Object.defineProperty(process, 'arch', { value: 'arm64' });
EOF
  node --require "$scratch/darwin.js" "$launcher" --help >"$scratch/stdout" 2>"$scratch/stderr" || status=$?
  cat "$scratch/stderr"
  equal "status" 1 "$status" &&
    grep -q 'no binary for this platform (darwin-arm64)' "$scratch/stderr" &&
    grep -q 'carry binaries for: Linux x86_64' "$scratch/stderr" && [ ! -s "$scratch/stdout" ]
}
check "launcher: another platform is told which platforms are covered (status 1)" launcher_other_platform

launcher_without_platform_package() (
  # Installed without optional dependencies: no binary, and the launcher says which package
  # is missing and why.
  local bare=$scratch/bare status=0
  mkdir -p "$bare" && cd "$bare" && npm init -y >/dev/null &&
    npm install --offline --omit=optional --no-audit --no-fund "$npm_main" >/dev/null 2>&1 &&
    [ ! -e node_modules/@cozegen/cli-linux-x64 ] || { echo "set-up failed"; return 1; }
  npx cozegen --help >"$scratch/stdout" 2>"$scratch/stderr" || status=$?
  cat "$scratch/stderr"
  equal "status" 1 "$status" &&
    grep -q 'the package @cozegen/cli-linux-x64, which carries the binary for linux-x64, is not installed' "$scratch/stderr" &&
    grep -q -- '--omit=optional' "$scratch/stderr"
)
check "launcher: without the platform package it names the package and the fix" launcher_without_platform_package

# --- deterministic: a second build packs the same bytes --------------------------------------

rebuild_identical() {
  local before after
  before=$(cd "$dist" && sha256sum ./*)
  "$root/scripts/package.sh" >/dev/null 2>&1
  after=$(cd "$dist" && sha256sum ./*)
  equal "sha256" "$before" "$after"
}
if [ "${1:-}" = --no-build ]; then
  echo "skip a second build packs byte-identical wheel and tarballs (--no-build)"
else
  check "a second build packs byte-identical wheel and tarballs" rebuild_identical
fi

echo "package-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
