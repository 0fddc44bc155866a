//! The TypeScript artifact: goldens, and `tsc --strict` compiling the declarations together with
//! the sample instances (valid ones must type-check, ones missing a required field must not).

use crate::common::*;
use std::path::Path;

fn ts_for(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec!["ts", doc.to_str().expect("utf-8"), "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn root_type_name(doc: &Path) -> String {
    let out = cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]);
    let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("IR is JSON");
    ir["input"]["objects"][0]["type_name"]
        .as_str()
        .expect("type name")
        .to_owned()
}

#[test]
fn typescript_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        goldens.check(&format!("{}/input.ts", stem(&doc)), &ts_for(&doc, &[]));
        goldens.check(
            &format!("{}/output.ts", stem(&doc)),
            &ts_for(&doc, &["--node", "output"]),
        );
    }
}

fn tsc(dir: &Path, files: &[String]) -> std::process::Output {
    std::process::Command::new("node")
        .arg(root().join("tests/js/node_modules/typescript/bin/tsc"))
        .args([
            "--strict", "--noEmit", "--target", "es2020", "--module", "esnext",
        ])
        .args(["--moduleResolution", "bundler", "--noUnusedLocals"])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("run tsc")
}

#[test]
fn tsc_strict_accepts_declarations_and_valid_instances_and_rejects_missing_fields() {
    if !js_tools_available("the tsc check") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let (mut valid, mut missing) = (Vec::new(), Vec::new());
    for doc in corpus() {
        let name = stem(&doc);
        let dir = scratch.path().join(&name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("input.ts"), ts_for(&doc, &[])).expect("write");
        std::fs::write(dir.join("output.ts"), ts_for(&doc, &["--node", "output"])).expect("write");
        valid.push(format!("{name}/input.ts"));
        valid.push(format!("{name}/output.ts"));
        let root_type = root_type_name(&doc);
        let instances = root().join("tests/instances").join(&name);
        for entry in std::fs::read_dir(&instances).into_iter().flatten() {
            let path = entry.expect("entry").path();
            let instance = stem(&path);
            let json = std::fs::read_to_string(&path).expect("read");
            let source = format!(
                "import type {{ {root_type} }} from \"./input\";\nexport const value: {root_type} = {json};\n"
            );
            let file = format!("{name}/{instance}.ts");
            std::fs::write(scratch.path().join(&file), source).expect("write");
            if instance.starts_with("valid") {
                valid.push(file);
            } else if instance.contains("missing") {
                missing.push(file);
            }
        }
    }
    let out = tsc(scratch.path(), &valid);
    assert!(
        out.status.success(),
        "tsc rejected valid code:\n{}",
        stdout(&out)
    );
    assert!(missing.len() >= 4);
    let out = tsc(scratch.path(), &missing);
    assert!(!out.status.success());
    let report = stdout(&out);
    for file in &missing {
        assert!(
            report.contains(file.as_str()),
            "tsc accepted {file}:\n{report}"
        );
    }
}

