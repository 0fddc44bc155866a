//! Uses the structs that build.rs generated: reads an order's parameters as JSON, checks them by
//! deserializing, and prints them back as the `parameters` of a Coze workflow run.
#![deny(warnings)]

mod order {
    include!(concat!(env!("OUT_DIR"), "/order_intake.rs"));
}

use order::{
    CozeFile, OrderInput, OrderInputCustomer, OrderInputCustomerAddress, OrderInputLinesItem,
};

const SAMPLE: &str = include_str!("../sample.json");

fn main() {
    let input: OrderInput = serde_json::from_str(SAMPLE).expect("sample.json fits the workflow");
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
    let parameters = serde_json::to_string(&built).expect("serializes");
    println!("{parameters}");
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn files_are_sent_as_coze_expects() {
        assert_eq!(
            serde_json::to_string(&CozeFile::file_id("42").expect("an id")).expect("serializes"),
            r#""{\"file_id\":\"42\"}""#
        );
        assert_eq!(
            serde_json::to_string(&CozeFile::url("https://example.com/a.pdf").expect("a URL"))
                .expect("serializes"),
            r#""https://example.com/a.pdf""#
        );
    }

    #[test]
    fn the_run_request_sends_the_parameters_as_an_object() {
        let input: OrderInput = serde_json::from_str(SAMPLE).expect("deserializes");
        let request = order::RunRequest {
            app_id: Some("7442086830000"),
            ..order::RunRequest::with_workflow_id("7350583675492399001", &input)
        };
        let body = serde_json::to_value(request).expect("serializes");
        let original: serde_json::Value = serde_json::from_str(SAMPLE).expect("JSON");
        assert_eq!(
            body,
            serde_json::json!({"workflow_id": "7350583675492399001", "parameters": original,
                               "app_id": "7442086830000"})
        );
    }

    #[test]
    fn values_that_break_the_workflow_rules_are_refused() {
        assert!(CozeFile::url("not a url").is_err());
        assert!(CozeFile::file_id("").is_err());
        let null_email = r#"{"customer": {"name": "A", "email": null,
            "address": {"street": "s", "city": "c"}}, "lines": []}"#;
        assert!(serde_json::from_str::<OrderInput>(null_email).is_err());
        let bad_time = SAMPLE.replace("2025-07-01 09:30:00", "2025-07-01 9:30");
        assert!(serde_json::from_str::<OrderInput>(&bad_time).is_err());
    }
}
