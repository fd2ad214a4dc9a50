//! Reads of the past (`?at=N`, the log as it was when it held N records, and
//! `/v1/digest`): every answer equals a fresh fold of that many records, the retained
//! models stay within their bound, and what a client over its limit or over the digest's
//! cap sees, with the ledger left exactly as it was.
//!
//! This file must never compare against the server's own fold: references are folded
//! here from the store's per-position reads.

mod demo_fixture;
mod vote_fill;

use actix_web::http::{header, StatusCode};
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use actix_web::web;
use ledger_api::history::History;
use ledger_api::ratelimit::RateLimit;
use ledger_api::{test_app, AppState};
use ledger_projections::{Digest, ReadModel};
use ledger_store::Ledger;
use proptest::prelude::*;
use serde_json::Value;

/// The model after each prefix of the log: `models[n]` has folded `n` records.
fn reference_models(ledger: &Ledger) -> Vec<ReadModel> {
    let mut model = ReadModel::new();
    let mut models = vec![model.clone()];
    for (sealed, event) in vote_fill::reference_records(ledger) {
        model.apply(&sealed, &event);
        models.push(model.clone());
    }
    models
}

#[test]
fn every_past_model_equals_a_fresh_fold_and_few_are_kept() {
    let demo = demo_fixture::demo_ledger();
    let ledger = &demo.ledger;
    let length = ledger.head().length;
    let models = reference_models(ledger);
    assert!(
        length > 200,
        "the demo log should be long enough for checkpoints"
    );
    let max_checkpoints = 4;
    let config = ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    };
    proptest!(config, |(positions in proptest::collection::vec(0..=length, 1..16))| {
        // A fresh history per case: the order of reads changes what is retained.
        let history = History::with_spacing(16, max_checkpoints);
        for &at in &positions {
            let model = history.model_at(ledger, at).expect("past model");
            prop_assert_eq!(model.position(), at);
            prop_assert!(*model == models[at as usize], "model at {} differs", at);
            let kept = history.checkpoint_positions();
            let spacing = history.spacing(length);
            prop_assert!(kept.len() as u64 <= max_checkpoints, "kept {:?}", kept);
            prop_assert!(kept.iter().all(|p| p % spacing == 0 && *p <= length), "kept {:?}", kept);
        }
    });
}

#[test]
fn warming_keeps_the_checkpoints_and_the_spacing_grows_with_the_log() {
    let demo = demo_fixture::demo_ledger();
    let length = demo.ledger.head().length;
    let history = History::with_spacing(16, 4);
    history.warm(&demo.ledger).expect("warm");
    let spacing = history.spacing(length);
    assert!(
        spacing > 16,
        "a log of {length} records outgrows 4 checkpoints 16 apart"
    );
    assert!(length / spacing <= 4 && length / (spacing / 2) > 4);
    let expected: Vec<u64> = (1..=length / spacing).map(|k| k * spacing).collect();
    assert_eq!(history.checkpoint_positions(), expected);
    // A short log keeps the smallest spacing.
    assert_eq!(history.spacing(63), 16);
}

