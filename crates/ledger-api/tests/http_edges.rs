//! The HTTP edges, in process: links only from the configured public URL (never from
//! `Host` or forwarded headers), CSV cells a spreadsheet would run, control characters
//! and the bounds of the domain (ballots per library, the voting window) refused with
//! typed problems, a vote's history read page by page, HEAD, 405 with `Allow`, encoded
//! bodies (415), bounded error details, and problem+json for a refused CORS preflight.
//! Every refusal leaves the head exactly as it was.

mod write_fixture;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use ledger_api::ratelimit::RateLimit;
use ledger_api::{test_app_with, ServerConfig};
use serde_json::{json, Value};
use write_fixture::{fixture, post, Auth};

/// What a client sees of one answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json answer of `status` whose type ends with `:code`.
    fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.header(header::CONTENT_TYPE),
            "application/problem+json"
        );
        let body = self.json();
        assert_eq!(
            body["type"],
            format!("urn:governance-ledger:problem:{code}"),
            "{body}"
        );
        assert_eq!(body["status"], status);
        body
    }
}

async fn send<S, B>(app: &S, request: TestRequest) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_body(response).await;
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// A request with `method` (any token) to `uri`.
fn request(method: &str, uri: &str) -> TestRequest {
    let method = actix_web::http::Method::from_bytes(method.as_bytes()).expect("a method");
    TestRequest::default().method(method).uri(uri)
}

fn config(public_url: Option<&str>) -> ServerConfig {
    ServerConfig {
        rate_limit: RateLimit::per_second(0, 0),
        public_url: public_url.map(|u| u.parse().expect("a valid public URL")),
        ..ServerConfig::default()
    }
}

fn body(value: Value) -> Vec<u8> {
    serde_json::to_vec(&value).expect("JSON")
}

const EVIL_HEADERS: [(&str, &str); 5] = [
    ("host", "evil.example"),
    ("x-forwarded-host", "evil.example"),
    ("x-forwarded-proto", "javascript:alert(1)//"),
    ("forwarded", "host=evil.example;proto=javascript"),
    ("x-forwarded-for", "203.0.113.9"),
];

fn with_evil_headers(mut request: TestRequest) -> TestRequest {
    for (name, value) in EVIL_HEADERS {
        request = request.insert_header((name, value));
    }
    request
}

#[actix_web::test]
async fn page_and_feed_link_only_to_the_public_url_whatever_the_request_headers_say() {
    let f = fixture();
    let app = init_service(test_app_with(
        f.state.clone(),
        &config(Some("https://ledger.example.be/")),
    ))
    .await;
    for uri in ["/", "/?lang=en", "/v1/feed.atom"] {
        let plain = send(&app, TestRequest::get().uri(uri)).await;
        let forged = send(&app, with_evil_headers(TestRequest::get().uri(uri))).await;
        assert_eq!(plain.status, 200);
        assert_eq!(forged.status, 200);
        assert!(!forged.text.contains("evil"), "{uri} names the forged host");
        assert!(
            !forged.text.contains("javascript"),
            "{uri} took the forged scheme"
        );
        // Same bytes for the same ETag, so no cache in front can be poisoned.
        assert_eq!(plain.text, forged.text, "{uri}");
        assert_eq!(plain.header(header::ETAG), forged.header(header::ETAG));
    }
    let page = send(&app, TestRequest::get().uri("/")).await;
    assert!(page
        .text
        .contains("curl -s https://ledger.example.be/v1/log/key &gt; ledger.vkey"));
    let feed = send(&app, TestRequest::get().uri("/v1/feed.atom")).await;
    assert!(feed
        .text
        .contains("href=\"https://ledger.example.be/v1/feed.atom\""));
    assert!(feed
        .text
        .contains("href=\"https://ledger.example.be/v1/events/0\""));
}

