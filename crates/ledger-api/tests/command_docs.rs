//! Every command is documented where people look: the served OpenAPI document gives
//! `POST /v1/commands` a `oneOf` with every `Command` variant, its required fields and
//! an example, and each example gets past the real parser over HTTP. A body that lacks
//! fields is refused naming all of them at once, and the log is left as it was.

mod write_fixture;

use std::collections::BTreeSet;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use ledger_api::test_app;
use serde_json::{json, Value};
use write_fixture::{fixture, post, Auth};

/// Every command the core documents: its `type` and its required fields.
fn core_variants() -> Vec<(String, BTreeSet<String>)> {
    ledger_core::command_docs::catalogue()
        .into_iter()
        .map(|doc| {
            let mut required: BTreeSet<String> = doc
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name.clone())
                .collect();
            required.insert("type".to_owned());
            (doc.type_name, required)
        })
        .collect()
}

/// Posts `body` with `token`, expects `status` as problem+json and returns the problem.
async fn refusal<S, B>(app: &S, token: &str, body: &[u8], status: u16) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = call_service(app, post(Auth::Bearer(token), body).to_request()).await;
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    serde_json::from_slice(&read_body(response).await).unwrap()
}

async fn served_document() -> Value {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let response = call_service(&app, TestRequest::get().uri("/openapi.json").to_request()).await;
    assert_eq!(response.status().as_u16(), 200);
    serde_json::from_slice(&read_body(response).await).unwrap()
}

#[actix_web::test]
async fn the_request_body_is_a_one_of_every_command_with_its_required_fields_and_an_example() {
    let document = served_document().await;
    let body =
        &document["paths"]["/v1/commands"]["post"]["requestBody"]["content"]["application/json"];
    assert_eq!(
        body["schema"],
        json!({"$ref": "#/components/schemas/Command"})
    );
    let command = &document["components"]["schemas"]["Command"];
    let one_of = command["oneOf"].as_array().expect("a oneOf of commands");
    let variants = core_variants();
    assert_eq!(one_of.len(), variants.len());
    for (name, required) in &variants {
        let documented = one_of
            .iter()
            .find(|v| v["properties"]["type"]["enum"][0] == json!(name))
            .unwrap_or_else(|| panic!("{name} is not in the oneOf"));
        let documented_required: BTreeSet<String> = documented["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(&documented_required, required, "{name}");
        assert_eq!(documented["additionalProperties"], json!(false), "{name}");
        let example = &documented["examples"][0];
        assert_eq!(example["type"], json!(name), "{name}");
        assert_eq!(&body["examples"][name]["value"], example, "{name}");
        let parsed = ledger_core::command_docs::parse_command(example.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("the example of {name} does not parse: {e}"));
        assert_eq!(parsed.type_name(), name);
    }
    // Every reference in the command schemas resolves to a component.
    let text = command.to_string();
    for reference in text.split("\"$ref\":\"").skip(1) {
        let target = reference.split('"').next().unwrap();
        let name = target.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            document["components"]["schemas"].get(name).is_some(),
            "{target} does not resolve"
        );
    }
    // Ids carry their limits.
    let vote = one_of
        .iter()
        .find(|v| v["properties"]["type"]["enum"][0] == json!("cast_vote"))
        .unwrap();
    assert_eq!(vote["properties"]["round"]["maxLength"], json!(128));
    assert_eq!(vote["properties"]["round"]["minLength"], json!(1));
}

