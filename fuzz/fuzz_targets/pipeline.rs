//! Any bytes through the loader, the IR builder and every emitter: nothing may panic, whatever
//! loads must render, every default the IR keeps must pass the rules `validate` runs, and the
//! Rust module cozegen writes must parse.
#![no_main]

use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::emit::{html, ir_json, rust, typescript};
use cozegen::ir::Node;
use cozegen::{BuildOptions, build, load_slice};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(info) = load_slice(data, "fuzz") else { return };
    let Ok((workflow, _)) = build(&info, &BuildOptions::default()) else { return };
    for types in [&workflow.input, &workflow.output] {
        for object in &types.objects {
            for field in &object.fields {
                if let Some(default) = field.default {
                    let text = types.value_json(default);
                    let value: cozegen::json::Deep = text.parse().expect("defaults are JSON");
                    let problems = cozegen::ir::rules::check_value(types, &field.ty, value.value());
                    assert!(problems.is_empty(), "default {text} of {}: {problems:?}", field.name);
                }
            }
        }
    }
    for draft in [Draft::Draft2020_12, Draft::Draft07] {
        let options = SchemaOptions { draft, ..SchemaOptions::default() };
        json_schema::render(&workflow, &options).expect("schema renders");
    }
    for node in [Node::Input, Node::Output] {
        typescript::render(&workflow, &typescript::TsOptions { node, ..Default::default() }).expect("ts renders");
        cozegen::emit::zod::render(&workflow, node).expect("zod renders");
    }
    ir_json::render(&workflow).expect("ir renders");
    let code = rust::render(&workflow, &rust::RustOptions::default()).expect("rust renders");
    // Deeply nested generic types recurse in syn; the harness gives it room of its own.
    let parsed = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(s, || syn::parse_file(&code).map(drop))
            .expect("thread")
            .join()
            .expect("no panic")
    });
    if let Err(e) = parsed {
        panic!("the Rust output does not parse: {e}\n{code}");
    }
    for options in [
        html::HtmlOptions::default(),
        html::HtmlOptions { fragment: true, ..Default::default() },
    ] {
        html::render(&workflow, &options).expect("html renders");
    }
});
