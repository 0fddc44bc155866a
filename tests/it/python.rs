//! The Python artifact (`cozegen python`): goldens; every corpus module imported by the venv's
//! Python (the pydantic version `tests/py/requirements.txt` pins), its samples validated and
//! dumped, `mypy --strict` clean and only declaring data (`checks/python_data_only.py`, Python's
//! own `ast`); hostile names and descriptions kept as data; `parse_output` naming the path.
//! The value rules themselves are the conformance suite's `python` leg.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn python_for(doc: &Path, extra: &[&str]) -> String {
    let mut args = vec!["python", doc.to_str().expect("utf-8"), "--quiet"];
    args.extend_from_slice(extra);
    let out = cozegen(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn root_type_name(doc: &Path, node: &str) -> String {
    let out = cozegen(&["ir", doc.to_str().expect("utf-8"), "--quiet"]);
    let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("IR is JSON");
    ir[node]["objects"][0]["type_name"]
        .as_str()
        .expect("type name")
        .to_owned()
}

#[test]
fn python_goldens_match_for_every_corpus_document() {
    let mut goldens = Goldens::new();
    for doc in corpus() {
        goldens.check(&format!("{}/input.py", stem(&doc)), &python_for(&doc, &[]));
        goldens.check(
            &format!("{}/output.py", stem(&doc)),
            &python_for(&doc, &["--node", "output"]),
        );
    }
}

/// Runs `script` with the venv's Python in `dir`; panics with its output if it fails.
fn run_python(python: &Path, dir: &Path, script: &str) -> String {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python failed:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// The data-only check on `modules`, the run helpers held to those of `references`.
fn data_only(python: &Path, references: &[PathBuf], modules: &[PathBuf]) -> std::process::Output {
    let references: Vec<&str> = references
        .iter()
        .map(|p| p.to_str().expect("utf-8"))
        .collect();
    Command::new(python)
        .arg(root().join("tests/it/checks/python_data_only.py"))
        .arg(references.join(","))
        .args(modules)
        .output()
        .expect("run the data-only check")
}

const SAMPLES: &str = r#"
import glob, importlib, json, os, sys
for doc, root in json.loads(sys.argv[1]):
    module = importlib.import_module(f"{doc}_input")
    model = getattr(module, root)
    importlib.import_module(f"{doc}_output")
    for path in sorted(glob.glob(os.path.join(sys.argv[2], doc, "*.json"))):
        text = open(path, encoding="utf-8").read()
        name = os.path.basename(path)
        try:
            value = model.model_validate_json(text)
        except Exception as error:
            assert name.startswith("invalid"), f"{doc}/{name} refused: {error}"
            print("refused", doc, name)
            continue
        assert name.startswith("valid"), f"{doc}/{name} accepted"
        if hasattr(module, "run_request"):
            body = module.run_request(value, workflow_id="7")
            assert body["workflow_id"] == "7", body
            assert body["parameters"] == json.loads(text), (body, text)
        print("accepted", doc, name)
"#;

#[test]
fn every_corpus_module_imports_validates_its_samples_passes_mypy_strict_and_declares_data() {
    let Some(python) = python_tools("the Python module checks") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut modules = Vec::new();
    let mut roots = Vec::new();
    for doc in corpus() {
        let name = stem(&doc);
        for (node, extra) in [("input", &[][..]), ("output", &["--node", "output"][..])] {
            let path = dir.path().join(format!("{name}_{node}.py"));
            std::fs::write(&path, python_for(&doc, extra)).expect("write");
            modules.push(path);
        }
        roots.push((name, root_type_name(&doc, "input")));
    }
    let instances = root().join("tests/instances");
    let out = Command::new(&python)
        .arg("-c")
        .arg(SAMPLES)
        .arg(serde_json::to_string(&roots).expect("json"))
        .arg(&instances)
        .current_dir(dir.path())
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let said = stdout(&out);
    let count = |word: &str| said.lines().filter(|l| l.starts_with(word)).count();
    assert!(count("accepted ") >= 7, "{said}");
    assert!(count("refused ") >= 15, "{said}");

    let mypy = Command::new(&python)
        .args([
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir=/dev/null",
        ])
        .args(&modules)
        .current_dir(dir.path())
        .output()
        .expect("run mypy");
    assert!(
        mypy.status.success(),
        "mypy --strict:\n{}{}",
        stdout(&mypy),
        stderr(&mypy)
    );

    let reference = |doc: &str| dir.path().join(format!("{doc}.py"));
    let references = [
        reference("arrays_input"),
        reference("arrays_output"),
        reference("no_inputs_input"),
        reference("no_inputs_output"),
    ];
    let check = data_only(&python, &references, &modules);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}

#[test]
fn the_data_only_check_refuses_code() {
    let Some(python) = python_tools("the Python data-only check") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = root().join("tests/corpus/all_types.json");
    let good = python_for(&doc, &[]);
    let reference = dir.path().join("reference.py");
    std::fs::write(&reference, &good).expect("write");
    let bad = [
        good.replace("    title: str\n", "    title: str = print(\"x\")\n"),
        good.replace("\nclass ", "\nimport os\n\nclass "),
        good.replace(
            "    request: dict[str, Any] = {",
            "    __import__(\"os\")\n    request: dict[str, Any] = {",
        ),
        format!("{good}\nprint(1)\n"),
        good.replace("(BaseModel):", "(BaseModel, metaclass=type):"),
    ];
    for (i, text) in bad.iter().enumerate() {
        assert_ne!(text, &good, "case {i} changed nothing");
        let path = dir.path().join(format!("bad{i}.py"));
        std::fs::write(&path, text).expect("write");
        let out = data_only(&python, std::slice::from_ref(&reference), &[path]);
        assert!(!out.status.success(), "case {i} passed the check");
    }
    let out = data_only(
        &python,
        std::slice::from_ref(&reference),
        std::slice::from_ref(&reference),
    );
    assert!(out.status.success(), "{}", stdout(&out));
}

/// A document whose names are Python keywords, built-ins, pydantic's own names and text, and
/// whose descriptions try to close every kind of string.
const HOSTILE: &str = r#"{"code":0,"msg":"","data":{
  "workflow_detail":{"workflow_id":"7350000000000000001","workflow_name":"py\"\"\"hostile",
    "description":"ends with a quote\"\"\"\nimport os; os.system('x')\n\\"},
  "input":{"parameters":{
    "class":{"type":"string","required":true,"description":"\"\"\" + __import__('os') + \"\"\""},
    "model_config":{"type":"integer","description":"nul \u0000 ls \u2028 ps \u2029 nel \u0085 \\x00 \\"},
    "int":{"type":"number"},
    "_private":{"type":"boolean"},
    "match":{"type":"object","properties":{"type":{"type":"string","required":true},
      "json":{"type":"string"}}},
    "first name":{"type":"array","items":{"type":"time"}},
    "'''":{"type":"string","description":"'''"}
  }},
  "output":{"parameters":{
    "rows":{"type":"array","required":true,"items":{"type":"object",
      "properties":{"qty":{"type":"integer","required":true}}}},
    "odd key":{"type":"string"}
  }}}}"#;

