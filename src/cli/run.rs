//! `cozegen run`: a published workflow run (or streamed, or resumed), or a chatflow chatted
//! with.

use super::args::ApiArgs;
use super::error::Error;
use super::io::{build_for_use, document_path, emit};
use super::validate::warn_message_in_parameters;
use clap::Args;
use cozegen::model::WorkflowInfo;
use cozegen::{BuildOptions, Workflow};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

#[cfg(feature = "fetch")]
pub(crate) const RUN_NOTES: &str = "\
The parameters are checked against the start node first; if they do not fit, the problems are
listed and nothing is sent. The output (the answer's `data`, JSON text holding the end node's
variables) is printed as JSON on stdout and checked against the end node; execute_id,
debug_url and usage go to stderr. An end node that answers with its content template returns
text that is not JSON: it is printed as it is, unchecked.

A run is never sent twice: after a timeout or a dropped connection the run may have started,
so cozegen says so (with the execute id if known) instead of retrying. Only failures before
the request was sent, and HTTP 429 with Retry-After, are retried.

With --stream, events are printed as they arrive: message content on stdout (one JSON object
per event with --json), errors on stderr. A run that stops at a question or input node prints
the interrupt's event id, type and question, and how to answer it with --resume and --answer.

A chatflow (`cozegen ir` says \"kind\": \"chatflow\") is chatted with instead: --message is the
user's message (the chatflow's USER_INPUT), sent in additional_messages to /v1/workflows/chat,
which always streams; --params holds the other parameters (CONVERSATION_NAME and the custom
ones), none when left out. The answer is printed as it arrives (one JSON object per event with
--json); conversation_id, chat_id and debug_url go to stderr.

--async runs the workflow asynchronously (is_async: true; a synchronous call is cut after 90 s
and a run after 10 minutes): the execute id is printed on stdout at once. --wait then reads the
run's history (1 s doubling to 10 s between reads, at most --wait-timeout seconds) until the run
ends, and prints and checks its output as a run's. --execute-id reads a run's result later
(with the workflow: FILE or -w). A failed run prints Coze's error_code, error_message and logid;
an output Coze cut (is_output_trimmed) is printed but not checked; a run still running is
reported with how to read it later. An asynchronous run is never sent twice either. A Coze
Studio workflow (a canvas) reads its history from Studio's /v1/workflow/get_run_history.

A workflow or chatflow of a Coze app is sent with the app_id of its WorkflowInfo unless --app-id
or --bot-id is given.

--file PATH=FILE uploads a local file (POST /v1/files/upload) and fills the file parameter at
PATH with it ({\"file_id\":\"…\"}; on Coze Studio, the URL its upload answers). Every path,
file (kind by extension, at most 512 MiB) and the parameters are checked before the first
upload; a failed upload sends no run. An input node's interrupt prints its
required_parameters: answer it with --answer-params ANSWER.json --required-parameters JSON,
checked before it is sent.

Examples:
  cozegen run workflow.json --params params.json           run the saved workflow's latest version
  cozegen run -w 7350583675492388916 --params params.json  fetch the definition, then run it
  cozegen run workflow.json --params params.json --stream  print the run's messages as they come
  cozegen run workflow.json --stream --resume 7404830425073352713/2769808280134765896 \\
      --answer 'Hangzhou, 2024-08-20'                      answer a question node's interrupt
  cozegen run chatflow.json --message 'Hi' --params params.json  chat with a chatflow
  cozegen run workflow.json --params params.json --file 'photos[0]=./a.jpg'  upload a file
  cozegen run workflow.json --params params.json --async --wait  run asynchronously, wait for it
  cozegen run workflow.json --execute-id 7431040978805850000     read an asynchronous run's result

Exit codes: 0 success, 1 error (invalid parameters, API error, output mismatch, run failed,
output cut, run still running), 2 usage error, 3 the run is interrupted and waits for an answer
(--resume; a chatflow: the next --message in the same --conversation-id).";

/// `cozegen run`. The API arguments are `ApiArgs`, with the help and limits of a run: its
/// token needs the run permission, and its timeout waits for the whole run.
#[cfg(feature = "fetch")]
#[derive(Debug, Args)]
#[command(
    after_help = RUN_NOTES,
    mut_arg("token", |a| a.help(
        "Access token with the run permission (and getMetaData for -w). Prefer the environment \
         variable: arguments are visible to other users of the machine"
    )),
    mut_arg("timeout", |a| a
        .help("The longest wait for the run's answer (or the whole stream), in seconds")
        .default_value("600")
        .value_parser(clap::value_parser!(u64).range(1..=86400))),
    mut_arg("retries", |a| a.help(
        "Retries after failures before the request was sent and HTTP 429 with Retry-After (a \
         run that may have started is never sent again)"
    )),
)]
pub(crate) struct RunArgs {
    /// A saved WorkflowInfo of the workflow to run (its `workflow_detail.workflow_id` is run),
    /// or `-` for stdin.
    #[arg(value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,