#[actix_web::test]
async fn without_a_public_url_the_feed_links_relatively_and_the_page_shows_a_placeholder() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let page = send(&app, with_evil_headers(TestRequest::get().uri("/"))).await;
    assert!(page.text.contains("curl -s https://SERVER/v1/log/key"));
    assert!(!page.text.contains("evil"));
    let feed = send(
        &app,
        with_evil_headers(TestRequest::get().uri("/v1/feed.atom")),
    )
    .await;
    assert!(
        feed.text.contains("href=\"/v1/feed.atom\""),
        "{}",
        feed.text
    );
    assert!(feed.text.contains("href=\"/v1/events/0\""));
    assert!(!feed.text.contains("evil") && !feed.text.contains("javascript"));
}

#[actix_web::test]
async fn remarks_a_spreadsheet_would_run_are_neutralised_in_votes_csv() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let remark = "=HYPERLINK(\"http://evil.example\",\"klik\")";
    let vote = json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "no", "remark": remark});
    let answer = send(
        &app,
        post(Auth::Bearer(&f.tokens.library_a), &body(vote))
            .insert_header(("Idempotency-Key", "csv-1")),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let csv = send(&app, TestRequest::get().uri("/v1/rounds/r-1/votes.csv")).await;
    assert_eq!(csv.status, 200);
    let row = csv
        .text
        .lines()
        .find(|l| l.starts_with("lib-a,"))
        .expect("a row for lib-a");
    assert!(
        row.ends_with(r#","'=HYPERLINK(""http://evil.example"",""klik"")""#),
        "{row}"
    );
    assert!(!csv.text.contains(",=HYPERLINK"));
}

#[actix_web::test]
async fn control_characters_and_windows_beyond_the_bound_are_422_and_change_nothing() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let cases = [
        (
            &f.tokens.library_a,
            json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes", "remark": "ja\u{0}\u{7}\u{1b}[2J"}),
            "control_character",
        ),
        (
            &f.tokens.secretariat,
            json!({"type": "file_proposal", "proposal": "p-9", "title": "Twee\nregels", "text": "Tekst.", "budget_cents_per_year": 100}),
            "control_character",
        ),
        (
            &f.tokens.secretariat,
            json!({"type": "open_round", "round": "r-9", "proposal": "p-2", "closes_at": "9999-12-31T00:00:00Z"}),
            "window_too_long",
        ),
    ];
    for (i, (token, command, reason)) in cases.into_iter().enumerate() {
        let before = f.ledger.head();
        let answer = send(
            &app,
            post(Auth::Bearer(token), &body(command))
                .insert_header(("Idempotency-Key", format!("bad-{i}"))),
        )
        .await;
        let problem = answer.assert_problem(422, "rejected");
        assert_eq!(problem["reason"], reason, "{problem}");
        assert_eq!(f.ledger.head(), before, "case {i} changed the log");
    }
}

#[actix_web::test]
async fn closing_a_round_without_a_role_is_403_naming_both_roles_that_may_close() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let before = f.ledger.head();
    let answer = send(
        &app,
        post(
            Auth::Bearer(&f.tokens.library_a),
            &body(json!({"type": "close_round", "round": "r-1"})),
        )
        .insert_header(("Idempotency-Key", "close-1")),
    )
    .await;
    let problem = answer.assert_problem(403, "forbidden");
    let detail = problem["detail"].as_str().unwrap_or("");
    assert!(
        detail.contains("secretariat or steering_member"),
        "{detail}"
    );
    assert_eq!(
        problem["rejection"]["allowed"],
        json!(["secretariat", "steering_member"])
    );
    assert_eq!(f.ledger.head(), before);
}

