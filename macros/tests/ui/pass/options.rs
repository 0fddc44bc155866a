// Every option, a raw-string path, a trailing comma, and both nodes of one workflow.
mod input {
    cozegen_macros::import_workflow!(
        r"workflows/order_intake.json",
        type_name = "OrderInput",
        open_objects = true,
        deny_warnings = true,
    );
}

mod output {
    cozegen_macros::import_workflow!(
        "workflows/order_intake.json",
        node = output,
        output_type_name = "OrderOutput",
        derive = [Eq, Hash, PartialOrd, Ord],
    );
}

fn main() {
    // open_objects: an undeclared key is accepted.
    let _: input::OrderInput = serde_json::from_str(
        r#"{"customer": {"name": "A", "address": {"street": "s", "city": "c"}},
            "lines": [], "extra": true}"#,
    )
    .unwrap();
    let a: output::OrderOutput = serde_json::from_str(r#"{"order_id": "A-1"}"#).unwrap();
    let b: output::OrderOutput = serde_json::from_str(r#"{"order_id": "A-2"}"#).unwrap();
    assert!(a < b);
    assert_eq!(std::collections::BTreeSet::from([a.clone(), a]).len(), 1);
}