    /// Run this workflow, fetching its WorkflowInfo from the Coze API to check the parameters
    /// and the output (not fetched with --resume).
    #[arg(short = 'w', long, value_name = "ID", conflicts_with = "file")]
    pub(crate) workflow_id: Option<String>,

    /// Run this published version (e.g. v0.0.2) instead of the latest; with -w, the checks use
    /// that version's definition.
    #[arg(long, value_name = "VERSION")]
    pub(crate) workflow_version: Option<String>,

    /// The `parameters` object to send (a JSON file, or `-` for stdin); for a chatflow, the
    /// parameters besides the message (none when left out).
    #[arg(long, value_name = "PARAMS.json", required_unless_present_any = ["resume", "message", "files", "execute_id"])]
    pub(crate) params: Option<PathBuf>,

    /// Upload a local file for a file parameter (repeatable): PATH is the parameter's path
    /// (`invoice`, `order.attachment`, `photos[0]`, `items[2].scan`), filled into the
    /// parameters with the uploaded file (`{"file_id":"…"}`; on Coze Studio its URL). Every
    /// file is checked (kind by extension, size) before any is uploaded.
    #[arg(long = "file", value_name = "PATH=FILE", value_parser = parse_file_arg)]
    pub(crate) files: Vec<cozegen::plan::files::FileArg>,

    /// An `ext` field for plugins (repeatable; Coze reads `latitude`, `longitude`, `user_id`).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_ext)]
    pub(crate) ext: Vec<(String, String)>,

    /// The channel to run in (`connector_id`; Coze's default is 1024, the API).
    #[arg(long, value_name = "ID")]
    pub(crate) connector_id: Option<String>,

    /// Chat with a chatflow (`/v1/workflows/chat`, streamed): the user's message, sent in
    /// `additional_messages` (the chatflow's USER_INPUT). Required for a chatflow, refused for
    /// a workflow.
    #[arg(long, value_name = "TEXT")]
    pub(crate) message: Option<String>,

    /// With --message: file the chat under this conversation (`conversation_id`; it overrides
    /// CONVERSATION_NAME). Continue a chat that waits for an answer with the id it printed.
    #[arg(long, value_name = "ID", requires = "message")]
    pub(crate) conversation_id: Option<String>,

    /// The ID of the Coze app to run in (default: the app the WorkflowInfo names, if any).
    #[arg(long, value_name = "ID", conflicts_with = "bot_id")]
    pub(crate) app_id: Option<String>,

    /// The agent to run the workflow with (for workflows with database or variable nodes).
    #[arg(long, value_name = "ID")]
    pub(crate) bot_id: Option<String>,

    /// Stream the run (`/v1/workflow/stream_run`): print its events as they arrive.
    #[arg(long)]
    pub(crate) stream: bool,

    /// With --stream or --message: print every event as one line of JSON
    /// (`{"id","event","data"}`). With --async or --execute-id: print the run as one JSON
    /// object (`execute_id`, `status`, `output`, …) instead of its output.
    #[arg(long)]
    pub(crate) json: bool,

    /// Answer the interrupt with this event id instead of starting a run (with --stream
    /// through `/v1/workflow/stream_resume`, else `/v1/workflows/resume`).
    #[arg(long, value_name = "EVENT_ID", conflicts_with_all = ["params", "app_id", "bot_id", "workflow_version", "message", "files", "ext", "connector_id"])]
    pub(crate) resume: Option<String>,

    /// Run asynchronously (`is_async: true`, for runs longer than a synchronous call allows):
    /// Coze answers at once with the run's execute id, printed on stdout; read the result with
    /// --wait, or later with --execute-id.
    #[arg(long = "async", conflicts_with_all = ["stream", "message", "resume"])]
    pub(crate) run_async: bool,