#[actix_web::test]
async fn a_votes_history_is_paged_apart_from_the_current_ballot_and_revotes_are_bounded() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let max = ledger_core::MAX_BALLOTS_PER_LIBRARY;
    // All but the last allowed ballot straight into the store (HTTP would take long),
    // each with a long remark.
    let long_remark = "r".repeat(2_000);
    for i in 0..max - 1 {
        let choice = if i % 2 == 0 { "yes" } else { "no" };
        f.ledger
            .append(ledger_core::Envelope {
                command_id: ledger_core::CommandId::new(format!("prefill-{i}")),
                actor: ledger_core::ActorId::new("acc-a"),
                expected_version: None,
                command: write_fixture::command(json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": choice, "remark": long_remark})),
            })
            .unwrap_or_else(|e| panic!("ballot {i}: {e:?}"));
    }
    let last = json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "abstain", "remark": "Toch niet."});
    let answer = send(
        &app,
        post(Auth::Bearer(&f.tokens.library_a), &body(last))
            .insert_header(("Idempotency-Key", "vote-last")),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.text);
    let before = f.ledger.head();
    let one_more =
        json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes"});
    let answer = send(
        &app,
        post(Auth::Bearer(&f.tokens.library_a), &body(one_more))
            .insert_header(("Idempotency-Key", "vote-over")),
    )
    .await;
    let problem = answer.assert_problem(422, "rejected");
    assert_eq!(problem["reason"], "too_many_ballots");
    assert_eq!(problem["rejection"]["max"], max);
    assert_eq!(f.ledger.head(), before);
    // The round shows each current ballot with a count and the standing remarks only,
    // so its size does not grow with revotes.
    let round = send(&app, TestRequest::get().uri("/v1/rounds/r-1")).await;
    assert_eq!(round.status, 200);
    let detail = round.json();
    let vote = &detail["votes"]["lib-a"];
    assert_eq!(vote["ballots"], max);
    // r-1 is open without live results: the choice appears at the close.
    assert_eq!(vote["choice"], serde_json::Value::Null);
    assert_eq!(vote["remark"], "Toch niet.");
    assert!(vote.get("history").is_none(), "{vote}");
    assert_eq!(detail["remarks"].as_array().map(Vec::len), Some(1));
    assert!(
        round.text.len() < 10_000,
        "the round is {} bytes",
        round.text.len()
    );
    let page = send(&app, TestRequest::get().uri("/v1/rounds/r-1/votes?limit=1")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.len() < 1_000,
        "one vote is {} bytes",
        page.text.len()
    );

    // The history, a page at a time, oldest first, cursor = log position.
    let mut seen = Vec::new();
    let mut uri = "/v1/rounds/r-1/votes/lib-a/ballots?limit=500".to_owned();
    loop {
        let answer = send(&app, TestRequest::get().uri(&uri)).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let page = answer.json();
        let items = page["items"].as_array().expect("items").clone();
        assert!(items.len() <= 500);
        seen.extend(
            items
                .iter()
                .map(|b| b["position"].as_u64().expect("position")),
        );
        match page["next"].as_str() {
            Some(next) => {
                uri = format!("/v1/rounds/r-1/votes/lib-a/ballots?limit=500&after={next}")
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), max as usize);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    let unknown = send(
        &app,
        TestRequest::get().uri("/v1/rounds/r-1/votes/lib-x/ballots"),
    )
    .await;
    unknown.assert_problem(404, "not-found");
    let bad = send(
        &app,
        TestRequest::get().uri("/v1/rounds/r-1/votes/lib-a/ballots?after=x"),
    )
    .await;
    bad.assert_problem(400, "bad-request");
}