/// TypeScript builds an input as an object literal: `satisfies` (or a typed `const`) checks it
/// under `tsc --strict`, an optional parameter is simply left out, and a missing required key,
/// a misspelled key or a value of the wrong type is an error naming the file.
#[test]
fn object_literals_build_inputs_and_tsc_strict_checks_them() {
    if !js_tools_available("the tsc check of object literals") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let corpus = root().join("tests/corpus");
    for name in ["order_intake", "hostile_names"] {
        let dir = scratch.path().join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let ts = ts_for(&corpus.join(format!("{name}.json")), &[]);
        std::fs::write(dir.join("input.ts"), ts).expect("write");
    }
    let order = |body: &str| {
        format!(
            "import type {{ OrderIntakeInput, OrderIntakeInputLinesItem }} from \"./input\";\n\
             const line: OrderIntakeInputLinesItem = {{ sku: \"A-1\", qty: 2 }};\n{body}\n"
        )
    };
    let hostile = |body: &str| {
        format!(
            "import type {{ HostileScriptScriptAlert1ScriptInput as Input }} from \"./input\";\n{body}\n"
        )
    };
    let good = [
        (
            "order_intake/built.ts",
            order(
                "export const minimal = { customer: { name: \"Ada\", address: { street: \"s\", city: \"c\" } }, \
                 lines: [line] } satisfies OrderIntakeInput;\n\
                 export const full: OrderIntakeInput = { ...minimal, priority: 1, notes: \"ring twice\" };",
            ),
        ),
        (
            "hostile_names/built.ts",
            hostile(
                "export const input = { type: \"kw\", self: 7, \"first name\": \"x\" } satisfies Input;",
            ),
        ),
    ];
    let bad = [
        (
            "order_intake/missing.ts",
            order("export const x = { lines: [line] } satisfies OrderIntakeInput;"),
        ),
        (
            "order_intake/misspelled.ts",
            order(
                "export const x = { customer: { name: \"A\", address: { street: \"s\", city: \"c\" } }, \
                 lines: [line], note: \"x\" } satisfies OrderIntakeInput;",
            ),
        ),
        (
            "order_intake/wrong_type.ts",
            order(
                "export const x: OrderIntakeInput = { customer: { name: \"A\", address: { street: \"s\", \
                 city: \"c\" } }, lines: [line], priority: \"high\" };",
            ),
        ),
        (
            "hostile_names/missing.ts",
            hostile("export const input = { self: 7 } satisfies Input;"),
        ),
    ];
    for (file, source) in good.iter().chain(&bad) {
        std::fs::write(scratch.path().join(file), source).expect("write");
    }
    let good_files: Vec<String> = good.iter().map(|(f, _)| f.to_string()).collect();
    let out = tsc(scratch.path(), &good_files);
    assert!(out.status.success(), "tsc rejected:\n{}", stdout(&out));
    for (file, _) in &bad {
        let out = tsc(scratch.path(), &[file.to_string()]);
        let report = stdout(&out);
        assert!(
            !out.status.success() && report.contains(file),
            "tsc accepted {file}:\n{report}"
        );
    }
}

#[test]
fn comment_terminators_in_descriptions_cannot_close_jsdoc() {
    let ts = ts_for(&root().join("tests/corpus/hostile_names.json"), &[]);
    for line in ts.lines() {
        let in_comment = line.trim_start().starts_with('*') && !line.trim_start().starts_with("*/");
        assert!(!(in_comment && line.contains("*/")), "{line}");
    }
    assert!(ts.contains("*\\/ #![deny(x)]"));
}

#[test]
fn names_that_are_not_identifiers_are_quoted() {
    let ts = ts_for(&root().join("tests/corpus/hostile_names.json"), &[]);
    assert!(ts.contains("\n  \"first name\"?: string;"));
    assert!(ts.contains("\n  \"a\\\"b\\\\c\"?: string;"));
    assert!(ts.contains("\n  $price?: number;"));
    assert!(ts.contains("\n  type: string;"));
}