    /// Read the result of the run with this execute id (an asynchronous run's, say) from the
    /// workflow's run history instead of starting a run; checked and printed like a run's.
    /// Needs the workflow: FILE or -w.
    #[arg(
        long,
        value_name = "EXECUTE_ID",
        conflicts_with_all = ["params", "message", "conversation_id", "app_id", "bot_id", "stream", "resume", "run_async"]
    )]
    pub(crate) execute_id: Option<String>,

    /// With --async or --execute-id: read the run's history until the run ends (waiting 1 s,
    /// doubling to 10 s, between reads), then print its output as a run's.
    #[arg(long)]
    pub(crate) wait: bool,

    /// With --wait: the longest wait for the run to end, in seconds. A run still running then
    /// is reported with how to read it later; it is never sent again.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 1800,
        requires = "wait",
        value_parser = clap::value_parser!(u64).range(1..=86400)
    )]
    pub(crate) wait_timeout: u64,

    /// With --wait: the first wait between reads of the history, in milliseconds; it doubles
    /// up to ten times this (for tests).
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true, requires = "wait",
          value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub(crate) poll_interval_ms: u64,

    /// With --resume: the answer to the question (`resume_data`).
    #[arg(long, value_name = "TEXT", requires = "resume")]
    pub(crate) answer: Option<String>,

    /// With --resume: an input node's answer as a JSON object (a file, or `-` for stdin),
    /// checked against --required-parameters before it is sent as `resume_data`.
    #[arg(long, value_name = "A.json", requires_all = ["resume", "required_parameters"], conflicts_with = "answer")]
    pub(crate) answer_params: Option<PathBuf>,

    /// With --answer-params: the interrupt's `required_parameters` as printed with it (JSON
    /// text, in the start node's format).
    #[arg(long, value_name = "JSON", requires = "answer_params")]
    pub(crate) required_parameters: Option<String>,

    /// With --resume: the interrupt's type, as printed with its event id (2 question node, 5
    /// input node, 6 device plugin, 7 OAuth plugin).
    #[arg(long, value_name = "N", default_value_t = 2, requires = "resume")]
    pub(crate) interrupt_type: i64,

    /// Do not print warnings about the WorkflowInfo.
    #[arg(short, long)]
    pub(crate) quiet: bool,

    /// Accept keys the workflow does not declare (by default they are problems).
    #[arg(long)]
    pub(crate) open_objects: bool,

    #[command(flatten)]
    pub(crate) api: ApiArgs,
}

