//! No route writes without a valid token: every operation of the OpenAPI document that
//! is not a read answers 401 when called without one, and the log stays as it was.

mod write_fixture;

use actix_web::test::{call_service, init_service, read_body, TestRequest};
use ledger_api::openapi::ApiDoc;
use ledger_api::test_app;
use utoipa::OpenApi;
use write_fixture::fixture;

/// A concrete URI for a templated path: every `{param}` becomes `x`.
fn concrete(path: &str) -> String {
    let mut uri = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                uri.push('x');
            }
            _ if !in_param => uri.push(c),
            _ => {}
        }
    }
    uri
}

#[actix_web::test]
async fn every_operation_that_is_not_a_read_answers_401_without_a_token() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut writes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ![
                "get",
                "head",
                "options",
                "trace",
                "parameters",
                "summary",
                "description",
                "servers",
            ]
            .contains(&method.as_str())
            {
                writes.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    assert!(
        writes.contains(&("POST".to_owned(), "/v1/commands".to_owned())),
        "the document lists the write route: {writes:?}"
    );
    let head = f.ledger.head();
    for (method, path) in &writes {
        let method_value = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
        let request = TestRequest::default()
            .method(method_value)
            .uri(&concrete(path))
            .insert_header(("content-type", "application/json"))
            .set_payload(r#"{"type": "close_round", "round": "r-1"}"#)
            .to_request();
        let response = call_service(&app, request).await;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = read_body(response).await;
        assert_eq!(
            status,
            401,
            "{method} {path}: {}",
            String::from_utf8_lossy(&body)
        );
        assert_eq!(content_type, "application/problem+json", "{method} {path}");
        assert_eq!(f.ledger.head(), head, "{method} {path}");
    }
}

#[actix_web::test]
async fn the_write_operations_name_the_bearer_scheme() {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(
        doc["paths"]["/v1/commands"]["post"]["security"][0]["bearer"],
        serde_json::json!([])
    );
}