async fn get<B: actix_web::body::MessageBody>(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    uri: &str,
    client: &str,
) -> (StatusCode, Option<String>, Value) {
    let request = TestRequest::get()
        .uri(uri)
        .peer_addr(client.parse().expect("address"))
        .to_request();
    let response = call_service(app, request).await;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .map(|v| v.to_str().expect("ascii").to_owned());
    let body = read_body(response).await;
    (
        status,
        retry_after,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

const RESULT: &str = "/v1/rounds/r-2023-05/result";

#[actix_web::test]
async fn at_is_a_record_count_and_one_beyond_the_length_is_refused_saying_so() {
    let demo = demo_fixture::demo_ledger();
    let ledger = &demo.ledger;
    let head = ledger.head();
    let models = reference_models(ledger);
    let app = init_service(test_app(web::Data::new(
        AppState::new(ledger.clone()).expect("state"),
    )))
    .await;
    let round = ledger_core::RoundId::new("r-2023-05");
    let opened = models[head.length as usize].rounds()[&round].opened_position;
    // Before the round was opened it did not exist.
    let (status, _, _) = get(&app, &format!("{RESULT}?at={opened}"), "10.0.0.1:5000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for at in [opened + 1, (opened + head.length) / 2, head.length - 1] {
        let (status, _, body) = get(&app, &format!("{RESULT}?at={at}"), "10.0.0.1:5000").await;
        assert_eq!(status, StatusCode::OK, "at={at}: {body}");
        let want = serde_json::to_value(models[at as usize].round_result(&round)).expect("json");
        assert_eq!(body, want, "at={at}");
    }
    let (status, _, at_head) = get(
        &app,
        &format!("{RESULT}?at={}", head.length),
        "10.0.0.1:5000",
    )
    .await;
    let (_, _, now) = get(&app, RESULT, "10.0.0.1:5000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(at_head, now, "at equal to the length is the head");
    let (status, _, problem) = get(
        &app,
        &format!("{RESULT}?at={}", head.length + 1),
        "10.0.0.1:5000",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["type"], "urn:governance-ledger:problem:bad-request");
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("record count") && detail.contains(&format!("holds {}", head.length)),
        "{detail}"
    );
    assert_eq!(ledger.head(), head);
}

#[actix_web::test]
async fn a_client_over_its_past_read_limit_gets_429_and_nothing_changes() {
    let demo = demo_fixture::demo_ledger();
    let ledger = &demo.ledger;
    let head = ledger.head();
    let state = AppState::new(ledger.clone())
        .expect("state")
        .with_past_limit(RateLimit {
            burst: 3,
            interval: std::time::Duration::from_secs(3600),
        });
    let app = init_service(test_app(web::Data::new(state))).await;
    let past = format!("{RESULT}?at={}", head.length - 1);
    for _ in 0..3 {
        let (status, _, _) = get(&app, &past, "10.0.0.1:5000").await;
        assert_eq!(status, StatusCode::OK);
    }
    for uri in [
        past.as_str(),
        "/v1/digest?from=10&to=20",
        "/v1/proposals?at=5",
    ] {
        let (status, retry_after, problem) = get(&app, uri, "10.0.0.1:5001").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{uri}");
        assert_eq!(
            problem["type"],
            "urn:governance-ledger:problem:too-many-requests"
        );
        assert_eq!(problem["status"], 429);
        assert_eq!(retry_after.as_deref(), Some("3600"), "{uri}");
    }
    // Reads at the head are not limited, and another client has its own bucket.
    for _ in 0..10 {
        let (status, _, _) = get(&app, RESULT, "10.0.0.1:5000").await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = get(&app, &past, "10.0.0.2:5000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ledger.head(), head);
}

#[actix_web::test]
async fn a_digest_covers_at_most_ten_thousand_records() {
    let filled = vote_fill::filled(10_100);
    let ledger = &filled.ledger;
    let head = ledger.head();
    let app = init_service(test_app(web::Data::new(
        AppState::new(ledger.clone()).expect("state"),
    )))
    .await;
    let (status, _, problem) = get(&app, "/v1/digest?from=0&to=10001", "10.0.0.1:5000").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        problem["type"],
        "urn:governance-ledger:problem:range-too-large"
    );
    let detail = problem["detail"].as_str().expect("detail");
    assert!(
        detail.contains("10001 records") && detail.contains("10000"),
        "{detail}"
    );
    assert_eq!(ledger.head(), head);
    // Without `from`, the digest covers the last ten thousand records before `to`.
    let (status, _, digest) = get(&app, "/v1/digest", "10.0.0.1:5000").await;
    assert_eq!(status, StatusCode::OK, "{digest}");
    assert_eq!(digest["from"], head.length - 10_000);
    assert_eq!(digest["to"], head.length);
    let records = vote_fill::reference_records(ledger);
    let want = Digest::from_log(&records, head.length - 10_000, head.length).expect("digest");
    assert_eq!(digest, serde_json::to_value(&want).expect("json"));
    // Exactly ten thousand is served.
    let (status, _, digest) = get(&app, "/v1/digest?from=50&to=10050", "10.0.0.1:5000").await;
    assert_eq!(status, StatusCode::OK);
    let want = Digest::from_log(&records, 50, 10_050).expect("digest");
    assert_eq!(digest, serde_json::to_value(&want).expect("json"));
    assert_eq!(ledger.head(), head);
}
