//! Names instead of ids: a round's title, a member's display name and a document linked
//! to a proposal, as a reader meets them in the JSON views and on the public page (with
//! the warning a round opened without a quorum carries); and
//! the refusals that keep them honest (an address that is not http(s), an unknown actor).
//!
//! This file must never read the store's state to check what a reader sees.

mod write_fixture;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use ledger_api::test_app;
use serde_json::{json, Value};
use write_fixture::{fixture, post, submit_all, Auth};

async fn call<S, B>(app: &S, request: TestRequest) -> (u16, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let body = read_body(response).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn get_json<S, B>(app: &S, uri: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body) = call(app, TestRequest::get().uri(uri)).await;
    assert_eq!(status, 200, "GET {uri}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

const HASH: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

#[actix_web::test]
async fn titles_names_and_documents_show_beside_the_ids() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let t = &f.tokens;
    let steps: Vec<(&str, Value)> = vec![
        (
            &t.secretariat,
            json!({"type": "name_actor", "actor": "m1", "name": "An Peeters"}),
        ),
        (
            &t.member,
            json!({"type": "link_document", "subject": {"proposal": "p-1"}, "title": "Nota aan de stuurgroep",
                   "url": "https://bibliotheken.example/nota.pdf", "document_blake3": HASH}),
        ),
        (
            &t.secretariat,
            json!({"type": "open_round", "round": "r-2", "proposal": "p-2", "closes_at": "2023-05-17T09:00:00Z",
                   "title": "Stemronde mei 2023", "rule": {"signatures_required": 1}}),
        ),
        (
            &t.library_a,
            json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes"}),
        ),
        (
            &t.secretariat,
            json!({"type": "close_round", "round": "r-1"}),
        ),
        (
            &t.member,
            json!({"type": "sign_certification", "round": "r-1"}),
        ),
    ];
    submit_all(&app, steps).await;

    let round = get_json(&app, "/v1/rounds/r-2").await;
    assert_eq!(round["title"], "Stemronde mei 2023");
    let result = get_json(&app, "/v1/rounds/r-2/result").await;
    assert_eq!(result["title"], "Stemronde mei 2023");
    // Opened without a quorum: every result says so, in the JSON and on the page.
    let closed = get_json(&app, "/v1/rounds/r-1/result").await;
    assert_eq!(closed["warnings"], json!(["no_quorum"]), "{closed}");
    let untitled = get_json(&app, "/v1/rounds/r-1").await;
    assert!(untitled["title"].is_null(), "r-1 was opened without one");
    let proposal = get_json(&app, "/v1/proposals/p-1").await;
    assert_eq!(
        proposal["documents"][0]["url"],
        "https://bibliotheken.example/nota.pdf"
    );
    assert_eq!(proposal["documents"][0]["document_blake3"], HASH);

    let (status, page) = call(&app, TestRequest::get().uri("/?lang=en")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<strong>Stemronde mei 2023</strong>"),
        "round title, without the id: {page}"
    );
    assert!(
        page.contains("Vote round r-1"),
        "an untitled round keeps its id"
    );
    assert!(
        page.contains("An Peeters") && !page.contains("(m1)"),
        "the signer's name, not the account: {page}"
    );
    // A client that shows an actor id (the newsletter tool, over HTTP) asks for the name.
    let actor = get_json(&app, "/v1/actors/m1").await;
    assert_eq!(
        actor,
        json!({"actor": "m1", "name": "An Peeters", "roles": ["steering_member"]})
    );
    let (status, _) = call(&app, TestRequest::get().uri("/v1/actors/nobody")).await;
    assert_eq!(status, 404);
    // Before the grant and the name (only the initialisation), nobody by that id.
    let (status, _) = call(&app, TestRequest::get().uri("/v1/actors/m1?at=1")).await;
    assert_eq!(status, 404);
    assert!(
        page.contains("<a href=\"https://bibliotheken.example/nota.pdf\">"),
        "document link: {page}"
    );
    assert!(page.contains(HASH), "the document's hash");
    assert!(
        page.contains("<strong>Warning:</strong> This round was opened without a quorum"),
        "{page}"
    );
    assert!(
        page.contains("Rule: adopted when more than 50% of the represented inhabitants"),
        "the rule is printed with the result: {page}"
    );
}

#[actix_web::test]
async fn a_document_address_that_is_not_http_or_a_name_for_nobody_is_refused() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let t = &f.tokens;
    let before = f.ledger.head();
    let refused = [
        (
            json!({"type": "link_document", "subject": {"proposal": "p-1"}, "title": "x",
                   "url": "javascript:alert(1)", "document_blake3": HASH}),
            "invalid_url",
        ),
        (
            json!({"type": "link_document", "subject": {"sheet": "s-404"}, "title": "x",
                   "url": "https://bibliotheken.example/x.pdf", "document_blake3": HASH}),
            "unknown_sheet",
        ),
        (
            json!({"type": "link_document", "subject": {"proposal": "p-1"}, "title": "x",
                   "url": "https://bibliotheken.example/x.pdf", "document_blake3": "ABC"}),
            "invalid_document_hash",
        ),
        (
            json!({"type": "name_actor", "actor": "nobody", "name": "Niemand"}),
            "unknown_actor",
        ),
        (
            json!({"type": "name_actor", "actor": "m1", "name": "An\u{1b}[2J"}),
            "control_character",
        ),
        (
            json!({"type": "open_round", "round": "r-2", "proposal": "p-2",
                   "closes_at": "2023-05-17T09:00:00Z", "title": "Stemronde\u{7}"}),
            "control_character",
        ),
    ];
    for (body, reason) in refused {
        let bytes = serde_json::to_vec(&body).unwrap();
        let (status, answer) = call(&app, post(Auth::Bearer(&t.secretariat), &bytes)).await;
        assert_eq!(status, 422, "{body}: {answer}");
        let problem: Value = serde_json::from_str(&answer).expect("problem+json");
        assert_eq!(problem["reason"], reason, "{body}: {answer}");
        assert_eq!(f.ledger.head(), before, "{body} changed nothing");
    }
}
