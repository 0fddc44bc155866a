//! Any bytes through the loader, the IR builder and every emitter: nothing may panic, and
//! whatever loads must render.
#![no_main]

use cozegen::emit::json_schema::{self, Draft, SchemaOptions};
use cozegen::emit::{Node, ir_json, typescript};
use cozegen::{BuildOptions, build, load_slice};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(info) = load_slice(data, "fuzz") else { return };
    let Ok((workflow, _)) = build(&info, &BuildOptions::default()) else { return };
    for draft in [Draft::Draft2020_12, Draft::Draft07] {
        let options = SchemaOptions { draft, ..SchemaOptions::default() };
        json_schema::render(&workflow, &options).expect("schema renders");
    }
    for node in [Node::Input, Node::Output] {
        typescript::render(&workflow, &typescript::TsOptions { node }).expect("ts renders");
    }
    ir_json::render(&workflow).expect("ir renders");
});
