//! `GET /v1/rounds/{id}/not-voted`: the eligible libraries without a vote, for the
//! secretariat's reminders while a round is open. It shrinks as libraries vote and names
//! each library with its id and frozen weight.
//!
//! This file must never read the store's state to check what a reader sees.

mod write_fixture;

use actix_web::test::{call_service, init_service, read_body, TestRequest};
use ledger_api::test_app;
use serde_json::{json, Value};
use write_fixture::{fixture, post, Auth};

#[actix_web::test]
async fn the_libraries_that_have_not_voted_are_listed_until_they_vote() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let get = |uri: &'static str| TestRequest::get().uri(uri).to_request();

    let response = call_service(&app, get("/v1/rounds/r-1/not-voted")).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = serde_json::from_slice(&read_body(response).await).unwrap();
    assert_eq!(
        body["items"],
        json!([{"library": "lib-a", "name": "Bibliotheek A", "inhabitants": 1000}]),
        "lib-b voted in the fixture, lib-a did not"
    );

    let vote = json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "no"});
    let response = call_service(
        &app,
        post(
            Auth::Bearer(&f.tokens.library_a),
            &serde_json::to_vec(&vote).unwrap(),
        )
        .to_request(),
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);

    let response = call_service(&app, get("/v1/rounds/r-1/not-voted")).await;
    let body: Value = serde_json::from_slice(&read_body(response).await).unwrap();
    assert_eq!(body["items"], json!([]), "everybody voted");

    let response = call_service(&app, get("/v1/rounds/r-404/not-voted")).await;
    assert_eq!(response.status().as_u16(), 404);
    let response = call_service(&app, get("/v1/rounds/r-1/not-voted?limit=0")).await;
    assert_eq!(response.status().as_u16(), 400);
}