#[test]
fn hostile_names_and_descriptions_stay_data() {
    let Some(python) = python_tools("the hostile Python module check") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = dir.path().join("hostile.json");
    std::fs::write(&doc, HOSTILE).expect("write");
    std::fs::write(dir.path().join("hostile_in.py"), python_for(&doc, &[])).expect("write");
    std::fs::write(
        dir.path().join("hostile_out.py"),
        python_for(&doc, &["--node", "output"]),
    )
    .expect("write");
    let script = r#"
import ast, json
import hostile_in as m
import hostile_out as o
root = m.PyHostileInput
fields = {name: f.alias for name, f in root.model_fields.items()}
assert fields == {"class_": "class", "field_model_config": "model_config", "int_": "int",
    "private": "_private", "match_": "match", "first_name": "first name", "field_7": "'''"}, fields
nested = {name: f.alias for name, f in m.PyHostileInputMatch.model_fields.items()}
assert nested == {"type_": "type", "json_": "json"}, nested
value = root.model_validate_json('{"class": "c", "model_config": 5, "match": {"type": "t"}}')
assert m.run_request(value)["parameters"] == {"class": "c", "model_config": 5, "match": {"type": "t"}}
assert m.run_request(value)["workflow_id"] == "7350000000000000001"
for bad in ['{"class": "c", "model_config": null}', '{"class": "c", "model_config": "5"}',
            '{"class": "c", "class_": "c"}', '{"class": "c", "int": true}']:
    try:
        root.model_validate_json(bad)
    except Exception:
        continue
    raise AssertionError(f"accepted {bad}")
# Every docstring is the document's text, line by line.
tree = ast.parse(open("hostile_in.py", encoding="utf-8").read())
docs = [n.value.value for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)]
assert any(d.startswith('"""') and "__import__" in d for d in docs), docs
assert any(d.startswith("nul \x00 ls") and "\\x00 \\" in d for d in docs), docs
assert any(d.startswith('Parameters of a run of the Coze workflow `py"""hostile`.') and 'quote"""' in d for d in docs), docs
# parse_output names the path of what is wrong.
try:
    o.parse_output('{"rows": [{"qty": 1}, {"qty": "2"}]}')
