//! Uses the structs that `import_workflow!` generated at compile time: reads an order's
//! parameters as JSON, checks them by deserializing, builds a request in code, and reads a run's
//! output. No build.rs: editing `workflow/order_intake.json` rebuilds the crate by itself.
#![deny(warnings)]

/// The start node: the `parameters` of a run.
mod order {
    cozegen_macros::import_workflow!("workflow/order_intake.json", type_name = "OrderInput");
}

/// The end node: what a run returns, with an extra derive.
mod order_output {
    cozegen_macros::import_workflow!(
        "workflow/order_intake.json",
        node = output,
        output_type_name = "OrderOutput",
        derive = [Eq, Hash],
    );
}

use order::{
    CozeFile, OrderInput, OrderInputCustomer, OrderInputCustomerAddress, OrderInputLinesItem,
};
use order_output::OrderOutput;

const SAMPLE: &str = r#"{
  "customer": {"name": "Grace Hopper", "address": {"street": "42 Harbor Road", "city": "Arlington"}},
  "lines": [{"sku": "BOOK-001", "qty": 2, "gift_wrap": true}],
  "deliver_at": "2025-07-01 09:30:00",
  "invoice": "https://example.com/po-1234.pdf"
}"#;

fn main() {
    let input: OrderInput = serde_json::from_str(SAMPLE).expect("the sample fits the workflow");
    println!("{input:#?}");

    // Built in code: `new` takes the required parameters, in order; an optional one stays out
    // of the request unless its `with_…` setter gives it.
    let address = OrderInputCustomerAddress::new("1 Main St".to_owned(), "Springfield".to_owned());
    let built = OrderInput::new(
        OrderInputCustomer::new("Ada".to_owned(), address),
        vec![OrderInputLinesItem::new(
            "SKU-1".to_owned(),
            OrderInputLinesItem::default_qty(),
        )],
    )
    .with_priority(OrderInput::default_priority())
    .with_invoice(CozeFile::file_id("7351234567890").expect("an upload id"));
    println!("{}", serde_json::to_string(&built).expect("serializes"));

    // The body of a run (`POST /v1/workflow/run`), for whichever HTTP client the program uses.
    let request = order::RunRequest::new(&built);
    println!("{}", serde_json::to_string(&request).expect("serializes"));

    // A run's answer: `data` is JSON text holding the end node's variables.
    let answer = r#"{"code": 0, "msg": "", "data": "{\"order_id\": \"A-17\", \"eta\": \"2025-07-02 10:00:00\"}"}"#;
    let output: OrderOutput = order_output::parse_run_answer(answer)
        .expect("the run's output")
        .output;
    println!("{output:?}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_sample_round_trips() {
        let input: OrderInput = serde_json::from_str(SAMPLE).expect("deserializes");
        let back = serde_json::to_value(&input).expect("serializes");
        let original: serde_json::Value = serde_json::from_str(SAMPLE).expect("JSON");
        assert_eq!(back, original);
    }

    #[test]
    fn built_inputs_send_only_what_was_given() {
        let address = OrderInputCustomerAddress::new("s".to_owned(), "c".to_owned())
            .with_postcode("12345".to_owned());
        let built = OrderInput::new(
            OrderInputCustomer::new("A".to_owned(), address),
            vec![OrderInputLinesItem::new("X".to_owned(), 2).with_gift_wrap(true)],
        )
        .with_notes("ring twice".to_owned());
        assert_eq!(
            serde_json::to_value(&built).expect("serializes"),
            serde_json::json!({
                "customer": {"name": "A", "address": {"street": "s", "city": "c", "postcode": "12345"}},
                "lines": [{"sku": "X", "qty": 2, "gift_wrap": true}],
                "notes": "ring twice"
            })
        );
        // `new` is what serde reads from the required parameters alone.
        let read: OrderInputLinesItem =
            serde_json::from_str(r#"{"sku": "X", "qty": 2}"#).expect("deserializes");
        assert_eq!(read, OrderInputLinesItem::new("X".to_owned(), 2));
    }

    #[test]
    fn a_missing_required_parameter_is_an_error() {
        let err = serde_json::from_str::<OrderInput>(r#"{"lines": []}"#).expect_err("no customer");
        assert!(err.to_string().contains("customer"), "{err}");
    }

    #[test]
    fn an_unknown_parameter_is_an_error() {
        let err = serde_json::from_str::<OrderInput>(
            r#"{"customer": {"name": "A", "address": {"street": "s", "city": "c"}}, "lines": [], "prioriti": 1}"#,
        )
        .expect_err("a typo");
        assert!(err.to_string().contains("prioriti"), "{err}");
    }

    #[test]
    fn the_output_takes_the_extra_derives() {
        let a: OrderOutput = serde_json::from_str(r#"{"order_id": "A-17"}"#).expect("output");
        let b = a.clone();
        // Eq and Hash, as asked with `derive = [Eq, Hash]`.
        assert_eq!(HashSet::from([a, b]).len(), 1);
    }

    #[test]
    fn the_run_request_is_the_body_coze_takes() {
        let input: OrderInput = serde_json::from_str(SAMPLE).expect("deserializes");
        let request = order::RunRequest {
            workflow_version: Some("v0.0.5"),
            ..order::RunRequest::new(&input)
        };
        let body = serde_json::to_value(request).expect("serializes");
        assert_eq!(body["workflow_id"], order::WORKFLOW_ID);
        assert_eq!(body["workflow_version"], "v0.0.5");
        assert_eq!(body["parameters"]["lines"][0]["qty"], 2);
        assert!(body.get("bot_id").is_none(), "unset options are left out");
    }

    #[test]
    fn a_run_answer_reads_into_the_output_or_names_what_failed() {
        let ok =
            order_output::parse_run_answer(r#"{"code": 0, "data": "{\"order_id\": \"A-17\"}"}"#)
                .expect("an answer");
        assert_eq!(ok.output.order_id.as_deref(), Some("A-17"));
        let refused = order_output::parse_run_answer(
            r#"{"code": 4200, "msg": "Workflow not published", "detail": {"logid": "L1"}}"#,
        )
        .expect_err("a Coze error");
        assert_eq!(
            refused.to_string(),
            "Coze error 4200: \"Workflow not published\" (logid L1)"
        );
        let shape = order_output::parse_output(r#"{"eta": "tomorrow"}"#).expect_err("a time");
        assert!(shape.to_string().contains("at `eta`"), "{shape}");
    }

    #[test]
    fn an_invalid_time_in_the_output_is_an_error() {
        let err = serde_json::from_str::<OrderOutput>(r#"{"eta": "tomorrow"}"#).expect_err("time");
        assert!(err.to_string().contains("tomorrow"), "{err}");
    }
}
