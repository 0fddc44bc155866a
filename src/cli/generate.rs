//! The commands that render one artifact of one workflow (`schema`, `rust`, `ts`, `html`, `ir`,
//! and any artifact added to the registry): each subcommand is built from its artifact's
//! settings, and all of them run the same way.

use super::args::Common;
use super::error::Error;
use super::io::{build_options, generate, report};
use clap::{ArgMatches, Args, FromArgMatches};
use cozegen::artifact::{Artifact, Kind, Setting, Settings};

/// The subcommand that writes `artifact`: where the document comes from and where the artifact
/// goes (as for every generating command), then the artifact's own settings.
pub(crate) fn command(artifact: &dyn Artifact) -> clap::Command {
    // The artifact's about after the group's: `augment_args` sets the group's doc as `about`.
    let command = Common::augment_args(clap::Command::new(artifact.name())).about(artifact.about());
    artifact
        .settings()
        .iter()
        .fold(command, |command, setting| {
            command.arg(arg(setting, setting.help))
        })
}

/// A setting as a command-line option, `--name`, with `help`.
pub(crate) fn arg(setting: &Setting, help: &'static str) -> clap::Arg {
    use clap::ArgAction;
    let arg = clap::Arg::new(setting.name).long(setting.name).help(help);
    let arg = match setting.kind {
        Kind::Switch => return arg.action(ArgAction::SetTrue),
        Kind::Value => arg.action(ArgAction::Set),
        Kind::Values => arg.action(ArgAction::Append),
        Kind::Choice { values, default } => {
            return arg
                .value_name(setting.value_name)
                .value_parser(clap::builder::PossibleValuesParser::new(
                    values.iter().copied(),
                ))
                .default_value(default);
        }
    };
    let arg = arg.value_name(setting.value_name);
    match setting.check {
        // A bad value is a usage error, said before any document is read.
        Some(check) => arg.value_parser(move |value: &str| check(value).map(|()| value.to_owned())),
        None => arg,
    }
}

/// The values of `settings` given on a command line.
pub(crate) fn settings<'a>(
    settings: impl IntoIterator<Item = &'a Setting>,
    matches: &ArgMatches,
) -> Settings {
    let mut given = Settings::new();
    for setting in settings {
        match setting.kind {
            Kind::Switch => {
                if matches.get_flag(setting.name) {
                    given.set(setting.name);
                }
            }
            _ => {
                for value in matches
                    .get_many::<String>(setting.name)
                    .into_iter()
                    .flatten()
                {
                    given.add(setting.name, value.clone());
                }
            }
        }
    }
    given
}

/// Runs the subcommand of `artifact`: loads or fetches the document, builds the IR, reports
/// warnings, renders, and writes (or `--check`s) the result.
pub(crate) fn run(artifact: &dyn Artifact, matches: &ArgMatches) -> Result<(), Error> {
    let common = Common::from_arg_matches(matches).unwrap_or_else(|e| e.exit());
    let settings = settings(artifact.settings(), matches);
    let node = settings.node();
    let mut build = build_options(&common);
    artifact.build_options(&settings, node, &mut build);
    // Only an artifact with a `--node` is about one node.
    let one_node = artifact
        .settings()
        .iter()
        .any(|s| s.name == cozegen::artifact::NODE.name)
        .then_some(node);
    generate(&common, &build, one_node, |workflow| {
        let rendered = artifact.render(workflow, node, &settings)?;
        report(&rendered.warnings, &common)?;
        Ok(rendered.text)
    })
}
