//! What people read without an API client, served in process over the demo ledger: the
//! public page at `/`, the results infographic (SVG and PNG), and the Atom feed of
//! records.

mod demo_fixture;

use actix_web::http::{header, StatusCode};
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use actix_web::web;
use ledger_api::{test_app, AppState};

macro_rules! app {
    ($demo:expr) => {{
        let state = web::Data::new(AppState::new($demo.ledger.clone()).expect("state"));
        init_service(test_app(state)).await
    }};
}

/// GET `uri`: status, content type and body as text.
async fn get<B: actix_web::body::MessageBody>(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    uri: &str,
) -> (
    StatusCode,
    String,
    actix_web::http::header::HeaderMap,
    String,
) {
    let response = call_service(app, TestRequest::get().uri(uri).to_request()).await;
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = String::from_utf8(read_body(response).await.to_vec()).expect("UTF-8 body");
    (status, content_type, headers, body)
}

#[actix_web::test]
async fn the_page_shows_the_demo_result_in_dutch_and_in_english() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let (status, content_type, headers, page) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(page.contains("<html lang=\"nl-BE\">"));
    assert!(page.contains("190 van 300 bibliotheken stemden"));
    assert!(page.contains("92% stemde ja"));
    assert!(page.contains("Uitkomst: <strong>aangenomen</strong>"));
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(!page.contains("<script"), "the page needs no script");
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(headers.get(header::ETAG).is_some());
    // The checkpoint the page shows is the one the log serves.
    let (_, _, _, note) = get(&app, "/v1/log/checkpoint").await;
    let root = note.lines().nth(2).expect("a root line");
    assert!(
        page.contains(root),
        "the page shows the checkpoint root {root}"
    );

    let (status, _, headers, english) = get(&app, "/?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers
            .get(header::CONTENT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
        Some("en")
    );
    assert!(english.contains("190 of 300 libraries voted"));
    assert!(english.contains("92% voted yes"));
    assert!(english.contains("href=\"/?lang=nl\""));
}

#[actix_web::test]
async fn a_bad_language_or_parameter_is_a_problem_not_a_page() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    for uri in [
        "/?lang=fr",
        "/?colour=red",
        "/v1/rounds/r-2023-05/result.svg?lang=de",
    ] {
        let (status, content_type, _, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
    }
}

#[actix_web::test]
async fn the_infographic_is_the_golden_svg_of_the_demo_round() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ledger-report/tests/golden");
    for (uri, file) in [
        ("/v1/rounds/r-2023-05/result.svg", "result.r-2023-05.nl.svg"),
        (
            "/v1/rounds/r-2023-05/result.svg?lang=en",
            "result.r-2023-05.en.svg",
        ),
    ] {
        let (status, content_type, _, svg) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, "image/svg+xml; charset=utf-8");
        let expected = std::fs::read_to_string(golden.join(file)).expect("golden SVG");
        assert!(svg == expected, "{uri} differs from {file}");
    }
    let (status, content_type, _, _) = get(&app, "/v1/rounds/nope/result.svg").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type, "application/problem+json");
    // Time travel: before the first vote the round shows no votes at all.
    let (_, _, _, result) = get(&app, "/v1/rounds/r-2023-05").await;
    let opened: serde_json::Value = serde_json::from_str(&result).unwrap();
    let at = opened["opened_position"].as_u64().unwrap() + 1;
    let (status, _, _, early) =
        get(&app, &format!("/v1/rounds/r-2023-05/result.svg?at={at}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(early.contains("0 van 300 bibliotheken stemden"), "{early}");
}

#[actix_web::test]
async fn the_png_is_the_golden_png_of_the_demo_round() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ledger-report/tests/golden");
    for (uri, file) in [
        ("/v1/rounds/r-2023-05/result.png", "result.r-2023-05.nl.png"),
        (
            "/v1/rounds/r-2023-05/result.png?lang=en",
            "result.r-2023-05.en.png",
        ),
    ] {
        let response = call_service(&app, TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            "image/png"
        );
        assert!(response.headers().get(header::ETAG).is_some());
        let png = read_body(response).await;
        let expected = std::fs::read(golden.join(file)).expect("golden PNG");
        assert!(
            png.as_ref() == expected.as_slice(),
            "{uri} differs from {file}"
        );
    }
    let (status, content_type, _, _) = get(&app, "/v1/rounds/nope/result.png").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type, "application/problem+json");
    let (status, content_type, _, _) = get(&app, "/v1/rounds/r-2023-05/result.png?lang=de").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type, "application/problem+json");
}

#[actix_web::test]
async fn the_page_leads_with_the_may_2023_round_not_the_trial() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let (status, _, _, page) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    let h1 = page.find("<h1").expect("a heading");
    assert!(
        page[h1..].starts_with("<h1 id=\"r-r-2023-05\">Stemronde mei 2023"),
        "{}",
        &page[h1..h1 + 80]
    );
    assert!(page.find("Proefstemming").expect("the trial") > h1);
}

#[actix_web::test]
async fn the_feed_is_atom_and_each_entry_links_to_its_record() {
    let demo = demo_fixture::demo_ledger();
    let app = app!(demo);
    let (status, content_type, _, text) = get(&app, "/v1/feed.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/atom+xml; charset=utf-8");
    let feed: atom_syndication::Feed = text.parse().expect("the feed parses as Atom");
    let length = demo.ledger.head().length;
    assert_eq!(feed.entries().len(), 50);
    assert!(feed.id().starts_with("tag:demo.ledger.local,"));
    let mut previous = u64::MAX;
    for entry in feed.entries() {
        let link = entry
            .links()
            .iter()
            .find(|l| l.rel() == "alternate")
            .expect("an alternate link");
        let (_, path) = link
            .href()
            .split_once("/v1/events/")
            .expect("an event link");
        let position: u64 = path.parse().expect("a position");
        assert!(position < previous, "newest first");
        previous = position;
        // The link answers with the record, and the entry's id names its event id.
        let (status, _, _, record) = get(&app, &format!("/v1/events/{position}")).await;
        assert_eq!(status, StatusCode::OK);
        let record: serde_json::Value = serde_json::from_str(&record).unwrap();
        let event_id = record["event_id"].as_str().unwrap();
        assert!(
            entry.id().ends_with(&format!("/event/{event_id}")),
            "{}",
            entry.id()
        );
        assert_eq!(
            entry.updated().to_rfc3339(),
            chrono_like(&record["recorded_at"])
        );
    }
    assert_eq!(previous, length - 50, "the latest 50 records");

    let (_, _, _, few) = get(&app, "/v1/feed.atom?limit=3").await;
    let few: atom_syndication::Feed = few.parse().unwrap();
    assert_eq!(few.entries().len(), 3);
    for uri in [
        "/v1/feed.atom?limit=0",
        "/v1/feed.atom?limit=501",
        "/v1/feed.atom?x=1",
    ] {
        let (status, _, _, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
    }
}

/// The record's RFC 3339 time as chrono prints it (`+00:00` for `Z`).
fn chrono_like(value: &serde_json::Value) -> String {
    value.as_str().unwrap().replace('Z', "+00:00")
}