#[test]
fn the_command_schemas_take_no_name_the_read_side_uses() {
    let (_, definitions) = ledger_core::command_docs::openapi_schemas();
    let read_side =
        serde_json::to_value(<ledger_api::openapi::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
    for name in definitions.keys().chain(["Command".to_owned()].iter()) {
        assert!(
            read_side["components"]["schemas"].get(name).is_none(),
            "{name} is both a command schema and a read-side schema"
        );
    }
}

#[actix_web::test]
async fn every_documented_example_gets_past_the_parser() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    for doc in ledger_core::command_docs::catalogue() {
        let request = post(
            Auth::Bearer(&f.tokens.secretariat),
            doc.example.to_string().as_bytes(),
        );
        let response = call_service(&app, request.to_request()).await;
        let status = response.status().as_u16();
        let body = String::from_utf8_lossy(&read_body(response).await).into_owned();
        assert_ne!(status, 400, "{}: {body}", doc.type_name);
        assert!(status < 500, "{}: {status} {body}", doc.type_name);
    }
}

#[actix_web::test]
async fn a_body_missing_fields_is_refused_naming_all_of_them_and_nothing_is_written() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let head = f.ledger.head();
    let body =
        br#"{"type": "record_government_decision", "decision": "d-1", "verdict": "approved"}"#;
    let problem = refusal(&app, &f.tokens.secretariat, body, 400).await;
    assert_eq!(
        problem["detail"],
        json!("the body is not a command: `record_government_decision`: missing fields `advice`, `amount_cents_per_year`, `period_start`, `period_end`, `document_reference`, `document_blake3`")
    );
    assert_eq!(f.ledger.head(), head);
}

#[actix_web::test]
async fn an_unknown_proposal_is_refused_with_a_reason_that_names_the_proposal() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let head = f.ledger.head();
    let body = br#"{"type": "withdraw_proposal", "proposal": "p-nowhere", "reason": "Replaced"}"#;
    let problem = refusal(&app, &f.tokens.secretariat, body, 422).await;
    assert_eq!(problem["reason"], json!("unknown_proposal"));
    assert_eq!(
        problem["rejection"],
        json!({"reason": "unknown_proposal", "kind": "proposal", "id": "p-nowhere"})
    );
    assert_eq!(problem["detail"], json!("unknown proposal p-nowhere"));
    assert_eq!(f.ledger.head(), head);
}

#[actix_web::test]
async fn a_budget_has_one_name_in_the_command_the_view_and_the_event() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let request = post(
        Auth::Bearer(&f.tokens.secretariat),
        br#"{"type": "file_proposal", "proposal": "p-words", "title": "E-books", "text": "One collection.", "budget_cents_per_year": 1234}"#,
    );
    let response = call_service(&app, request.to_request()).await;
    assert_eq!(response.status().as_u16(), 201);
    let receipt: Value = serde_json::from_slice(&read_body(response).await).unwrap();
    let get = |uri: String| {
        let app = &app;
        async move {
            let response = call_service(app, TestRequest::get().uri(&uri).to_request()).await;
            assert_eq!(response.status().as_u16(), 200, "{uri}");
            serde_json::from_slice::<Value>(&read_body(response).await).unwrap()
        }
    };
    let view = get("/v1/proposals/p-words".to_owned()).await;
    assert_eq!(view["budget_cents_per_year"], json!(1234), "{view}");
    assert!(view.get("budget_per_year_cents").is_none(), "{view}");
    let event = get(format!("/v1/events/{}", receipt["positions"][0])).await;
    assert_eq!(event["type"], json!("proposal_filed"), "{event}");
    assert_eq!(
        event["body"]["budget_cents_per_year"],
        json!(1234),
        "{event}"
    );
    assert!(event["body"].get("budget_per_year").is_none(), "{event}");
    // JSON written before the rename (an old export) still reads as the same event.
    let tagged = json!({"type": event["type"], "body": event["body"]});
    let now: ledger_core::Event = serde_json::from_value(tagged.clone()).unwrap();
    let mut old = tagged;
    let body = old["body"].as_object_mut().unwrap();
    let budget = body.remove("budget_cents_per_year").unwrap();
    body.insert("budget_per_year".to_owned(), budget);
    let before: ledger_core::Event = serde_json::from_value(old).unwrap();
    assert_eq!(before, now);
}
