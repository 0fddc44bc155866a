#!/usr/bin/env bash
# Builds what a release publishes, from one release build of the CLI, into target/dist/:
#   cozegen-VERSION-py3-none-TAG.whl      the PyPI wheel (maturin, `bindings = "bin"`)
#   cozegen-VERSION.tgz                   the npm package: a JS launcher for the platform binary
#   cozegen-cli-linux-x64-VERSION.tgz     the npm package @cozegen/cli-linux-x64: the binary
# Only linux x86_64 (glibc) is built. The version is Cargo.toml's alone: maturin reads it for
# the wheel, and packaging/npm/stage.js writes it into both package.json files.
# Needs cargo, python3 (with venv), node and npm. maturin is installed, at the version pinned
# below, into a throwaway virtual environment under target/.
# Usage: scripts/package.sh   (from anywhere in the repository; scripts/package-test.sh tests
# what it builds)
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
root=$PWD
dist=$root/target/dist
# The packaging build's own target directory: its RUSTFLAGS differ from a plain
# `cargo build --release`, and sharing target/release would rebuild one for the other each time.
work=$root/target/package
maturin_version=1.16.0

# Every timestamp written into an archive (the wheel's zip entries) is the last commit's, so
# that the same commit packs the same bytes.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 315532800)
fi
export SOURCE_DATE_EPOCH
# Paths compiled into the binary (panic locations) name neither this checkout nor the
# builder's cargo home, so the binary does not depend on where it was built.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
export RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$root=/cozegen"
export CARGO_TARGET_DIR=$work/target

venv=$work/maturin-venv
if [ "$("$venv/bin/maturin" --version 2>/dev/null)" != "maturin $maturin_version" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "maturin==$maturin_version"
fi

rm -rf "$dist"
mkdir -p "$dist"

# The wheel, built by maturin with cargo: the one release build of the binary. maturin (not a
# cargo build of our own followed by maturin) so that its auditwheel check sees the binary it
# tags: the platform tag is the lowest manylinux policy whose symbol versions the binary fits.
(cd packaging/python && "$venv/bin/maturin" build --release --locked --out "$dist")
wheels=("$dist"/cozegen-*.whl)
[ ${#wheels[@]} = 1 ] || { echo "expected one wheel in $dist, found ${#wheels[@]}" >&2; exit 1; }

# The npm packages carry the wheel's own binary, byte for byte: the executable under
# cozegen-VERSION.data/scripts/.
staging=$work/npm
rm -rf "$staging"
mkdir -p "$staging/bin"
python3 - "${wheels[0]}" "$staging/bin/cozegen" <<'EOF'
import sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    names = [n for n in archive.namelist() if n.endswith(".data/scripts/cozegen")]
    if len(names) != 1:
        sys.exit(f"{wheel}: expected one .data/scripts/cozegen, found {names}")
    with archive.open(names[0]) as source, open(target, "wb") as out:
        out.write(source.read())
EOF
chmod 755 "$staging/bin/cozegen"

cargo metadata --no-deps --format-version 1 --locked >"$staging/metadata.json"
node packaging/npm/stage.js "$staging/metadata.json" "$staging/bin/cozegen" "$staging"
for package in cli-linux-x64 cozegen; do
  (cd "$staging/$package" && npm pack --silent --pack-destination "$dist" >/dev/null)
done

echo "built in $dist:"
ls -l "$dist"
