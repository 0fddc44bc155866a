//! The one interface every artifact implements, and the registry of them.
//!
//! An artifact says its name (the subcommand that writes it), its files (what `cozegen all`
//! writes, one per node it describes), the cargo feature it needs, the settings it takes (its
//! command-line options, which the CLI builds from [`Setting`]s) and how it renders a workflow's
//! IR into text and warnings. The CLI's generating subcommands, `all`, workspaces, `--check` and
//! the tests iterate [`registry`]; nothing else lists the artifacts. Adding one is its emitter
//! module (with its `impl Artifact`), its templates, one line in [`registry`], its conformance
//! leg and its goldens.

use crate::emit;
use crate::ir::{BuildOptions, Node, Workflow};
use crate::warning::Warning;
use std::collections::BTreeMap;

/// What rendering one file of an artifact gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The file's contents.
    pub text: String,
    /// What the emitter decided on the user's behalf (a derive some types cannot have).
    pub warnings: Vec<Warning>,
}

impl From<String> for Rendered {
    fn from(text: String) -> Self {
        Rendered {
            text,
            warnings: Vec::new(),
        }
    }
}

/// One file an artifact writes into a bundle (`cozegen all`): its name there, which is part of
/// cozegen's interface and does not change, and the node it describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct File {
    /// The file name in the bundle directory.
    pub name: &'static str,
    /// The node the file describes (an artifact of the whole workflow lists the start node).
    pub node: Node,
}

/// How a setting is given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A flag: present or not.
    Switch,
    /// One value.
    Value,
    /// A value that may be given several times.
    Values,
    /// One of `values`, `default` when not given.
    Choice {
        /// Every value the setting takes.
        values: &'static [&'static str],
        /// The value when the setting is not given.
        default: &'static str,
    },
}

/// Checks a setting's value; the error says what is wrong with it.
pub type Check = fn(&str) -> Result<(), String>;

/// One option an artifact takes. The CLI makes a command-line option of it (`--name`), and
/// `cozegen all` offers the ones marked [`Setting::in_all`].
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The long option's name, and the setting's key in [`Settings`].
    pub name: &'static str,
    /// The placeholder of its value in `--help` (`URL`, `PATH`); unused by a switch.
    pub value_name: &'static str,
    /// What it does, for `--help`.
    pub help: &'static str,
    /// How it is given.
    pub kind: Kind,
    /// Checks a value when the command line is parsed, so a bad one is a usage error before any
    /// document is read; the error says what is wrong.
    pub check: Option<Check>,
    /// Whether `cozegen all` takes it (and passes it to this artifact), with this help there
    /// (`None`: not offered by `all`).
    pub in_all: Option<&'static str>,
}

impl Setting {
    /// A switch.
    pub const fn switch(name: &'static str, help: &'static str) -> Setting {
        Setting {
            name,
            value_name: "",
            help,
            kind: Kind::Switch,
            check: None,
            in_all: None,
        }
    }

    /// A setting with one value.
    pub const fn value(name: &'static str, value_name: &'static str, help: &'static str) -> Self {
        Setting {
            name,
            value_name,
            help,
            kind: Kind::Value,
            check: None,
            in_all: None,
        }
    }

    /// A setting that takes one of `values`.
    pub const fn choice(
        name: &'static str,
        value_name: &'static str,
        help: &'static str,
        values: &'static [&'static str],
        default: &'static str,
    ) -> Self {
        Setting {
            name,
            value_name,
            help,
            kind: Kind::Choice { values, default },
            check: None,
            in_all: None,
        }
    }

    /// This setting, given several times.
    pub const fn repeated(mut self) -> Self {
        self.kind = Kind::Values;
        self
    }

    /// This setting, with its values checked when the command line is parsed.
    pub const fn checked(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }

    /// This setting, offered by `cozegen all` with `help`.
    pub const fn in_all(mut self, help: &'static str) -> Self {
        self.in_all = Some(help);
        self
    }
}

/// The node a file describes: the setting of every artifact that describes either node.
pub const NODE: Setting = Setting::choice(
    "node",
    "NODE",
    "Which node to describe",
    &["input", "output"],
    "input",
);