#[actix_web::test]
async fn head_answers_every_get_route_like_get() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    for uri in [
        "/",
        "/healthz",
        "/openapi.json",
        "/v1/libraries",
        "/v1/rounds",
        "/v1/rounds/r-1",
        "/v1/rounds/r-1/votes.csv",
        "/v1/rounds/r-1/result.svg",
        "/v1/feed.atom",
        "/v1/events/0",
        "/v1/log/checkpoint",
    ] {
        let get = send(&app, TestRequest::get().uri(uri)).await;
        let head = send(&app, request("HEAD", uri)).await;
        assert_eq!(get.status, 200, "GET {uri}");
        assert_eq!(head.status, 200, "HEAD {uri}: {}", head.text);
        assert_eq!(
            head.header(header::CONTENT_TYPE),
            get.header(header::CONTENT_TYPE),
            "HEAD {uri}"
        );
        assert_eq!(
            head.header(header::ETAG),
            get.header(header::ETAG),
            "HEAD {uri}"
        );
    }
    let missing = send(&app, request("HEAD", "/v1/rounds/r-404")).await;
    missing.assert_problem(404, "not-found");
}

#[actix_web::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let cases = [
        ("DELETE", "/v1/rounds/r-1", "GET, HEAD, OPTIONS"),
        ("PUT", "/", "GET, HEAD, OPTIONS"),
        ("POST", "/v1/log/tile/0/000", "GET, HEAD, OPTIONS"),
        ("GET", "/v1/commands", "POST, OPTIONS"),
        ("PATCH", "/v1/commands", "POST, OPTIONS"),
        ("HEAD", "/v1/commands", "POST, OPTIONS"),
    ];
    for (method, uri, allow) in cases {
        let before = f.ledger.head();
        let answer = send(&app, request(method, uri)).await;
        let problem = answer.assert_problem(405, "method-not-allowed");
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with(&format!("{method} is not allowed"))),
            "{problem}"
        );
        assert_eq!(answer.header(header::ALLOW), allow, "{method} {uri}");
        assert_eq!(f.ledger.head(), before);
    }
    let options = send(&app, request("OPTIONS", "/v1/rounds")).await;
    assert_eq!(options.status, 204);
    assert_eq!(options.header(header::ALLOW), "GET, HEAD, OPTIONS");
    let nowhere = send(&app, request("DELETE", "/v1/nowhere")).await;
    nowhere.assert_problem(404, "not-found");
}

#[actix_web::test]
async fn a_compressed_body_is_415_and_changes_nothing() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let before = f.ledger.head();
    let vote = json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes"});
    for encoding in ["gzip", "br", "deflate, gzip"] {
        let answer = send(
            &app,
            post(Auth::Bearer(&f.tokens.library_a), &body(vote.clone()))
                .insert_header(("Idempotency-Key", "gz-1"))
                .insert_header((header::CONTENT_ENCODING, encoding)),
        )
        .await;
        answer.assert_problem(415, "unsupported-content-encoding");
        assert_eq!(answer.header(header::ACCEPT_ENCODING), "identity");
        assert_eq!(f.ledger.head(), before);
    }
}

#[actix_web::test]
async fn a_huge_unknown_query_field_is_not_echoed_whole() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let field = "x".repeat(30_000);
    for uri in [
        format!("/v1/rounds?{field}=1"),
        format!("/v1/rounds/r-1/votes?{field}=1"),
    ] {
        let answer = send(&app, TestRequest::get().uri(&uri)).await;
        let problem = answer.assert_problem(400, "bad-request");
        let detail = problem["detail"].as_str().unwrap_or("");
        assert!(detail.chars().count() <= 301, "{} chars", detail.len());
        assert!(answer.text.len() < 1_000, "{} bytes", answer.text.len());
    }
}

#[actix_web::test]
async fn a_refused_cors_preflight_is_problem_json() {
    let f = fixture();
    let app = init_service(test_app_with(f.state.clone(), &config(None))).await;
    let answer = send(
        &app,
        request("OPTIONS", "/v1/commands")
            .insert_header((header::ORIGIN, "https://reader.example"))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "DELETE")),
    )
    .await;
    answer.assert_problem(400, "bad-request");
    // A good preflight still passes.
    let good = send(
        &app,
        request("OPTIONS", "/v1/commands")
            .insert_header((header::ORIGIN, "https://reader.example"))
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "POST")),
    )
    .await;
    assert_eq!(good.status, 200, "{}", good.text);
}
