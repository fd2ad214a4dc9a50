//! A small ledger with every role, and bearer tokens for it, for the write API's tests.
//!
//! The clock is pinned inside the first round's window, so every time rule gives the same
//! answer on every run. Commands are written as the JSON a client sends.

#![allow(dead_code)]

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::test::TestRequest;
use actix_web::web;
use ledger_api::AppState;
use ledger_core::{ActorId, Command, CommandId, Envelope, LibraryId, Role, Timestamp};
use ledger_store::{Durability, Ledger, LedgerOptions, TokenBook, TokenSelector};
use serde_json::{json, Value};

/// The fixture ledger's origin.
pub const ORIGIN: &str = "test.example/ledger";

/// `command` as `actor` signs it with its demo key under command id `id` (sent as the
/// Idempotency-Key), for the commands authors sign.
pub fn signed_by(actor: &str, id: &str, command: &Value) -> Value {
    let signed = ledger_demo::keys::signed_in(
        ORIGIN,
        actor,
        &CommandId::new(id),
        self::command(command.clone()),
    );
    serde_json::to_value(signed).expect("JSON")
}

/// The pinned "now" of the fixture's ledger.
pub const NOW: &str = "2023-05-10T12:00:00Z";

/// The bearer tokens of the fixture.
pub struct Tokens {
    /// `sec` as secretariat.
    pub secretariat: String,
    /// `m1` as steering-group member.
    pub member: String,
    /// `acc-a` as library `lib-a`.
    pub library_a: String,
    /// `acc-a` (who votes for `lib-a` only) with a token for `lib-b`.
    pub library_b_of_acc_a: String,
    /// `sec` (secretariat in the log) with a token for library `lib-a`.
    pub secretariat_as_library: String,
    /// `ghost`, secretariat by token but never granted anything in the log.
    pub ghost: String,
    /// `ghost-lib`, library `lib-a` by token but never granted anything in the log.
    pub ghost_library: String,
    /// A secretariat token of `sec` that was revoked.
    pub revoked: String,
}

/// A ledger with a running round, the API state over it, and tokens.
pub struct Fixture {
    pub ledger: Ledger,
    pub state: web::Data<AppState>,
    pub tokens: Tokens,
    pub dir: tempfile::TempDir,
}

/// A command from its JSON form.
pub fn command(value: Value) -> Command {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"))
}

fn now() -> Timestamp {
    Timestamp::parse_rfc3339(NOW).expect("NOW parses")
}

/// Builds the fixture:
/// - `sec` secretariat, `m1` steering member;
/// - libraries `lib-a` (1000 inhabitants) and `lib-b` (500), accounts `acc-a`, `acc-b`;
/// - proposals `p-1` and `p-2`; round `r-1` open on `p-1` until a week after [`NOW`],
///   one signature certifies; `acc-b` voted yes for `lib-b`.
pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = LedgerOptions {
        clock: Arc::new(now),
        // Durability has its own tests in ledger-store; these test the HTTP contract.
        durability: Durability::None,
    };
    let ledger = Ledger::init(dir.path(), ORIGIN, ActorId::new("sec"), options).expect("init");
    let steps = [
        (
            "sec",
            json!({"type": "grant_role", "actor": "m1", "role": "steering_member"}),
        ),
        (
            "sec",
            json!({"type": "register_library", "library": "lib-a", "name": "Bibliotheek A", "municipalities": ["11002"], "inhabitants": 1000}),
        ),
        (
            "sec",
            json!({"type": "register_library", "library": "lib-b", "name": "Bibliotheek B", "municipalities": ["11001"], "inhabitants": 500}),
        ),
        (
            "sec",
            json!({"type": "grant_role", "actor": "acc-a", "role": {"library": "lib-a"}}),
        ),
        (
            "sec",
            json!({"type": "grant_role", "actor": "acc-b", "role": {"library": "lib-b"}}),
        ),
        (
            "sec",
            json!({"type": "file_proposal", "proposal": "p-1", "title": "Digital services", "text": "Spend the micro-subsidies centrally.", "budget_cents_per_year": 20_000_000}),
        ),
        (
            "sec",
            json!({"type": "file_proposal", "proposal": "p-2", "title": "Second proposal", "text": "Another one.", "budget_cents_per_year": 100_000}),
        ),
        (
            "sec",
            json!({"type": "open_round", "round": "r-1", "proposal": "p-1", "opens_at": "2023-05-08T09:00:00Z", "closes_at": "2023-05-17T09:00:00Z", "rule": {"signatures_required": 1}, "signed_votes": "optional"}),
        ),
        (
            "acc-b",
            json!({"type": "cast_vote", "round": "r-1", "library": "lib-b", "choice": "yes"}),
        ),
    ];
    for (i, (actor, value)) in steps.into_iter().enumerate() {
        ledger
            .append(Envelope {
                command_id: CommandId::new(format!("setup-{i}")),
                actor: ActorId::new(actor),
                expected_version: None,
                command: command(value),
            })
            .unwrap_or_else(|e| panic!("setup step {i}: {e:?}"));
    }
    // m1's author key (the demo's public, demo-only key): certifications must be signed.
    let id = CommandId::new("setup-key-m1");
    ledger
        .append(Envelope {
            command_id: id.clone(),
            actor: ActorId::new("m1"),
            expected_version: None,
            command: ledger_demo::keys::registration_in(ORIGIN, "m1", &id).expect("demo key"),
        })
        .expect("m1's key");
    let book = TokenBook::open(dir.path()).expect("token book");
    let issue = |actor: &str, role: Role| {
        book.issue(&ActorId::new(actor), &role, now())
            .expect("issue")
    };
    let library = |id: &str| Role::Library(LibraryId::new(id));
    let tokens = Tokens {
        secretariat: issue("sec", Role::Secretariat),
        member: issue("m1", Role::SteeringMember),
        library_a: issue("acc-a", library("lib-a")),
        library_b_of_acc_a: issue("acc-a", library("lib-b")),
        secretariat_as_library: issue("sec", library("lib-a")),
        ghost: issue("ghost", Role::Secretariat),
        ghost_library: issue("ghost-lib", library("lib-a")),
        revoked: issue("sec", Role::Secretariat),
    };
    book.revoke(&TokenSelector::Token(tokens.revoked.clone()), now())
        .expect("revoke");
    let state = web::Data::new(AppState::new(ledger.clone()).expect("state"));
    Fixture {
        ledger,
        state,
        tokens,
        dir,
    }
}

