//! A chatflow's generated module has its chat request: the user's message in
//! `additional_messages`, the other parameters (no `USER_INPUT`) in `parameters`.
#![deny(warnings)]

mod trip {
    cozegen_macros::import_workflow!("tests/workflows/chatflow.json");
}

use trip::{ChatMessage, ChatRequest, TripAdvisorInput};

#[test]
fn a_chatflow_gets_a_chat_request_with_its_id_app_and_message() {
    let parameters = TripAdvisorInput {
        conversation_name: None,
        city: "Paris".to_owned(),
        days: Some(5),
    };
    let request = ChatRequest::new("When should I go?", parameters);
    assert_eq!(
        serde_json::to_value(&request).expect("serializes"),
        serde_json::json!({
            "workflow_id": "7507120000000091219",
            "app_id": "7493481000000008294",
            "additional_messages": [
                {"role": "user", "content": "When should I go?", "content_type": "text"}
            ],
            "parameters": {"city": "Paris", "days": 5}
        })
    );
    let back: ChatRequest =
        serde_json::from_value(serde_json::to_value(&request).expect("value")).expect("reads");
    assert_eq!(back, request);
    assert_eq!(
        back.additional_messages,
        [ChatMessage::user("When should I go?")]
    );
    // USER_INPUT is no parameter: the input type refuses it like any undeclared key.
    let refused = serde_json::from_str::<TripAdvisorInput>(r#"{"city":"Paris","USER_INPUT":"hi"}"#);
    assert!(refused.is_err());
}