/// The settings given for a render: every setting's values by name. A setting not given has
/// none (a choice not given reads as its default through [`Settings::choice`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Settings {
    /// No setting given: every artifact's defaults.
    pub fn new() -> Self {
        Settings::default()
    }

    /// Sets a switch, or adds a value.
    pub fn add(&mut self, name: &'static str, value: impl Into<String>) {
        self.values.entry(name).or_default().push(value.into());
    }

    /// Sets a switch.
    pub fn set(&mut self, name: &'static str) {
        self.values.entry(name).or_default();
    }

    /// Whether the switch (or any value) `name` was given.
    pub fn switch(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The last value of `name`, if it was given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of `name`, in the order given.
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    /// The value of the choice `setting`, or its default.
    pub fn choice(&self, setting: &Setting) -> &str {
        match (self.value(setting.name), setting.kind) {
            (Some(value), _) => value,
            (None, Kind::Choice { default, .. }) => default,
            (None, _) => "",
        }
    }

    /// The node the [`NODE`] setting names.
    pub fn node(&self) -> Node {
        match self.choice(&NODE) {
            "output" => Node::Output,
            _ => Node::Input,
        }
    }
}

/// An artifact cozegen writes from a workflow's IR.
pub trait Artifact: Sync {
    /// Its name: the subcommand that writes it (`schema`, `rust`, …).
    fn name(&self) -> &'static str;
    /// One line on what it is, for `--help`.
    fn about(&self) -> &'static str;
    /// The cargo feature it needs.
    fn feature(&self) -> &'static str;
    /// Its files in a bundle, in the order they are written and listed.
    fn files(&self) -> &'static [File];
    /// The options it takes, in the order `--help` lists them.
    fn settings(&self) -> &'static [Setting];
    /// Adjusts how the IR is built for a render of `node` (the Rust artifact names its root
    /// type). Most artifacts take the IR as it comes.
    fn build_options(&self, _settings: &Settings, _node: Node, _build: &mut BuildOptions) {}
    /// Renders the file describing `node` of `workflow`.
    fn render(
        &self,
        workflow: &Workflow,
        node: Node,
        settings: &Settings,
    ) -> emit::Result<Rendered>;
}

/// Every artifact this build of cozegen has (each behind its feature), in the order `all`
/// writes them and `--help` lists them. One line per artifact: this is the registry.
#[allow(
    clippy::vec_init_then_push,
    reason = "each push is behind its artifact's feature"
)]
pub fn registry() -> Vec<&'static dyn Artifact> {
    let mut artifacts: Vec<&'static dyn Artifact> = Vec::new();
    #[cfg(feature = "schema")]
    artifacts.push(&emit::json_schema::ARTIFACT);
    artifacts.push(&emit::rust::ARTIFACT);
    #[cfg(feature = "typescript")]
    artifacts.push(&emit::typescript::ARTIFACT);
    #[cfg(feature = "zod")]
    artifacts.push(&emit::zod::ARTIFACT);
    #[cfg(feature = "python")]
    artifacts.push(&emit::python::ARTIFACT);
    #[cfg(feature = "html")]
    artifacts.push(&emit::html::ARTIFACT);
    #[cfg(feature = "ir-json")]
    artifacts.push(&emit::ir_json::ARTIFACT);
    artifacts
}

/// The artifact named `name`, if this build has it.
pub fn find(name: &str) -> Option<&'static dyn Artifact> {
    registry().into_iter().find(|a| a.name() == name)
}

/// Every bundle file of this build, in order, with its artifact.
pub fn files() -> Vec<(&'static dyn Artifact, File)> {
    registry()
        .into_iter()
        .flat_map(|a| a.files().iter().map(move |f| (a, *f)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_file_names_are_unique() {
        let names: Vec<_> = registry().iter().map(|a| a.name()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names.len(), unique.len(), "{names:?}");
        let files: Vec<_> = files().iter().map(|(_, f)| f.name).collect();
        let mut unique = files.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(files.len(), unique.len(), "{files:?}");
    }

    #[test]
    fn settings_read_back_as_given() {
        let mut s = Settings::new();
        assert_eq!(s.node(), Node::Input);
        s.add("node", "output");
        s.add("derive", "Eq");
        s.add("derive", "Hash");
        s.set("fragment");
        assert_eq!(s.node(), Node::Output);
        assert_eq!(s.values("derive"), ["Eq", "Hash"]);
        assert!(s.switch("fragment") && !s.switch("check"));
        assert_eq!(s.value("lang"), None);
    }
}
