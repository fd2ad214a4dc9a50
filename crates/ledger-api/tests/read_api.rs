//! The public read API over the demo ledger, in process: what a reader sees, and that no
//! input makes it answer 500.

mod demo_fixture;

use actix_web::http::{header, StatusCode};
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use actix_web::web;
use ledger_api::{test_app, AppState};
use serde_json::Value;

macro_rules! app {
    ($demo:expr) => {{
        let state = web::Data::new(AppState::new($demo.ledger.clone()).expect("state"));
        init_service(test_app(state)).await
    }};
}

async fn get_json<B: actix_web::body::MessageBody>(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    uri: &str,
) -> (StatusCode, Value) {
    let response = call_service(app, TestRequest::get().uri(uri).to_request()).await;
    let status = response.status();
    let body = read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn the_demo_result_reads_as_the_libraries_saw_it() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let (status, result) = get_json(&app, "/v1/rounds/r-2023-05/result").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(result["status"], "closed");
    assert_eq!(result["outcome"], "adopted");
    assert_eq!(result["certified"], true);
    assert_eq!(result["cast"]["libraries"], 190);
    let share = &result["yes_share_of_represented_inhabitants"];
    assert_eq!(share["percent_rounded"], "92");
    assert_eq!(
        share["denominator"], result["cast"]["inhabitants"],
        "abstentions are represented: the base is every vote cast"
    );
    assert_eq!(share["numerator"], result["yes"]["inhabitants"]);
    let parts: u64 = ["yes", "no", "abstain"]
        .iter()
        .map(|c| result[c]["inhabitants"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(parts), result["cast"]["inhabitants"].as_u64());
}

#[actix_web::test]
async fn the_proposal_timeline_shows_every_step_in_log_order() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let (status, proposal) = get_json(&app, "/v1/proposals/p-2023-ibl-microsubsidies").await;
    assert_eq!(status, StatusCode::OK);
    let steps: Vec<&str> = proposal["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "filed",
            "in_vote",
            "voted",
            "certified",
            "advice_sent",
            "government_decided"
        ]
    );
    let positions: Vec<u64> = proposal["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["position"].as_u64().unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
}

#[actix_web::test]
async fn lists_paginate_and_time_travel() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let mut seen = Vec::new();
    let mut uri = "/v1/libraries?limit=97".to_owned();
    loop {
        let (status, page) = get_json(&app, &uri).await;
        assert_eq!(status, StatusCode::OK);
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(next) => uri = format!("/v1/libraries?limit=97&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 300);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "every library once, in id order");

    // As of the round's opening nobody had voted yet.
    let (_, round) = get_json(&app, "/v1/rounds/r-2023-05").await;
    let opened = round["opened_position"].as_u64().unwrap();
    let (status, past) = get_json(
        &app,
        &format!("/v1/rounds/r-2023-05/result?at={}", opened + 1),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(past["status"], "open");
    assert_eq!(past["outcome"], "pending");
    assert_eq!(past["cast"]["libraries"], 0);
    let (status, before) = get_json(&app, &format!("/v1/rounds/r-2023-05?at={opened}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{before}");
}

#[actix_web::test]
async fn etags_come_from_the_head_and_304_saves_the_body() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let first = call_service(&app, TestRequest::get().uri("/v1/rounds").to_request()).await;
    let tag = first.headers().get(header::ETAG).unwrap().clone();
    let head = demo.ledger.head();
    assert!(tag
        .to_str()
        .unwrap()
        .starts_with(&format!("\"{}-", head.length)));
    let again = call_service(
        &app,
        TestRequest::get()
            .uri("/v1/rounds")
            .insert_header((header::IF_NONE_MATCH, tag))
            .to_request(),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(read_body(again).await.is_empty());
}

#[actix_web::test]
async fn csv_files_follow_rfc_4180() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let response = call_service(
        &app,
        TestRequest::get()
            .uri("/v1/rounds/r-2023-05/votes.csv")
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response
        .headers()
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = String::from_utf8(read_body(response).await.to_vec()).unwrap();
    assert!(body.ends_with("\r\n"));
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "library",
            "name",
            "choice",
            "inhabitants",
            "ballots",
            "position",
            "recorded_at",
            "remark"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 190);
    assert!(
        rows.iter().any(|r| r[4] == *"2"),
        "changed votes show two ballots"
    );

    let response = call_service(
        &app,
        TestRequest::get()
            .uri("/v1/rounds/r-2023-05/result.csv")
            .to_request(),
    )
    .await;
    let body = String::from_utf8(read_body(response).await.to_vec()).unwrap();
    let yes = body.lines().find(|l| l.contains(",yes,")).unwrap();
    assert!(
        yes.starts_with("r-2023-05,closed,adopted,true,yes,"),
        "{yes}"
    );
    assert!(
        yes.ends_with(&format!(",{}", ledger_demo::scenario::ROUND_TITLE)),
        "the round's title: {yes}"
    );
}

#[actix_web::test]
async fn errors_are_problem_json_and_nothing_answers_500() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let cases: &[(&str, u16)] = &[
        ("/v1/libraries/nope", 404),
        ("/v1/proposals/%00%ff", 404),
        ("/v1/rounds/r-2023-05/votes?after=zz", 400),
        ("/v1/rounds/r-2023-05/votes?after=2f2f", 400),
        ("/v1/rounds/r-2023-05/remarks?after=-1", 400),
        ("/v1/libraries?limit=501", 400),
        ("/v1/libraries?limit=-1", 400),
        ("/v1/libraries?limit=99999999999999999999", 400),
        ("/v1/libraries?at=99999999", 400),
        ("/v1/libraries?unknown=1", 400),
        ("/v1/events?after=abc", 400),
        ("/v1/events?after=18446744073709551615", 400),
        ("/v1/events/18446744073709551615", 404),
        ("/v1/events/-3", 400),
        ("/v1/events?bytes=hex", 400),
        ("/v1/events?bytes=", 400),
        ("/v1/digest?from=10&to=5", 400),
        ("/v1/digest?to=999999999", 400),
        ("/v1/rounds/none/votes.csv", 404),
        ("/no/such/route", 404),
    ];
    for (uri, expected) in cases {
        let response = call_service(&app, TestRequest::get().uri(uri).to_request()).await;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = serde_json::from_slice(&read_body(response).await).unwrap_or(Value::Null);
        assert_eq!(status, *expected, "{uri}: {body}");
        assert_eq!(
            content_type.as_deref(),
            Some("application/problem+json"),
            "{uri}"
        );
        assert!(body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:governance-ledger:problem:")));
        assert_eq!(body["status"], *expected);
    }
}

#[actix_web::test]
async fn the_raw_log_pages_through_every_record_with_its_hash() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let head = demo.ledger.head();
    let mut after: Option<String> = None;
    let mut count = 0u64;
    let mut prev = "0".repeat(64);
    loop {
        let uri = match &after {
            Some(a) => format!("/v1/events?limit=500&after={a}"),
            None => "/v1/events?limit=500".to_owned(),
        };
        let (_, page) = get_json(&app, &uri).await;
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["position"], count);
            assert_eq!(item["prev_hash"], prev.as_str());
            prev = item["hash"].as_str().unwrap().to_owned();
            count += 1;
        }
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_owned()),
            None => break,
        }
    }
    assert_eq!(count, head.length);
    assert_eq!(prev, head.hash.to_hex());
}