/// `cozegen run`: plan, send, read, print; or answer an interrupt.
#[cfg(feature = "fetch")]
pub(crate) fn run_workflow(args: &RunArgs) -> Result<(), Error> {
    use cozegen::coze::ResumeRequest;
    use cozegen::plan::{self, Call, PlanOptions, Refusal, Request};
    let client = args.api.client();
    let stdin = std::path::Path::new("-");
    if args.workflow_id.is_none()
        && args.file.as_deref().is_none_or(|f| f == stdin)
        && args.params.as_deref() == Some(stdin)
    {
        return Err(Error::Usage(
            "the WorkflowInfo and --params cannot both come from stdin".into(),
        ));
    }
    if args.json
        && !args.stream
        && args.message.is_none()
        && !args.run_async
        && args.execute_id.is_none()
    {
        return Err(Error::Usage(
            "--json prints the events of a stream: add --stream (or --message for a chatflow), \
             or the run with --async or --execute-id"
                .into(),
        ));
    }
    if args.wait && !args.run_async && args.execute_id.is_none() {
        return Err(Error::Usage(
            "--wait waits for an asynchronous run: add --async, or --execute-id to wait for a \
             run started before"
                .into(),
        ));
    }
    if let Some(version) = &args.workflow_version {
        client.check_version(version)?;
    }
    let named = match &args.workflow_id {
        Some(id) => format!("cozegen run -w {id}"),
        None => format!(
            "cozegen run {}",
            args.file.as_deref().unwrap_or(stdin).display()
        ),
    };
    let invocation = named.clone() + if args.stream { " --stream" } else { "" };

    // Answering an interrupt needs only the workflow's ID.
    if let Some(event_id) = &args.resume {
        let answer = resume_data(args)?;
        let workflow_id = match &args.workflow_id {
            Some(id) => id.clone(),
            None => run_target(&cozegen::load_path(document_path(&args.file)?)?)?,
        };
        let request = ResumeRequest {
            workflow_id,
            event_id: event_id.clone(),
            resume_data: answer,
            interrupt_type: args.interrupt_type,
        };
        return if args.stream {
            let mut print = event_printer(args.json);
            let end = client.stream_resume(&request, &mut print);
            stream_finished(end, &invocation)
        } else {
            let answer = client.resume(&request)?;
            print_answer(&answer, &invocation, None)
        };
    }

    let info = match &args.workflow_id {
        Some(id) => client.workflow_or_version(id, args.workflow_version.as_deref())?,
        None => cozegen::load_path(document_path(&args.file)?)?,
    };
    let workflow_id = match &args.workflow_id {
        Some(id) => id.clone(),
        None => run_target(&info)?,
    };
    let workflow = build_for_use(&info, args.open_objects, args.quiet)?;
    if let Some(execute_id) = &args.execute_id {
        let history = if args.wait {
            wait_for_run(&client, args, &workflow, &workflow_id, execute_id, &named)?
        } else {
            client.run_history(workflow.details.platform, &workflow_id, execute_id)?
        };
        return finish_history(&history, &named, &workflow, args);
    }
    // Said before --params is read: the message decides what the parameters are.
    plan::check_message(&workflow, args.message.as_deref()).map_err(|r| refused(&r))?;
    let params = match (&args.params, &args.message) {
        (None, _) if args.message.is_some() || !args.files.is_empty() => {
            cozegen::source::parse_json(b"{}", "--params")?
        }
        (params, _) => cozegen::source::read_json(params.as_deref().unwrap_or(stdin))?,
    };
    warn_message_in_parameters(&workflow, params.value());
    let mut call = Call {
        parameters: params.value().clone(),
        message: args.message.clone(),
        conversation_id: args.conversation_id.clone(),
        app_id: args.app_id.clone(),
        bot_id: args.bot_id.clone(),
        workflow_version: args.workflow_version.clone(),
        ext: ext_map(&args.ext)?,
        connector_id: args.connector_id.clone(),
    };
    if !args.files.is_empty() {
        call.parameters =
            upload_files(&client, &workflow, &workflow_id, call.clone(), &args.files)?;
    }
    match plan::plan(&workflow, &workflow_id, call, &PlanOptions::default()) {
        Err(Refusal::Problems(problems)) => Err(parameter_problems(&problems)),
        Err(refusal) => Err(refused(&refusal)),
        Ok(Request::Chat(request)) => {
            let mut print = event_printer(args.json);
            let end = client.chat(&request, &mut print);
            let invocation = match &args.params {
                Some(path) => format!("{invocation} --params {}", path.display()),
                None => invocation,
            };
            chat_finished(end, &invocation)
        }
        Ok(Request::Run(request)) if args.run_async => {
            let started = client.run_async(&request)?;
            run_started(&started, &named, args)?;
            if !args.wait {
                return Ok(());
            }
            let history = wait_for_run(
                &client,
                args,
                &workflow,
                &workflow_id,
                &started.execute_id,
                &named,
            )?;
            finish_history(&history, &named, &workflow, args)
        }
        Ok(Request::Run(request)) if args.stream => {
            let mut print = event_printer(args.json);
            let end = client.stream_run(&request, &mut print);
            stream_finished(end, &invocation)
        }
        Ok(Request::Run(request)) => {
            let answer = client.run(&request)?;
            print_answer(&answer, &invocation, Some(&workflow))
        }
    }
}

/// Lists the problems of the parameters (or an answer) on stderr; nothing was sent.
#[cfg(feature = "fetch")]
fn parameter_problems(problems: &[cozegen::check::validate::Problem]) -> Error {
    let mut stderr = std::io::stderr().lock();
    for p in problems {
        let _ = writeln!(stderr, "{p}");
    }
    let _ = writeln!(stderr, "nothing was sent");
    Error::InvalidParameters {
        count: problems.len(),
    }
}

/// `--file PATH=FILE`.
#[cfg(feature = "fetch")]
fn parse_file_arg(text: &str) -> Result<cozegen::plan::files::FileArg, String> {
    cozegen::plan::files::FileArg::parse(text)
}

/// `--ext KEY=VALUE`.
#[cfg(feature = "fetch")]
fn parse_ext(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!(
            "`{}` is not KEY=VALUE (e.g. latitude=39.9042)",
            cozegen::text::printable(text, 80)
        )),
    }
}

/// The `ext` map of the `--ext` pairs; a key given twice is a usage error.
#[cfg(feature = "fetch")]
fn ext_map(pairs: &[(String, String)]) -> Result<Option<BTreeMap<String, String>>, Error> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let mut ext = BTreeMap::new();
    for (key, value) in pairs {
        if ext.insert(key.clone(), value.clone()).is_some() {
            return Err(Error::Usage(format!(
                "--ext {} is given twice",
                cozegen::text::printable(key, 80)
            )));
        }
    }
    Ok(Some(ext))
}

