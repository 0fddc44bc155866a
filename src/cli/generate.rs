//! The commands that render one artifact of one workflow: `schema`, `rust`, `html`, `ts`, `ir`.

use super::*;

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    #[command(flatten)]
    pub(crate) common: Common,

    /// JSON Schema dialect.
    #[arg(long, value_enum, default_value_t = DraftArg::V2020_12)]
    pub(crate) draft: DraftArg,

    /// Which node to describe.
    #[arg(long, value_enum, default_value_t = NodeArg::Input)]
    pub(crate) node: NodeArg,

    /// Add an `x-coze-type` keyword to every parameter (strict validators such as Ajv reject
    /// unknown keywords unless told about them).
    #[arg(long)]
    pub(crate) coze_keywords: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RustArgs {
    #[command(flatten)]
    pub(crate) common: Common,

    /// Name of the root struct (default: the workflow name in UpperCamelCase + `Input`, or
    /// + `Output` with --node output).
    #[arg(long, value_name = "NAME")]
    pub(crate) type_name: Option<String>,

    /// Which node to describe.
    #[arg(long, value_enum, default_value_t = NodeArg::Input)]
    pub(crate) node: NodeArg,

    /// Add a derive to the generated types, e.g. `Eq`, `Hash`, `schemars::JsonSchema`
    /// (repeatable). `Eq`, `Hash`, `PartialOrd`, `Ord` and `Copy` go only on the types that can
    /// have them, with a warning for the others.
    #[arg(long = "derive", value_name = "PATH")]
    pub(crate) derives: Vec<String>,

    /// Leave out the run helpers: `WORKFLOW_ID`, and `RunRequest` (start node) or
    /// `parse_output`, `parse_run_answer` and `RunError` (end node).
    #[arg(long)]
    pub(crate) no_run_helpers: bool,
}

#[derive(Debug, Args)]
pub(crate) struct HtmlArgs {
    #[command(flatten)]
    pub(crate) common: Common,

    /// Emit only the `<form id="cozegen-form">` and its script, for embedding in a page.
    #[arg(long)]
    pub(crate) fragment: bool,

    /// Also POST `{"parameters": …}` as JSON to this absolute http(s) URL on submit (your own
    /// endpoint, which adds the API token; the page never holds one).
    #[arg(long, value_name = "URL", value_parser = parse_action)]
    pub(crate) action: Option<String>,

    #[command(flatten)]
    pub(crate) form: FormArgs,
}

#[derive(Debug, Args)]
pub(crate) struct TsArgs {
    #[command(flatten)]
    pub(crate) common: Common,

    /// Which node to describe.
    #[arg(long, value_enum, default_value_t = NodeArg::Input)]
    pub(crate) node: NodeArg,

    /// Leave out the run helpers: `WORKFLOW_ID`, and `runRequest` (start node) or
    /// `parseOutput`, `parseRunAnswer` and `RunError` (end node).
    #[arg(long)]
    pub(crate) no_run_helpers: bool,
}

#[derive(Debug, Args)]
pub(crate) struct IrArgs {
    #[command(flatten)]
    pub(crate) common: Common,
}

/// `cozegen schema`.
pub(crate) fn schema(args: &SchemaArgs) -> Result<(), Error> {
    let options = SchemaOptions {
        draft: match args.draft {
            DraftArg::V2020_12 => Draft::Draft2020_12,
            DraftArg::V07 => Draft::Draft07,
        },
        node: args.node.into(),
        coze_keywords: args.coze_keywords,
    };
    generate(&args.common, &build_options(&args.common), |w| {
        Ok(json_schema::render(w, &options)?)
    })
}

/// `cozegen ts`.
pub(crate) fn ts(args: &TsArgs) -> Result<(), Error> {
    let options = TsOptions {
        node: args.node.into(),
        run_helpers: !args.no_run_helpers,
    };
    generate(&args.common, &build_options(&args.common), |w| {
        Ok(typescript::render(w, &options)?)
    })
}

/// `cozegen ir`.
pub(crate) fn ir(args: &IrArgs) -> Result<(), Error> {
    generate(&args.common, &build_options(&args.common), |w| {
        Ok(ir_json::render(w)?)
    })
}

/// `cozegen html`.
pub(crate) fn html(args: &HtmlArgs) -> Result<(), Error> {
    let options = HtmlOptions {
        fragment: args.fragment,
        action: args.action.clone(),
        lang: args.form.lang(),
        upload_action: args.form.upload_action.clone(),
    };
    generate(&args.common, &build_options(&args.common), |w| {
        Ok(html::render(w, &options)?)
    })
}

/// `cozegen rust`.
pub(crate) fn rust(args: &RustArgs) -> Result<(), Error> {
    let node: Node = args.node.into();
    let build = match node {
        Node::Input => BuildOptions {
            input_type_name: args.type_name.clone(),
            ..build_options(&args.common)
        },
        Node::Output => BuildOptions {
            output_type_name: args.type_name.clone(),
            ..build_options(&args.common)
        },
    };
    let options = RustOptions {
        derives: args.derives.clone(),
        node,
        run_helpers: !args.no_run_helpers,
    };
    let common = &args.common;
    generate(common, &build, |w| {
        let (code, warnings) = rust::render_with_warnings(w, &options)?;
        report(&warnings, common)?;
        Ok(code)
    })
}
