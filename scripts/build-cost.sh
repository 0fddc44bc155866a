#!/usr/bin/env bash
# What generating Rust types at build time costs a crate: the clean `cargo build` of a small
# crate that gets its types from cozegen (from build.rs with default features off, and from the
# import_workflow! macro), against the same crate getting them from typify, the reference for
# schema→Rust, used the way its README shows (build.rs, default features off). typify reads the
# draft-07 JSON Schema that cozegen writes for the same workflow. The builds run interleaved,
# round after round, each into an empty target directory; the table gives medians, and ratios
# against typify measured in the same run.
#
# Usage: scripts/build-cost.sh [ROUNDS] [BEFORE_REV]
#   ROUNDS      builds of each crate (default 3)
#   BEFORE_REV  also measure the build.rs crate against cozegen at this git revision (e.g. the
#               commit before the lean features), for a before/after figure
# Needs the network once (cargo fetch) for typify's crates.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
repo=$(pwd)
rounds=${1:-3}
before=${2:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/cozegen-build-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT
workflow=examples/workflows/order_intake.json

cargo run -q --release -- schema --draft 07 "$workflow" -o "$work/order.schema.json"
# The working tree as it is now (committed or not), so that edits during a long run do not
# change what is measured.
mkdir -p "$work/cozegen-now"
git ls-files -co --exclude-standard -z | tar --null -T - -c | tar -x -C "$work/cozegen-now"
src="$work/cozegen-now"

# A crate: name, [dependencies] lines, [build-dependencies] lines, build.rs body or "", main.rs.
crate() {
  local name=$1 deps=$2 build_deps=$3 build_rs=$4 main_rs=$5
  mkdir -p "$work/$name/src"
  cp "$repo/$workflow" "$work/$name/workflow.json"
  cp "$work/order.schema.json" "$work/$name/order.schema.json"
  {
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\n\n[workspace]\n\n' "$name"
    printf '[dependencies]\nserde = { version = "1", features = ["derive"] }\nserde_json = "1"\n%s\n\n' "$deps"
    [ -n "$build_deps" ] && printf '[build-dependencies]\n%s\n' "$build_deps"
  } >"$work/$name/Cargo.toml"
  [ -n "$build_rs" ] && printf '%s\n' "$build_rs" >"$work/$name/build.rs"
  printf '%s\n' "$main_rs" >"$work/$name/src/main.rs"
}

cozegen_build_rs='fn main() {
    println!("cargo::rerun-if-changed=workflow.json");
    let out = std::path::Path::new(&std::env::var_os("OUT_DIR").unwrap()).join("order.rs");
    let build = cozegen::BuildOptions { input_type_name: Some("Order".to_owned()), ..Default::default() };
    cozegen::generate_rust_file("workflow.json", &out, &build, &Default::default()).unwrap();
}'
include_main='mod order { include!(concat!(env!("OUT_DIR"), "/order.rs")); }
fn main() { let o: order::Order = serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}")); println!("{o:?}"); }'

crate cozegen-build-rs "" "cozegen = { path = \"$src\", default-features = false }" \
  "$cozegen_build_rs" "$include_main"
crate cozegen-macro "cozegen-macros = { path = \"$src/macros\" }" "" "" \
  'mod order { cozegen_macros::import_workflow!("workflow.json", type_name = "Order"); }
fn main() { let o: order::Order = serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}")); println!("{o:?}"); }'
typify_build_rs='fn main() {
    println!("cargo::rerun-if-changed=order.schema.json");
    let text = std::fs::read_to_string("order.schema.json").unwrap();
    let schema = serde_json::from_str::<schemars::schema::RootSchema>(&text).unwrap();
    let mut settings = typify::TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    let mut space = typify::TypeSpace::new(&settings);
    space.add_root_schema(schema).unwrap();
    let code = prettyplease::unparse(&syn::parse2::<syn::File>(space.to_stream()).unwrap());
    let out = std::path::Path::new(&std::env::var_os("OUT_DIR").unwrap()).join("order.rs");
    std::fs::write(out, code).unwrap();
}'
typify_main='#[allow(dead_code)]
mod order { include!(concat!(env!("OUT_DIR"), "/order.rs")); }
fn main() {}'
typify_deps='prettyplease = "0.3"
schemars = "0.8"
serde_json = "1"
syn = "3"'
# typify's generated code checks string patterns at run time with regress. Its README's
# build.rs takes typify with default features (which add its macro crate); the lean way, as
# cozegen is taken, has them off. Both are measured.
crate typify-build-rs 'regress = "0.12"' "typify = { version = \"0.8\", default-features = false }
$typify_deps" "$typify_build_rs" "$typify_main"
crate typify-default 'regress = "0.12"' "typify = \"0.8\"
$typify_deps" "$typify_build_rs" "$typify_main"
variants=(typify-build-rs typify-default cozegen-build-rs cozegen-macro)

if [ -n "$before" ]; then
  mkdir -p "$work/cozegen-at-rev"
  git archive "$before" | tar -x -C "$work/cozegen-at-rev"
  # Only the library is wanted: drop the workspace members the archive's manifest names.
  sed -i '/^\[workspace\]/,/^$/d' "$work/cozegen-at-rev/Cargo.toml"
  printf '\n[workspace]\n' >>"$work/cozegen-at-rev/Cargo.toml"
  crate cozegen-before "" "cozegen = { path = \"$work/cozegen-at-rev\", default-features = false }" \
    "$cozegen_build_rs" "$include_main"
  variants+=(cozegen-before)
fi

for v in "${variants[@]}"; do
  (cd "$work/$v" && cargo generate-lockfile -q && cargo fetch -q)
done

# Wall time on 2 shared cores moves with whatever else runs; the CPU time the build's processes
# used (user + system, children included) is steadier, so both are kept.
declare -A times cpus
TIMEFORMAT='%R %U %S'
for ((r = 1; r <= rounds; r++)); do
  for v in "${variants[@]}"; do
    target="$work/target-$v"
    rm -rf "$target"
    read -r wall user sys < <({ time (cd "$work/$v" && CARGO_TARGET_DIR="$target" cargo build -q --offline) >&2; } 2>&1 | tail -n 1)
    cpu=$(echo "$user + $sys" | bc)
    times[$v]="${times[$v]:-} $wall"
    cpus[$v]="${cpus[$v]:-} $cpu"
    echo "round $r: $v ${wall}s wall, ${cpu}s CPU" >&2
  done
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
units() { (cd "$work/$1" && cargo tree -q --offline -e normal,build --prefix none | sed 's/ (\*)//' | sort -u | wc -l); }
base=$(echo "${times[typify-build-rs]}" | median)
base_cpu=$(echo "${cpus[typify-build-rs]}" | median)
echo
echo "| crate | clean build, wall (s) | vs typify | CPU (s) | vs typify | crates |"
echo "| --- | --- | --- | --- | --- | --- |"
for v in "${variants[@]}"; do
  m=$(echo "${times[$v]}" | median)
  c=$(echo "${cpus[$v]}" | median)
  printf '| %s | %.1f | %.2fx | %.1f | %.2fx | %s |\n' "$v" "$m" "$(echo "$m / $base" | bc -l)" \
    "$c" "$(echo "$c / $base_cpu" | bc -l)" "$(units "$v")"
done
echo
echo "medians of $rounds rounds; $(nproc) cores; $(rustc --version)"