/// The parameters of `call` with the `--file`s uploaded and filled in. Everything is checked
/// before the first upload: each path against the start node, each file's kind and size, and
/// the parameters with a stand-in for each file; then the files are uploaded in order. A
/// failed upload stops here, so no run is sent.
#[cfg(feature = "fetch")]
fn upload_files(
    client: &cozegen::coze::Client,
    workflow: &Workflow,
    workflow_id: &str,
    call: cozegen::plan::Call,
    files: &[cozegen::plan::files::FileArg],
) -> Result<serde_json::Value, Error> {
    use cozegen::plan::files::{check_kind, file_value, fill, placeholder, resolve};
    use cozegen::plan::{PlanOptions, Refusal};
    let rule = workflow.input.files;
    let refuse_file =
        |r: cozegen::plan::files::FileRefusal| Error::Usage(format!("{r}; nothing was sent"));
    let mut planned = Vec::new();
    let mut trial = call.parameters.clone();
    for arg in files {
        let place = resolve(&workflow.input, &arg.path).map_err(refuse_file)?;
        let local = client.check_file(&arg.file)?;
        check_kind(&place, &local.name, local.extension()).map_err(refuse_file)?;
        fill(&mut trial, &place, placeholder(rule)).map_err(refuse_file)?;
        planned.push((place, local));
    }
    let trial_call = cozegen::plan::Call {
        parameters: trial,
        ..call.clone()
    };
    match cozegen::plan::plan(workflow, workflow_id, trial_call, &PlanOptions::default()) {
        Ok(_) => {}
        Err(Refusal::Problems(problems)) => return Err(parameter_problems(&problems)),
        Err(refusal) => return Err(refused(&refusal)),
    }
    let need_url = rule == cozegen::ir::rules::FileValues::UrlOnly;
    let mut parameters = call.parameters;
    let mut stderr = std::io::stderr().lock();
    for (place, local) in &planned {
        let uploaded = client.upload(local, need_url)?;
        let value = file_value(rule, uploaded.id.as_deref(), uploaded.url.as_deref())
            .expect("the upload answered what the rule needs");
        let _ = writeln!(
            stderr,
            "uploaded {} for {}: {}",
            cozegen::text::printable(&local.path.display().to_string(), 200),
            place.path,
            cozegen::text::printable(&value, 300)
        );
        fill(&mut parameters, place, &value).map_err(refuse_file)?;
    }
    Ok(parameters)
}

/// The `resume_data` of `--answer`, or of `--answer-params` checked against
/// `--required-parameters` (problems listed, nothing sent).
#[cfg(feature = "fetch")]
fn resume_data(args: &RunArgs) -> Result<String, Error> {
    let (Some(answer), Some(required)) = (&args.answer_params, &args.required_parameters) else {
        return args.answer.clone().ok_or_else(|| {
            Error::Usage("--resume needs the answer: --answer TEXT, or --answer-params".into())
        });
    };
    let required = match serde_json::from_str::<serde_json::Value>(required) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => {
            return Err(Error::Usage(
                "--required-parameters is not a JSON object (give it as the interrupt printed \
                 it)"
                .into(),
            ));
        }
    };
    let (types, warnings) = cozegen::plan::answer_types(&required)?;
    if !args.quiet {
        let mut stderr = std::io::stderr().lock();
        for w in &warnings {
            let _ = writeln!(stderr, "warning: --required-parameters: {w}");
        }
    }
    let answer = cozegen::source::read_json(answer)?;
    let problems = cozegen::plan::check_answer(&types, answer.value());
    if !problems.is_empty() {
        return Err(parameter_problems(&problems));
    }
    Ok(answer.value().to_string())
}

/// Why the plan sent nothing, in the command line's terms (problems are listed apart).
#[cfg(feature = "fetch")]
fn refused(refusal: &cozegen::plan::Refusal) -> Error {
    use cozegen::plan::Refusal;
    Error::Usage(match refusal {
        Refusal::MessageMissing => format!(
            "this is a chatflow: it is called through /v1/workflows/chat with the user's \
             message; give it with --message TEXT (its {} is the message, not a parameter)",
            cozegen::ir::MESSAGE_PARAM
        ),
        Refusal::MessageEmpty => {
            "--message is empty: a chatflow is called with the user's message as text".into()
        }
        Refusal::MessageForWorkflow => "--message is for chatflows, and this is a workflow: \
                                        give its parameters with --params"
            .into(),
        Refusal::ConversationForWorkflow => {
            "--conversation-id is for chatflows, and this is a workflow".into()
        }
        Refusal::Problems(problems) => format!(
            "the parameters do not fit the workflow: {}",
            cozegen::text::plural(problems.len(), "problem")
        ),
    })
}