/// The generated run helpers under `tsc --strict`, run by node: `runRequest` builds the body a
/// driver sends with the global `fetch` to a fake Coze API on 127.0.0.1, which gets exactly the
/// body Coze expects, and `parseRunAnswer` reads each answer into the output type or throws the
/// `RunError` that names what failed.
#[test]
fn generated_run_helpers_send_a_request_with_fetch_and_read_the_answers() {
    use crate::common::api::{Api, Reply};
    use serde_json::{Value, json};
    if !js_tools_available("the TypeScript run helpers check") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let dir = scratch.path();
    let order = root().join("tests/corpus/order_intake.json");
    let seed = root().join("tests/corpus/seed_example.json");
    // An end node with nested required variables: `order_intake`'s start node.
    let mut nested: Value =
        serde_json::from_str(&std::fs::read_to_string(&order).expect("read")).expect("JSON");
    nested["data"]["output"] = json!({
        "terminate_plan": "return_variables",
        "parameters": nested["data"]["input"]["parameters"].clone(),
    });
    let nested_doc = dir.join("nested.json");
    std::fs::write(&nested_doc, nested.to_string()).expect("write");
    for (name, doc) in [("order", &order), ("seed", &seed), ("nested", &nested_doc)] {
        std::fs::create_dir_all(dir.join(name)).expect("mkdir");
        std::fs::write(dir.join(name).join("input.ts"), ts_for(doc, &[])).expect("write");
        std::fs::write(
            dir.join(name).join("output.ts"),
            ts_for(doc, &["--node", "output"]),
        )
        .expect("write");
    }
    std::fs::write(dir.join("driver.ts"), RUN_DRIVER).expect("write");
    let out = std::process::Command::new("node")
        .arg(root().join("tests/js/node_modules/typescript/bin/tsc"))
        .args(["--strict", "--target", "es2022", "--module", "esnext"])
        .args([
            "--moduleResolution",
            "bundler",
            "--noUnusedLocals",
            "--outDir",
            "out",
        ])
        .arg("driver.ts")
        .current_dir(dir)
        .output()
        .expect("run tsc");
    assert!(
        out.status.success(),
        "tsc rejected the run helpers:\n{}",
        stdout(&out)
    );
    std::fs::write(dir.join("out/package.json"), r#"{"type": "module"}"#).expect("write");

    let answers = [
        json!({"code": 0, "msg": "", "data": "{\"order_id\":\"A-17\"}", "execute_id": "741364789030728",
               "debug_url": "https://www.coze.cn/work_flow?execute_id=741364789030728",
               "usage": {"input_count": 50, "output_count": 100, "token_count": 150},
               "detail": {"logid": "20241210152726467C48D89D6DB2"}}),
        json!({"code": 0, "msg": "", "data": "the order is in"}),
        json!({"code": 0, "msg": "", "data": "[1]"}),
        json!({"code": 4200, "msg": "Workflow not published", "detail": {"logid": "20241210152726467C48D89D6DB2"}}),
        json!({"code": 0, "msg": "", "execute_id": "742482313128840"}),
        json!({"code": "0", "msg": "", "data": "There are 3 images."}),
    ];
    let api = Api::scripted(
        answers
            .iter()
            .map(|a| Reply::new(200, a.to_string()))
            .collect(),
    );
    let out = std::process::Command::new("node")
        .arg("out/driver.js")
        .arg(api.url())
        .current_dir(dir)
        .output()
        .expect("run node");
    assert!(out.status.success(), "the driver failed:\n{}", stderr(&out));
    let report: Value = serde_json::from_str(stdout(&out).trim()).expect("one JSON line");
    let results = &report["results"];

    let seen = api.seen();
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[0].request_line(), "POST /v1/workflow/run HTTP/1.1");
    assert_eq!(
        String::from_utf8(seen[0].body.clone()).expect("UTF-8"),
        json!({
            "workflow_id": "7350583675492399001",
            "parameters": {
                "customer": {"name": "Ada", "address": {"street": "1 Rue de Rivoli", "city": "Paris"}},
                "lines": [{"sku": "A-1", "qty": 2}],
                "deliver_at": "2025-07-01 09:30:00"
            },
            "bot_id": "7342866812345",
            "ext": {"user_id": "u-1"}
        })
        .to_string()
    );
    assert_eq!(
        seen[5].json(),
        json!({"workflow_id": "7507120000091219",
               "additional_messages": [{"role": "user", "content": "How many images?", "content_type": "text"}],
               "parameters": {}})
    );
    drop(seen);

    assert_eq!(report["id"], "7350583675492399001");
    assert_eq!(
        results[0],
        json!({"ok": {"output": {"order_id": "A-17"}, "execute_id": "741364789030728",
                      "debug_url": "https://www.coze.cn/work_flow?execute_id=741364789030728",
                      "logid": "20241210152726467C48D89D6DB2",
                      "usage": {"input_count": 50, "output_count": 100, "token_count": 150}}})
    );
    assert_eq!(results[1]["kind"], "data_not_json", "{}", results[1]);
    assert!(
        results[1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("the run's `data` is not JSON: SyntaxError")),
        "{}",
        results[1]
    );
    assert_eq!(results[2]["kind"], "shape");
    assert_eq!(
        results[2]["error"],
        "the run's `data` is not the end node's output: not a JSON object"
    );
    assert_eq!(
        results[3],
        json!({"error": "Coze error 4200: \"Workflow not published\" (logid 20241210152726467C48D89D6DB2)",
               "kind": "coze", "code": "4200", "logid": "20241210152726467C48D89D6DB2"})
    );
    assert_eq!(results[4]["kind"], "no_data");
    assert_eq!(results[4]["execute_id"], "742482313128840");
    assert_eq!(
        results[5],
        json!({"ok": {"output": "There are 3 images."}}),
        "an answer template's text"
    );
    assert_eq!(results[6]["ok"]["lines"][0]["qty"], 2);
    assert_eq!(
        results[7],
        json!({"error": "the run's `data` is not the end node's output: missing \"lines\"",
               "kind": "shape", "path": "lines"})
    );
}