#[actix_web::test]
async fn the_raw_log_pages_through_every_record_with_its_stored_bytes_on_request() {
    use base64::Engine;
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let head = demo.ledger.head();

    // Without the option the items carry no bytes: the default page stays as it was.
    let (status, plain) = get_json(&app, "/v1/events?limit=3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(plain["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|item| item.get("bytes").is_none()));

    let mut after: Option<String> = None;
    let mut count = 0u64;
    loop {
        let uri = match &after {
            Some(a) => format!("/v1/events?limit=500&bytes=base64&after={a}"),
            None => "/v1/events?limit=500&bytes=base64".to_owned(),
        };
        let (status, page) = get_json(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {page}");
        for item in page["items"].as_array().unwrap() {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(item["bytes"].as_str().expect("bytes in base64"))
                .expect("standard base64");
            // The bytes are the stored record: they hash to the item's hash and are the
            // store's own bytes at that position.
            assert_eq!(
                ledger_core::record::record_hash(&bytes).to_hex(),
                item["hash"].as_str().unwrap()
            );
            let stored = demo.ledger.record(count).unwrap().unwrap();
            assert_eq!(bytes, stored.bytes);
            count += 1;
        }
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_owned()),
            None => break,
        }
    }
    assert_eq!(count, head.length);
}

#[actix_web::test]
async fn the_digest_groups_changes_by_proposal() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let (_, round) = get_json(&app, "/v1/rounds/r-2023-05").await;
    let opened = round["opened_position"].as_u64().unwrap();
    let (status, digest) = get_json(&app, &format!("/v1/digest?from={opened}")).await;
    assert_eq!(status, StatusCode::OK);
    let proposals = digest["proposals"].as_array().unwrap();
    // The May 2023 proposal, filed before the round opened, and the demo's try-out,
    // filed after the history.
    assert_eq!(proposals.len(), 2);
    assert_eq!(proposals[0]["proposal"], "p-2023-ibl-microsubsidies");
    assert_eq!(proposals[0]["new"], false);
    assert_eq!(
        proposals[1]["proposal"],
        ledger_demo::scenario::TRIAL_PROPOSAL
    );
    assert_eq!(proposals[1]["new"], true);
}

#[actix_web::test]
async fn any_origin_may_read() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let response = call_service(
        &app,
        TestRequest::get()
            .uri("/v1/rounds/r-2023-05/result")
            .insert_header((header::ORIGIN, "https://bibliotheek.example"))
            .to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let allowed = response
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        matches!(
            allowed.as_deref(),
            Some("*") | Some("https://bibliotheek.example")
        ),
        "{allowed:?}"
    );
}