/// The workflow a saved WorkflowInfo describes (`workflow_detail.workflow_id`).
#[cfg(feature = "fetch")]
pub(crate) fn run_target(info: &WorkflowInfo) -> Result<String, Error> {
    let (workflow, _) = cozegen::build(info, &BuildOptions::default())?;
    workflow
        .details
        .id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            Error::Usage(
            "the WorkflowInfo has no workflow_detail.workflow_id, so cozegen does not know which \
             workflow to run: run it with -w ID"
                .into(),
        )
        })
}

/// Prints a run's answer: the output on stdout, the rest on stderr; then what the plan reads
/// in it: an interrupt, or the output's problems against the end node (when the workflow is
/// known).
#[cfg(feature = "fetch")]
pub(crate) fn print_answer(
    answer: &cozegen::coze::RunAnswer,
    invocation: &str,
    workflow: Option<&Workflow>,
) -> Result<(), Error> {
    emit(None, &output_text(&answer.output))?;
    let mut stderr = std::io::stderr().lock();
    report_ids(
        &mut stderr,
        &[
            ("execute_id", &answer.execute_id),
            ("debug_url", &answer.debug_url),
            ("logid", &answer.logid),
        ],
        answer.usage.as_ref(),
    );
    judge(
        &mut stderr,
        cozegen::plan::read(workflow, answer),
        invocation,
    )
}

/// A run's output as stdout shows it: JSON pretty-printed, text as it is, a newline at the end.
#[cfg(feature = "fetch")]
fn output_text(output: &cozegen::coze::Output) -> String {
    use cozegen::coze::Output;
    match output {
        Output::Json(value) => {
            serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()) + "\n"
        }
        Output::Text(text) if text.ends_with('\n') => text.clone(),
        Output::Text(text) => format!("{text}\n"),
        Output::None => String::new(),
    }
}

/// What the plan read in a run's answer, said on stderr: an interrupt and how to resume it,
/// the output's problems against the end node, or a note that text output is not checked.
#[cfg(feature = "fetch")]
fn judge(
    stderr: &mut impl Write,
    reading: cozegen::plan::Reading<'_>,
    invocation: &str,
) -> Result<(), Error> {
    use cozegen::plan::Reading;
    use cozegen::text::printable;
    match reading {
        Reading::Interrupted(interrupt) => {
            print_interrupt(stderr, interrupt, invocation);
            Err(Error::Interrupted {
                event_id: printable(&interrupt.event_id, 200),
            })
        }
        Reading::Variables { problems, .. } if !problems.is_empty() => {
            for p in &problems {
                let _ = writeln!(stderr, "output {p}");
            }
            Err(Error::OutputMismatch {
                count: problems.len(),
            })
        }
        Reading::Text(_) => {
            let _ = writeln!(
                stderr,
                "note: the output is not JSON (an end node that answers with its content \
                 template), so it is printed as it is and not checked"
            );
            Ok(())
        }
        Reading::Variables { .. } | Reading::Unchecked(_) | Reading::Nothing => Ok(()),
    }
}

#[cfg(feature = "fetch")]
pub(crate) fn print_interrupt(
    out: &mut impl Write,
    interrupt: &cozegen::coze::Interrupt,
    invocation: &str,
) {
    use cozegen::text::printable;
    let _ = writeln!(
        out,
        "interrupted: event_id {} (type {}, {}){}",
        printable(&interrupt.event_id, 200),
        interrupt
            .interrupt_type
            .map_or("?".to_owned(), |t| t.to_string()),
        interrupt.type_name(),
        interrupt
            .node_title
            .as_deref()
            .map(|t| format!(" at node {}", printable(t, 100)))
            .unwrap_or_default()
    );
    if let Some(question) = &interrupt.question {
        let _ = writeln!(out, "question: {}", printable(question, 2000));
    }
    if let Some(required) = &interrupt.required_parameters {
        let required = serde_json::Value::Object(required.clone()).to_string();
        let _ = writeln!(out, "required_parameters: {}", printable(&required, 2000));
    }
    let _ = writeln!(
        out,
        "resume with: {}",
        printable(&cozegen::plan::resume_command(invocation, interrupt), 600)
    );
}