/// The TypeScript driver of the run helpers check: one JSON line of results.
const RUN_DRIVER: &str = r#"import { WORKFLOW_ID, runRequest } from "./order/input.js";
import type { OrderIntakeInput } from "./order/input.js";
import { parseRunAnswer } from "./order/output.js";
import type { ChatRequest } from "./seed/input.js";
import { parseRunAnswer as parseSeedAnswer } from "./seed/output.js";
import { parseOutput as parseNested } from "./nested/output.js";

declare const process: { argv: string[] };

const url = `${process.argv[2]}/v1/workflow/run`;

async function post(body: unknown): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { Authorization: "Bearer pat_test", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.text();
}

function verdict(read: () => unknown): unknown {
  try {
    return { ok: read() };
  } catch (e) {
    if (e instanceof Error && e.name === "RunError") {
      const { kind, code, logid, execute_id, path } = e as Error & Record<string, unknown>;
      return { error: e.message, kind, code, logid, execute_id, path };
    }
    throw e;
  }
}

const input: OrderIntakeInput = {
  customer: { name: "Ada", address: { street: "1 Rue de Rivoli", city: "Paris" } },
  lines: [{ sku: "A-1", qty: 2 }],
  deliver_at: "2025-07-01 09:30:00",
};
const results: unknown[] = [];
for (let i = 0; i < 5; i++) {
  const body = await post(runRequest(input, { bot_id: "7342866812345", ext: { user_id: "u-1" } }));
  results.push(verdict(() => parseRunAnswer(body)));
}
// The seed's example is a chatflow: its start node gets the chat request's type instead.
const chat: ChatRequest = {
  workflow_id: "7507120000091219",
  additional_messages: [{ role: "user", content: "How many images?", content_type: "text" }],
  parameters: {},
};
const text = await post(chat);
results.push(verdict(() => parseSeedAnswer(text)));
const customer = { name: "Ada", address: { street: "x", city: "y" } };
results.push(verdict(() => parseNested(JSON.stringify({ customer, lines: [{ sku: "A-1", qty: 2 }] }))));
results.push(verdict(() => parseNested(JSON.stringify({ customer }))));
console.log(JSON.stringify({ id: WORKFLOW_ID, results }));
"#;

/// A chatflow's `ChatMessage` and `ChatRequest` are always written: an object that would have
/// had one of their names is named around it in the IR, and `tsc` takes the module.
#[test]
fn chat_types_are_written_beside_an_object_named_like_one() {
    let doc = serde_json::json!({
        "workflow_detail": {"workflow_id": "7", "workflow_name": "w"},
        "input": {"parameters": {
            "USER_INPUT": {"type": "string"},
            "CONVERSATION_NAME": {"type": "string"},
            "message": {"type": "object", "properties": {"text": {"type": "string"}}}
        }}
    });
    let info = cozegen::load_slice(doc.to_string().as_bytes(), "doc").expect("loads");
    let options = cozegen::BuildOptions {
        input_type_name: Some("Chat".to_owned()),
        ..Default::default()
    };
    let (w, _) = cozegen::build(&info, &options).expect("builds");
    let ts = cozegen::emit::typescript::render(&w, &Default::default()).expect("TypeScript");
    assert!(ts.contains("export interface ChatMessage2 {"), "{ts}");
    assert!(ts.contains("Named `ChatMessage2` because `ChatMessage` is taken."));
    assert!(ts.contains("export interface ChatMessage {"), "{ts}");
    assert!(ts.contains("export interface ChatRequest {"), "{ts}");
    if !js_tools_available("the tsc check of the chat types") {
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    std::fs::write(scratch.path().join("input.ts"), &ts).expect("write");
    let use_it = "import type { ChatRequest, ChatMessage2 } from \"./input\";\n\
                  const m: ChatMessage2 = { text: \"hi\" };\n\
                  export const r: ChatRequest = { workflow_id: \"7\", additional_messages: \
                  [{ role: \"user\", content: \"q\", content_type: \"text\" }], \
                  parameters: { message: m } };\n";
    std::fs::write(scratch.path().join("use.ts"), use_it).expect("write");
    let out = tsc(
        scratch.path(),
        &["input.ts".to_owned(), "use.ts".to_owned()],
    );
    assert!(out.status.success(), "tsc:\n{}", stdout(&out));
}