except o.RunError as error:
    assert error.kind == "shape" and error.path == "rows[1].qty", (error.kind, error.path, str(error))
else:
    raise AssertionError("parse_output accepted a string qty")
try:
    o.parse_output('{"rows": [], "odd key": 1}')
except o.RunError as error:
    assert error.path == '["odd key"]', error.path
try:
    o.parse_output('{"rows": [')
except o.RunError as error:
    assert error.kind == "data_not_json", error.kind
out = o.parse_output('{"rows": [{"qty": 3}]}')
assert out.rows[0].qty == 3
print("ok")
"#;
    assert_eq!(run_python(&python, dir.path(), script).trim(), "ok");
}

/// A document nested as deep as cozegen reads: its module imports (classes are defined flat,
/// children first, so nothing recurses on the depth), and a value within pydantic's JSON depth
/// limit validates through every class.
#[test]
fn a_document_nested_to_the_depth_limit_imports() {
    let Some(python) = python_tools("the deep Python module check") else {
        return;
    };
    const DEPTH: usize = cozegen::limits::MAX_DEPTH - 10;
    let mut property = String::from(r#"{"type":"string","required":true}"#);
    for _ in 0..DEPTH {
        property =
            format!(r#"{{"type":"object","required":true,"properties":{{"n":{property}}}}}"#);
    }
    let doc = format!(
        r#"{{"code":0,"msg":"","data":{{"workflow_detail":{{"workflow_name":"deep"}},
        "input":{{"parameters":{{"root":{property}}}}},"output":{{"parameters":{{}}}}}}}}"#
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("deep.json");
    std::fs::write(&path, doc).expect("write");
    std::fs::write(dir.path().join("deep_in.py"), python_for(&path, &[])).expect("write");
    let script = format!(
        r#"
import deep_in as m
classes = [c for c in vars(m).values() if isinstance(c, type) and issubclass(c, m.BaseModel) and c is not m.BaseModel]
assert len(classes) == {classes}, len(classes)
# The innermost 100 levels, validated through the classes that hold them.
leaf = [c for c in classes if "n" in c.model_fields and c.model_fields["n"].annotation is str][0]
value = '"x"'
for _ in range(100):
    value = '{{"n":' + value + '}}'
chain = leaf
for _ in range(99):
    chain = [c for c in classes if "n" in c.model_fields and c.model_fields["n"].annotation is chain][0]
chain.model_validate_json(value)
print("ok")
"#,
        classes = DEPTH + 1
    );
    assert_eq!(run_python(&python, dir.path(), &script).trim(), "ok");
}

/// Random documents of the property tests (every type, random nesting, hostile names,
/// descriptions and defaults): every module imports, and the `ast` check finds only data and
/// the fixed run helpers. One Python process for all of them.
#[test]
fn random_hostile_documents_give_modules_that_import_and_declare_data() {
    use proptest::strategy::{Strategy, ValueTree};
    let Some(python) = python_tools("the random Python module check") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut modules = Vec::new();
    for i in 0..64 {
        let doc = crate::properties::document()
            .new_tree(&mut runner)
            .expect("a document")
            .current();
        let bytes = serde_json::to_vec(&doc).expect("serializable");
        let info = cozegen::load_slice(&bytes, "random.json").expect("loads");
        let (workflow, _) = cozegen::build(&info, &Default::default()).expect("builds");
        for node in [cozegen::ir::Node::Input, cozegen::ir::Node::Output] {
            let options = cozegen::emit::python::PythonOptions {
                node,
                run_helpers: true,
            };
            let code = cozegen::emit::python::render(&workflow, &options).expect("renders");
            assert_eq!(
                code,
                cozegen::emit::python::render(&workflow, &options).expect("renders"),
                "deterministic"
            );
            let path = dir.path().join(format!("random_{i}_{}.py", node.name()));
            std::fs::write(&path, code).expect("write");
            modules.push(path);
        }
    }
    let names: Vec<String> = modules.iter().map(|p| stem(p)).collect();
    let out = Command::new(&python)
        .arg("-c")
        .arg(
            "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n",
        )
        .args(&names)
        .current_dir(dir.path())
        .output()
        .expect("run python");
    assert!(out.status.success(), "{}", stderr(&out));
    let mut references = Vec::new();
    for (doc, extra) in [
        ("arrays", &[][..]),
        ("arrays", &["--node", "output"][..]),
        ("no_inputs", &[][..]),
        ("no_inputs", &["--node", "output"][..]),
    ] {
        let path = dir
            .path()
            .join(format!("reference_{}.py", references.len()));
        let source = root().join(format!("tests/corpus/{doc}.json"));
        std::fs::write(&path, python_for(&source, extra)).expect("write");
        references.push(path);
    }
    let check = data_only(&python, &references, &modules);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}
