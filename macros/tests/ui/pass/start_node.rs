// The start node's types, named after the workflow, with everything `cozegen rust` writes:
// defaults as functions, the time and file newtypes, closed objects.
mod order {
    cozegen_macros::import_workflow!("workflows/order_intake.json");
}

fn main() {
    let input: order::OrderIntakeInput = serde_json::from_str(
        r#"{"customer": {"name": "A", "address": {"street": "s", "city": "c"}},
            "lines": [{"sku": "X", "qty": 2}], "deliver_at": "2025-07-01 09:30:00"}"#,
    )
    .unwrap();
    assert_eq!(input.lines[0].qty, 2);
    // Coze fills only top-level defaults, so `qty` is required; its default is a function.
    assert_eq!(order::OrderIntakeInputLinesItem::default_qty(), 1);
    assert_eq!(order::OrderIntakeInput::default_priority(), 3);
    let when: &order::CozeTime = input.deliver_at.as_ref().unwrap();
    assert_eq!(when.as_str(), "2025-07-01 09:30:00");
    assert!(serde_json::from_str::<order::OrderIntakeInput>(r#"{"lines": [], "x": 1}"#).is_err());
    // Built in code: `new` takes the required parameters in order, the setters the optional ones.
    let built = order::OrderIntakeInput::new(
        order::OrderIntakeInputCustomer::new(
            "A".to_owned(),
            order::OrderIntakeInputCustomerAddress::new("s".to_owned(), "c".to_owned()),
        ),
        vec![order::OrderIntakeInputLinesItem::new("X".to_owned(), 2)],
    )
    .with_deliver_at(order::CozeTime::new("2025-07-01 09:30:00").unwrap());
    assert_eq!(built, input);
}
