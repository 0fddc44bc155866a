//! Generates `$OUT_DIR/order_intake.rs` from the bundled WorkflowInfo.

use std::path::Path;

fn main() {
    let input = "workflow/order_intake.json";
    println!("cargo::rerun-if-changed={input}");
    let out = Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("order_intake.rs");
    let build = cozegen::BuildOptions {
        input_type_name: Some("OrderInput".to_owned()),
        ..Default::default()
    };
    match cozegen::generate_rust_file(input, &out, &build, &Default::default()) {
        Ok(warnings) => {
            for warning in warnings {
                println!("cargo::warning={warning}");
            }
        }
        Err(e) => panic!("cozegen could not generate {}: {e}", out.display()),
    }
}
