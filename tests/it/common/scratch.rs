//! The scratch area where tests compile generated code: `target/cozegen-scratch/`.
//!
//! Each scratch crate is a package of its own under `crates/<name>/` (its own `[workspace]`,
//! so that a crate that does not build fails only its own test), with a copy of the
//! repository's `Cargo.lock`, and all of them build into one target directory,
//! `target/cozegen-scratch/target`. Cargo shares a compiled dependency between packages that
//! ask for it with the same version, features and profile, so the crates declare theirs alike:
//! [`SERDE`] (as the README's build.rs and macro sections do) or [`SERDE_SCHEMARS`] (schemars
//! turns on serde's `alloc` feature: a second build of serde and serde_json). serde, serde_json
//! and schemars compile once or twice per run, not once per test. Builds are `--offline`: the
//! lockfile holds the versions the outer build fetched, and [`Crate::cargo_output`] checks that
//! the crate's lockfile still does.
//!
//! Every crate has the same `[profile.dev]`, without debug info or incremental caches: a
//! scratch crate is built once after each change to what the tests generate and never
//! debugged, and the incremental cache of the deepest document alone took 1.1 GB.
//!
//! Tests that build at the same time (tests of one binary run in parallel, and so may two
//! `cargo test`s) are serialised by cargo's own lock on the target directory; files are
//! written whole (a temporary file renamed into place), and only when their text changes, so
//! an unchanged crate is not rebuilt.
//!
//! This file is also compiled into the macro crate's tests (`macros/tests/rebuild.rs`), so it
//! depends on nothing else of `tests/it/common`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The dependencies of a crate that compiles generated code, as the README tells users to
/// declare them.
pub const SERDE: &str =
    "[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n";

/// [`SERDE`] and schemars, for generated code with `schemars::JsonSchema` among its derives.
pub const SERDE_SCHEMARS: &str = "[dependencies]\nschemars = \"1\"\n\
    serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n";

/// The repository: the directory above this crate's manifest that holds `Cargo.lock`.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .expect("the repository's Cargo.lock")
        .to_owned()
}

/// `target/cozegen-scratch/` of the repository.
pub fn area() -> PathBuf {
    repository().join("target/cozegen-scratch")
}

/// The target directory every scratch crate builds into.
pub fn target() -> PathBuf {
    area().join("target")
}

/// One scratch crate, `target/cozegen-scratch/crates/<name>/`.
pub struct Crate {
    pub name: String,
    pub dir: PathBuf,
}

impl Crate {
    /// The crate `name` (a package name), its manifest holding `tables` after `[package]`
    /// (its dependencies: [`SERDE`], say).
    pub fn new(name: &str, tables: &str) -> Crate {
        let dir = area().join("crates").join(name);
        let krate = Crate {
            name: name.to_owned(),
            dir,
        };
        krate.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n{tables}\n\
                 # Not a member of the cozegen workspace.\n[workspace]\n\n\
                 # Built once per change, never debugged: no debug info, no incremental cache.\n\
                 [profile.dev]\ndebug = false\nincremental = false\n"
            ),
        );
        krate.lock_like_the_repository();
        krate
    }

    /// Writes `text` to the crate's file `rel`, whole, unless it holds that text already.
    pub fn write(&self, rel: &str, text: &str) {
        write_if_changed(&self.dir.join(rel), text);
    }

    /// `cargo <command> --offline --quiet` for this crate, building into the shared target.
    pub fn cargo(&self, command: &str) -> Command {
        nested_cargo(command, &self.dir, &target())
    }

    /// Runs `cargo` and checks, once it has run, that the crate's lockfile pins every registry
    /// crate to the repository's version: what the outer build fetched, so that `--offline`
    /// never needs a crate a clean machine does not have.
    pub fn cargo_output(&self, cargo: &mut Command) -> Output {
        let out = cargo.output().expect("run cargo");
        let mine = std::fs::read_to_string(self.dir.join("Cargo.lock")).unwrap_or_default();
        let theirs = std::fs::read_to_string(repository().join("Cargo.lock")).expect("Cargo.lock");
        let theirs = registry_packages(&theirs);
        let strays: Vec<String> = registry_packages(&mine)
            .into_iter()
            .filter(|p| !theirs.contains(p))
            .map(|(name, version)| format!("{name} {version}"))
            .collect();
        assert!(
            strays.is_empty(),
            "the scratch crate {} locks crates the repository's Cargo.lock does not: {strays:?}",
            self.name
        );
        out
    }

    /// The path of the binary `bin` once built.
    pub fn binary(&self, bin: &str) -> PathBuf {
        target().join("debug").join(bin)
    }

    /// Copies the repository's lockfile when it has changed since the last copy: the crate
    /// then resolves to the versions the outer build fetched. Cargo trims the copy to what
    /// the crate uses; `Cargo.lock.source` remembers what was copied.
    fn lock_like_the_repository(&self) {
        let source = std::fs::read_to_string(repository().join("Cargo.lock")).expect("Cargo.lock");
        let copied = self.dir.join("Cargo.lock.source");
        if std::fs::read_to_string(&copied).ok().as_deref() != Some(source.as_str()) {
            self.write("Cargo.lock", &source);
            self.write("Cargo.lock.source", &source);
        }
    }
}

/// The `(name, version)` of every crates.io package of a lockfile.
fn registry_packages(lock: &str) -> Vec<(String, String)> {
    lock.split("[[package]]")
        .filter(|p| p.contains("\nsource = \"registry+"))
        .filter_map(|p| {
            let field = |key: &str| {
                p.lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(|v| v.trim_matches('"').to_owned())
            };
            Some((field("name = ")?, field("version = ")?))
        })
        .collect()
}

/// Writes `text` to `path` (creating its directory), whole: into a temporary file, then
/// renamed into place. Leaves a file that holds `text` already as it is.
pub fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read(path).ok().as_deref() == Some(text.as_bytes()) {
        return;
    }
    let dir = path.parent().expect("a file in a directory");
    std::fs::create_dir_all(dir).expect("create a scratch directory");
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().expect("a file name").to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temporary, text).expect("write a scratch file");
    std::fs::rename(&temporary, path).expect("rename a scratch file into place");
}

/// `cargo <command> --offline --quiet` for a crate in `dir`, building into `target`, cut loose
/// from the cargo running the tests: its jobserver file descriptors, RUSTFLAGS and
/// RUSTC_BOOTSTRAP mean nothing to the inner build.
pub fn nested_cargo(command: &str, dir: &Path, target: &Path) -> Command {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cargo
        .args([command, "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("RUSTC_BOOTSTRAP")
        .stdin(Stdio::null());
    cargo
}