/// Prints stream events as they arrive: message content on stdout (a newline after a node's
/// last chunk), or each event as a line of JSON.
#[cfg(feature = "fetch")]
pub(crate) fn event_printer(json: bool) -> impl FnMut(&cozegen::coze::Event) {
    let mut ended_line = true;
    move |event| {
        let mut stdout = std::io::stdout().lock();
        if json {
            let _ = writeln!(stdout, "{}", event.to_json_line());
        } else if let Some(content) = event.content() {
            let _ = stdout.write_all(content.as_bytes());
            if !content.is_empty() {
                ended_line = content.ends_with('\n');
            }
            if event.ends_node() && !ended_line {
                let _ = stdout.write_all(b"\n");
                ended_line = true;
            }
        } else if event.ends_answer() && !ended_line {
            let _ = stdout.write_all(b"\n");
            ended_line = true;
        }
        // A closed stdout is the reader's choice; the run goes on.
        let _ = stdout.flush();
    }
}

/// Reports how a stream ended on stderr.
#[cfg(feature = "fetch")]
pub(crate) fn stream_finished(
    end: Result<cozegen::coze::StreamEnd, cozegen::coze::Error>,
    invocation: &str,
) -> Result<(), Error> {
    use cozegen::coze::StreamEnd;
    use cozegen::text::printable;
    let mut stderr = std::io::stderr().lock();
    match end? {
        StreamEnd::Done { debug_url, usage } => {
            report_ids(&mut stderr, &[("debug_url", &debug_url)], usage.as_ref());
            Ok(())
        }
        StreamEnd::Interrupted(interrupt) => {
            print_interrupt(&mut stderr, &interrupt, invocation);
            Err(Error::Interrupted {
                event_id: printable(&interrupt.event_id, 200),
            })
        }
    }
}

/// Writes what Coze said about a run or chat besides its output (ids, links, usage) to stderr,
/// one `name: value` line each, escaped like any text from the server.
#[cfg(feature = "fetch")]
pub(crate) fn report_ids(
    stderr: &mut impl Write,
    values: &[(&str, &Option<String>)],
    usage: Option<&cozegen::coze::Usage>,
) {
    for (name, value) in values {
        if let Some(value) = value {
            let _ = writeln!(stderr, "{name}: {}", cozegen::text::printable(value, 500));
        }
    }
    if let Some(usage) = usage {
        let _ = writeln!(stderr, "usage: {}", serde_json::json!(usage));
    }
}

/// Reports how a chat ended on stderr: its ids, and how to answer a chatflow that waits.
#[cfg(feature = "fetch")]
pub(crate) fn chat_finished(
    end: Result<cozegen::coze::ChatEnd, cozegen::coze::Error>,
    invocation: &str,
) -> Result<(), Error> {
    use cozegen::text::printable;
    let end = end?;
    let mut stderr = std::io::stderr().lock();
    report_ids(
        &mut stderr,
        &[
            ("conversation_id", &end.conversation_id),
            ("chat_id", &end.chat_id),
            ("debug_url", &end.debug_url),
        ],
        end.usage.as_ref(),
    );
    if !end.requires_action {
        return Ok(());
    }
    let conversation = end.conversation_id.as_deref().unwrap_or("CONVERSATION_ID");
    let _ = writeln!(
        stderr,
        "the chatflow waits for an answer (a question or input node): send it as the next \
         message in the same conversation"
    );
    let _ = writeln!(
        stderr,
        "answer with: {}",
        printable(
            &format!(
                "{invocation} --message 'YOUR ANSWER' --conversation-id '{}'",
                conversation.replace('\'', r"'\''")
            ),
            600
        )
    );
    Err(Error::Interrupted {
        event_id: printable(end.chat_id.as_deref().unwrap_or(conversation), 200),
    })
}

/// Reports an asynchronous run Coze accepted: its execute id on stdout (or the run as JSON
/// with --json), its trace and log id on stderr, and, unless cozegen waits for it, how to read
/// its result later.
#[cfg(feature = "fetch")]
fn run_started(
    started: &cozegen::coze::AsyncRun,
    named: &str,
    args: &RunArgs,
) -> Result<(), Error> {
    use cozegen::text::printable;
    let mut stderr = std::io::stderr().lock();
    if args.wait {
        // Said first: if the wait ends badly, the run is still there to be read.
        let _ = writeln!(
            stderr,
            "execute_id: {}",
            printable(&started.execute_id, 200)
        );
    } else if args.json {
        let run = serde_json::json!({
            "execute_id": started.execute_id,
            "debug_url": started.debug_url,
            "logid": started.logid,
        });
        emit(None, &format!("{run}\n"))?;
    } else {
        emit(None, &format!("{}\n", printable(&started.execute_id, 200)))?;
    }
    report_ids(
        &mut stderr,
        &[("debug_url", &started.debug_url), ("logid", &started.logid)],
        None,
    );
    if !args.wait {
        let _ = writeln!(
            stderr,
            "the run started asynchronously; read its result with: {}",
            printable(
                &cozegen::plan::history_command(named, &started.execute_id),
                600
            )
        );
    }
    Ok(())
}

