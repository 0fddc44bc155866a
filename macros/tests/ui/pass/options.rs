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

// run_helpers = false: no `WORKFLOW_ID` or `RunRequest`, so the module may declare its own.
mod plain {
    cozegen_macros::import_workflow!("workflows/order_intake.json", run_helpers = false);

    pub const WORKFLOW_ID: u8 = 0;
    pub struct RunRequest;
}

fn main() {
    let _ = (plain::WORKFLOW_ID, plain::RunRequest);
    // The run helpers are there by default.
    let input: input::OrderInput = serde_json::from_str(
        r#"{"customer": {"name": "A", "address": {"street": "s", "city": "c"}}, "lines": []}"#,
    )
    .unwrap();
    let body = serde_json::to_value(input::RunRequest::new(&input)).unwrap();
    assert_eq!(body["workflow_id"], input::WORKFLOW_ID);
    let answer = output::parse_run_answer(r#"{"code": 0, "data": "{\"order_id\": \"A-1\"}"}"#).unwrap();
    assert_eq!(answer.output.order_id.as_deref(), Some("A-1"));
    // open_objects: an undeclared key is accepted.
    let open: input::OrderInput = serde_json::from_str(
        r#"{"customer": {"name": "A", "address": {"street": "s", "city": "c"}},
            "lines": [], "extra": true}"#,
    )
    .unwrap();
    // `new` leaves an open object without undeclared keys; they are its `extra` map.
    let address = input::OrderInputCustomerAddress::new("s".to_owned(), "c".to_owned());
    let mut built = input::OrderInput::new(input::OrderInputCustomer::new("A".to_owned(), address), vec![]);
    assert!(built.extra.is_empty());
    built.extra.insert("extra".to_owned(), serde_json::Value::Bool(true));
    assert_eq!(built, open);
    let a: output::OrderOutput = serde_json::from_str(r#"{"order_id": "A-1"}"#).unwrap();
    let b: output::OrderOutput = serde_json::from_str(r#"{"order_id": "A-2"}"#).unwrap();
    assert!(a < b);
    assert_eq!(std::collections::BTreeSet::from([a.clone(), a]).len(), 1);
}