/// How a request authenticates.
#[derive(Clone, Copy, Debug)]
pub enum Auth<'a> {
    /// No Authorization header.
    Missing,
    /// `Authorization: Bearer <token>`.
    Bearer(&'a str),
    /// The raw header value.
    Raw(&'a [u8]),
}

/// `POST /v1/commands` with `body` as the payload.
pub fn post(auth: Auth<'_>, body: &[u8]) -> TestRequest {
    let request = TestRequest::post()
        .uri("/v1/commands")
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .set_payload(body.to_vec());
    match auth {
        Auth::Missing => request,
        Auth::Bearer(token) => {
            request.insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
        }
        Auth::Raw(bytes) => request.insert_header((
            header::AUTHORIZATION,
            HeaderValue::from_bytes(bytes).expect("header bytes"),
        )),
    }
}

/// Sends each `(token, command)` through `POST /v1/commands` in order and returns the
/// receipts; every one must be accepted (201). A `sign_certification` without a
/// `tally_digest` gets the one `/v1/rounds/{round}/result` shows at that moment, and is
/// signed with `m1`'s demo key (the fixture's member) under the Idempotency-Key
/// `cert-N`.
pub async fn submit_all<S, B>(app: &S, steps: Vec<(&str, Value)>) -> Vec<Value>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    use actix_web::test::{call_service, read_body};
    let json_of = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).unwrap_or(Value::Null);
    let mut receipts = Vec::new();
    for (token, mut body) in steps {
        if body["type"] == "sign_certification" && body["tally_digest"].is_null() {
            let uri = format!("/v1/rounds/{}/result", body["round"].as_str().unwrap_or(""));
            let response = call_service(app, TestRequest::get().uri(&uri).to_request()).await;
            let result = json_of(&read_body(response).await);
            body["tally_digest"] = result["tally_digest"].clone();
        }
        let mut request_key = None;
        if body["type"] == "sign_certification" && body["signature"].is_null() {
            let id = format!("cert-{}", receipts.len());
            body = signed_by("m1", &id, &body);
            request_key = Some(id);
        }
        let bytes = serde_json::to_vec(&body).expect("JSON");
        let mut request = post(Auth::Bearer(token), &bytes);
        if let Some(id) = request_key {
            request = request.insert_header(("Idempotency-Key", id));
        }
        let response = call_service(app, request.to_request()).await;
        let status = response.status().as_u16();
        let receipt = json_of(&read_body(response).await);
        assert_eq!(status, 201, "{body}: {receipt}");
        receipts.push(receipt);
    }
    receipts
}

/// The body of `GET uri` as text; the answer must be 200.
pub async fn get_text<S, B>(app: &S, uri: &str) -> String
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    use actix_web::test::{call_service, read_body};
    let response = call_service(app, TestRequest::get().uri(uri).to_request()).await;
    assert_eq!(response.status().as_u16(), 200, "GET {uri}");
    String::from_utf8(read_body(response).await.to_vec()).expect("UTF-8")
}

/// The whole log of `ledger` with its events, as the renderers fold it.
pub fn log(ledger: &Ledger) -> Vec<(ledger_core::Sealed, ledger_core::Event)> {
    ledger
        .records(0, usize::MAX)
        .expect("records")
        .into_iter()
        .map(|sealed| {
            let event = sealed.record.event().expect("event");
            (sealed, event)
        })
        .collect()
}