/// Reads the run's history until it ends or --wait-timeout is over. A read that fails ends
/// the wait: the run was not sent again, so how to read it later is said first.
#[cfg(feature = "fetch")]
fn wait_for_run(
    client: &cozegen::coze::Client,
    args: &RunArgs,
    workflow: &Workflow,
    workflow_id: &str,
    execute_id: &str,
    named: &str,
) -> Result<cozegen::coze::RunHistory, Error> {
    use std::time::Duration;
    let interval = Duration::from_millis(args.poll_interval_ms);
    let wait = cozegen::coze::Wait {
        interval,
        max_interval: interval * 10,
        timeout: Duration::from_secs(args.wait_timeout),
    };
    client
        .wait_for_run(workflow.details.platform, workflow_id, execute_id, &wait)
        .map_err(|e| {
            let _ = writeln!(
                std::io::stderr().lock(),
                "the run's history could not be read; the run was not sent again: read its \
                 result later with: {}",
                cozegen::text::printable(&cozegen::plan::history_command(named, execute_id), 600)
            );
            e.into()
        })
}

/// Prints a run read from its history and says what it is: its output on stdout (or the run as
/// JSON with --json), ids and status on stderr, then, as the plan reads it, still running,
/// failed, output cut, another status, or ended, judged like a run's answer.
#[cfg(feature = "fetch")]
fn finish_history(
    history: &cozegen::coze::RunHistory,
    named: &str,
    workflow: &Workflow,
    args: &RunArgs,
) -> Result<(), Error> {
    use cozegen::coze::Output;
    use cozegen::plan::HistoryReading;
    use cozegen::text::printable;
    let reading = cozegen::plan::read_history(Some(workflow), history);
    if args.json {
        let output = match &history.output {
            Output::Json(value) => value.clone(),
            Output::Text(text) => serde_json::Value::String(text.clone()),
            Output::None => serde_json::Value::Null,
        };
        let run = serde_json::json!({
            "execute_id": history.execute_id,
            "status": history.status.as_str(),
            "output": output,
            "output_trimmed": history.output_trimmed,
            "error_code": history.error_code,
            "error_message": history.error_message,
            "debug_url": history.debug_url,
            "logid": history.logid,
            "usage": history.usage,
        });
        emit(None, &format!("{run}\n"))?;
    } else if matches!(reading, HistoryReading::Ended(_) | HistoryReading::Trimmed) {
        emit(None, &output_text(&history.output))?;
    }
    let mut stderr = std::io::stderr().lock();
    let execute_id = printable(&history.execute_id, 200);
    let _ = writeln!(stderr, "execute_id: {execute_id}");
    let _ = writeln!(
        stderr,
        "status: {}",
        printable(history.status.as_str(), 100)
    );
    report_ids(
        &mut stderr,
        &[("debug_url", &history.debug_url), ("logid", &history.logid)],
        history.usage.as_ref(),
    );
    match reading {
        HistoryReading::Running => Err(Error::StillRunning {
            execute_id: execute_id.clone(),
            waited: args.wait.then_some(args.wait_timeout),
            command: printable(
                &cozegen::plan::history_command(named, &history.execute_id),
                600,
            ),
        }),
        HistoryReading::Failed { code, message } => Err(Error::RunFailed {
            execute_id,
            code: code.map(|c| printable(c, 100)),
            message: message.map(|m| printable(m, 2000)),
            logid: history.logid.as_deref().map(|l| printable(l, 200)),
        }),
        HistoryReading::Trimmed => Err(Error::OutputTrimmed { execute_id }),
        HistoryReading::Other(status) => Err(Error::RunEnded {
            execute_id,
            status: if status.trim().is_empty() {
                "(none)".to_owned()
            } else {
                printable(status, 100)
            },
        }),
        HistoryReading::Ended(reading) => {
            let raw = history.raw.as_deref().unwrap_or_default();
            if matches!(reading, cozegen::plan::Reading::Nothing) && !raw.trim().is_empty() {
                let _ = writeln!(
                    stderr,
                    "note: the run's output holds no end node output (`Output`): {}",
                    printable(raw, 500)
                );
            }
            judge(&mut stderr, reading, named)
        }
    }
}
