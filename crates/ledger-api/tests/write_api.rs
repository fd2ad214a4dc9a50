//! The write API in process: who may issue which command (the authorization matrix),
//! idempotent retries, version conflicts, limits, and that no refused request changes
//! the log.

mod write_fixture;

use std::collections::BTreeSet;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use ledger_api::ratelimit::RateLimit;
use ledger_api::{test_app, test_app_with, ServerConfig};
use ledger_core::ActorId;
use ledger_store::{TokenBook, TokenSelector};
use serde_json::{json, Value};
use write_fixture::{fixture, post, Auth};

/// What a client sees of one answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    retry_after: Option<String>,
    challenge: Option<String>,
    body: Value,
}

async fn send<S, B>(app: &S, request: TestRequest) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = call_service(app, request.to_request()).await;
    let text = |name: header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let status = response.status().as_u16();
    let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
    let location = text(header::LOCATION);
    let retry_after = text(header::RETRY_AFTER);
    let challenge = text(header::WWW_AUTHENTICATE);
    let body = read_body(response).await;
    Answer {
        status,
        content_type,
        location,
        retry_after,
        challenge,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    }
}

async fn get<S, B>(app: &S, uri: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let answer = send(app, TestRequest::get().uri(uri)).await;
    assert_eq!(answer.status, 200, "GET {uri}: {}", answer.body);
    answer.body
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// Who a caller is for the commands that some role may issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    LibraryA,
    Secretariat,
    Member,
}

/// Every command type in the order the matrix sends them (each may build on the earlier
/// ones), with the callers that pass the role checks and the status they get. Every
/// other authenticated caller gets 403, every unauthenticated one 401.
const MATRIX: &[(&str, &[(Who, u16)])] = &[
    ("initialize_ledger", &[]),
    ("grant_role", &[(Who::Secretariat, 201)]),
    ("revoke_role", &[(Who::Secretariat, 201)]),
    ("name_actor", &[(Who::Secretariat, 201)]),
    ("register_library", &[(Who::Secretariat, 201)]),
    ("update_library", &[(Who::Secretariat, 201)]),
    ("retire_library", &[(Who::Secretariat, 201)]),
    (
        "file_proposal",
        &[(Who::Secretariat, 201), (Who::Member, 422)],
    ),
    (
        "amend_proposal",
        &[(Who::Secretariat, 201), (Who::Member, 201)],
    ),
    (
        "withdraw_proposal",
        &[(Who::Secretariat, 201), (Who::Member, 422)],
    ),
    (
        "link_document",
        &[(Who::Secretariat, 201), (Who::Member, 201)],
    ),
    ("open_round", &[(Who::Secretariat, 201)]),
    ("cast_vote", &[(Who::LibraryA, 201)]),
    ("change_voting_window", &[(Who::Secretariat, 201)]),
    (
        "close_round",
        &[(Who::Secretariat, 201), (Who::Member, 422)],
    ),
    ("annul_round", &[(Who::Secretariat, 201)]),
    ("sign_certification", &[(Who::Member, 201)]),
    ("send_advice", &[(Who::Secretariat, 201)]),
    ("record_government_decision", &[(Who::Secretariat, 201)]),
    ("supersede_advice", &[(Who::Secretariat, 201)]),
    ("amend_government_decision", &[(Who::Secretariat, 201)]),
    ("set_criteria", &[(Who::Member, 201)]),
    (
        "file_project_sheet",
        &[(Who::Secretariat, 201), (Who::Member, 422)],
    ),
    ("score_sheet", &[(Who::Member, 201)]),
    ("score_sheets", &[(Who::Member, 201)]),
    ("decide_priorities", &[(Who::Member, 201)]),
    ("issue_newsletter", &[(Who::Secretariat, 201)]),
    // Advice rests on the certification by now, so a member passes the role check and
    // meets the domain's refusal.
    ("withdraw_certification", &[(Who::Member, 422)]),
    // m1 rotates to a new key: the secretariat may register it on m1's behalf (with m1's
    // proof), then m1 finds it already in force; a library may not touch m1's key.
    (
        "register_author_key",
        &[(Who::Secretariat, 201), (Who::Member, 422)],
    ),
    // Revoked by the secretariat; m1's revocation then names a key no longer in force.
    (
        "revoke_author_key",
        &[(Who::Secretariat, 201), (Who::Member, 422)],
    ),
];

/// The key m1 rotates to in the matrix.
fn rotated_key() -> ledger_tlog::NoteSigner {
    ledger_tlog::NoteSigner::from_seed("m1", [5; 32]).unwrap()
}

/// The body of command `kind`; `library` is the library a vote names, `digest` the
/// tally digest a certification signs.
fn body(kind: &str, library: &str, digest: &str) -> Value {
    match kind {
        "initialize_ledger" => {
            json!({"type": kind, "origin": "evil.example/ledger", "secretariat": "mallory"})
        }
        "grant_role" | "revoke_role" => {
            json!({"type": kind, "actor": "m2", "role": "steering_member"})
        }
        "register_library" => {
            json!({"type": kind, "library": "lib-c", "name": "Bibliotheek C", "municipalities": ["11003"], "inhabitants": 700})
        }
        "update_library" => json!({"type": kind, "library": "lib-c", "inhabitants": 800}),
        "retire_library" => {
            json!({"type": kind, "library": "lib-c", "reason": "Merged into lib-a."})
        }
        "file_proposal" => {
            json!({"type": kind, "proposal": "p-3", "title": "Third", "text": "A third proposal.", "budget_cents_per_year": 5_000})
        }
        "amend_proposal" => json!({"type": kind, "proposal": "p-3", "title": "Third, amended"}),
        "withdraw_proposal" => json!({"type": kind, "proposal": "p-3", "reason": "Superseded."}),
        "open_round" => {
            json!({"type": kind, "round": "r-2", "proposal": "p-2", "closes_at": "2023-05-17T09:00:00Z", "rule": {"signatures_required": 1}})
        }
        "cast_vote" => {
            json!({"type": kind, "round": "r-1", "library": library, "choice": "yes", "remark": "Good idea."})
        }
        "close_round" => json!({"type": kind, "round": "r-1"}),
        "annul_round" => json!({"type": kind, "round": "r-2", "reason": "Opened by mistake."}),
        "sign_certification" => json!({"type": kind, "round": "r-1", "tally_digest": digest}),
        "send_advice" => {
            json!({"type": kind, "advice": "a-1", "round": "r-1", "recipient": "Vlaamse overheid", "text": "Spend it centrally."})
        }
        "record_government_decision" => json!({
            "type": kind, "decision": "d-1", "advice": "a-1", "verdict": "approved",
            "amount_cents_per_year": 20_000_000, "period_start": "2024-01-01", "period_end": "2028-12-31",
            "document_reference": "BO-2024", "document_blake3": "ab".repeat(32)
        }),
        "set_criteria" => {
            json!({"type": kind, "criteria": [{"id": "impact", "name": "Impact", "weight": 60}]})
        }
        "file_project_sheet" => {
            json!({"type": kind, "sheet": "s-1", "proposal": "p-1", "title": "E-books", "summary": "Central e-book lending.", "budget_cents_per_year": 1_000_000})
        }
        "score_sheet" => json!({"type": kind, "sheet": "s-1", "criterion": "impact", "score": 8}),
        "score_sheets" => json!({"type": kind, "scores": [
            {"sheet": "s-1", "criterion": "impact", "member": "m1", "score": 7}
        ]}),
        "decide_priorities" => json!({"type": kind, "ranking": ["s-1"]}),
        "issue_newsletter" => {
            json!({"type": kind, "newsletter": "n-1", "title": "Issue 1", "covers_from": 0, "covers_to": 1})
        }
        "name_actor" => json!({"type": kind, "actor": "m1", "name": "An Peeters"}),
        "link_document" => json!({
            "type": kind, "subject": {"proposal": "p-1"}, "title": "Note to the steering group",
            "url": "https://bibliotheken.example/note.pdf", "document_blake3": "ef".repeat(32)
        }),
        "change_voting_window" => {
            json!({"type": kind, "round": "r-1", "closes_at": "2023-05-20T09:00:00Z", "reason": "Extended after an outage."})
        }
        "supersede_advice" => {
            json!({"type": kind, "advice": "a-1", "text": "Spend it centrally, from 2024.", "reason": "The start year was missing."})
        }
        "amend_government_decision" => json!({
            "type": kind, "decision": "d-1", "verdict": "amended",
            "amount_cents_per_year": 18_000_000, "period_start": "2024-01-01", "period_end": "2028-12-31",
            "document_reference": "BO-2024 erratum", "document_blake3": "cd".repeat(32),
            "reason": "The government published an erratum."
        }),
        "withdraw_certification" => {
            json!({"type": kind, "round": "r-1", "reason": "A ballot was miscounted."})
        }
        // The proof is filled in by `sign` once the command id is known.
        "register_author_key" => {
            json!({"type": kind, "actor": "m1", "key": rotated_key().verifier().verifier_key(), "proof": ""})
        }
        "revoke_author_key" => json!({
            "type": kind, "actor": "m1", "key": rotated_key().verifier().verifier_key(),
            "reason": "Rotated in a test."
        }),
        other => panic!("no body for {other}"),
    }
}

/// `body` with what its author signs under command id `id`: a certification with m1's
/// demo key (registered in the fixture), a key registration with the rotated key's proof.
fn sign(mut body: Value, id: &str) -> Value {
    match body["type"].as_str() {
        Some("sign_certification") => write_fixture::signed_by("m1", id, &body),
        Some("register_author_key") => {
            let key = rotated_key();
            let statement = ledger_core::signature::key_statement(
                write_fixture::ORIGIN,
                &ledger_core::ActorId::new("m1"),
                &key.verifier().verifier_key(),
                id,
            );
            body["proof"] = ledger_core::signature::sign(&key, &statement)
                .unwrap()
                .into();
            body
        }
        _ => body,
    }
}

/// Every command type the domain knows, from the generated command schema.
fn command_types() -> BTreeSet<String> {
    let schema = serde_json::to_value(ledger_core::schema::envelope_schema()).unwrap();
    schema["definitions"]["Command"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| {
            variant["properties"]["type"]["enum"][0]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

struct Caller<'a> {
    name: &'static str,
    auth: Auth<'a>,
    /// The actor the log must show for an accepted command.
    actor: &'static str,
    /// Set for the callers that pass the role checks where the matrix says so.
    who: Option<Who>,
    /// The library this caller's vote names.
    votes_for: &'static str,
}

#[actix_web::test]
async fn every_command_against_every_caller_gets_its_status_and_refusals_change_nothing() {
    let f = fixture();
    // Some tokens send more than a burst here; the rate limit has its own test.
    let unlimited = ServerConfig {
        rate_limit: RateLimit::per_second(0, 0),
        ..ServerConfig::default()
    };
    let app = init_service(test_app_with(f.state.clone(), &unlimited)).await;
    let t = &f.tokens;
    let unauthenticated = |name, auth| Caller {
        name,
        auth,
        actor: "",
        who: None,
        votes_for: "lib-a",
    };
    let callers = [
        unauthenticated("no token", Auth::Missing),
        unauthenticated("`Bearer` alone", Auth::Raw(b"Bearer")),
        unauthenticated("`Basic`", Auth::Raw(b"Basic c2VjOnNlYw==")),
        unauthenticated("non-UTF-8 header", Auth::Raw(b"Bearer lgt_\xff\xfe")),
        unauthenticated(
            "unknown token",
            Auth::Bearer("lgt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ),
        unauthenticated("revoked token", Auth::Bearer(&t.revoked)),
        Caller {
            name: "ghost (token role never granted)",
            auth: Auth::Bearer(&t.ghost),
            actor: "ghost",
            who: None,
            votes_for: "lib-a",
        },
        Caller {
            name: "ghost library",
            auth: Auth::Bearer(&t.ghost_library),
            actor: "ghost-lib",
            who: None,
            votes_for: "lib-a",
        },
        Caller {
            name: "library A naming B",
            auth: Auth::Bearer(&t.library_a),
            actor: "acc-a",
            who: None,
            votes_for: "lib-b",
        },
        Caller {
            name: "acc-a with a token for lib-b",
            auth: Auth::Bearer(&t.library_b_of_acc_a),
            actor: "acc-a",
            who: None,
            votes_for: "lib-b",
        },
        Caller {
            name: "secretariat actor with a library token",
            auth: Auth::Bearer(&t.secretariat_as_library),
            actor: "sec",
            who: None,
            votes_for: "lib-a",
        },
        Caller {
            name: "library A",
            auth: Auth::Bearer(&t.library_a),
            actor: "acc-a",
            who: Some(Who::LibraryA),
            votes_for: "lib-a",
        },
        Caller {
            name: "secretariat",
            auth: Auth::Bearer(&t.secretariat),
            actor: "sec",
            who: Some(Who::Secretariat),
            votes_for: "lib-a",
        },
        Caller {
            name: "member",
            auth: Auth::Bearer(&t.member),
            actor: "m1",
            who: Some(Who::Member),
            votes_for: "lib-a",
        },
    ];
    let covered: BTreeSet<String> = MATRIX.iter().map(|(kind, _)| (*kind).to_owned()).collect();
    assert_eq!(
        covered,
        command_types(),
        "the matrix must name every command type"
    );

    let mut accepted = 0;
    for (kind, allowed) in MATRIX {
        for (c, caller) in callers.iter().enumerate() {
            let digest = if *kind == "sign_certification" {
                let result = get(&app, "/v1/rounds/r-1/result").await;
                result["tally_digest"].as_str().unwrap().to_owned()
            } else {
                String::new()
            };
            let authenticated = !matches!(caller.actor, "");
            let expected = match (authenticated, caller.who) {
                (false, _) => 401,
                (true, Some(who)) => allowed
                    .iter()
                    .find(|(w, _)| *w == who)
                    .map_or(403, |(_, status)| *status),
                (true, None) => 403,
            };
            let before = f.ledger.head();
            // Signed acts are signed over their command id, so the test chooses it.
            let id = format!("matrix-{kind}-{c}");
            let sent = sign(body(kind, caller.votes_for, &digest), &id);
            let request =
                post(caller.auth, &json_bytes(&sent)).insert_header(("Idempotency-Key", id));
            let answer = send(&app, request).await;
            let cell = format!("{kind} by {}", caller.name);
            assert_eq!(answer.status, expected, "{cell}: {}", answer.body);
            if expected == 201 {
                accepted += 1;
                assert!(f.ledger.head().length > before.length, "{cell} appended");
                assert_eq!(answer.body["replayed"], false, "{cell}");
                let location = answer.location.expect("Location");
                let first = get(&app, &location).await;
                assert_eq!(
                    first["actor"], caller.actor,
                    "{cell}: the token's actor acts"
                );
                assert_eq!(first["command_id"], answer.body["command_id"], "{cell}");
                assert_eq!(first["hash"], answer.body["hashes"][0], "{cell}");
            } else {
                assert_eq!(f.ledger.head(), before, "{cell} must not change the head");
                assert_eq!(answer.content_type, "application/problem+json", "{cell}");
                assert_eq!(answer.body["status"], expected, "{cell}");
                let kind_urn = answer.body["type"].as_str().unwrap_or_default();
                match expected {
                    401 => {
                        assert!(kind_urn.ends_with(":unauthorized"), "{cell}");
                        assert_eq!(answer.challenge.as_deref(), Some("Bearer"), "{cell}");
                    }
                    403 => assert!(kind_urn.ends_with(":forbidden"), "{cell}: {kind_urn}"),
                    _ => assert!(answer.body["reason"].is_string(), "{cell}: typed reason"),
                }
            }
        }
    }
    let expected_accepted = MATRIX
        .iter()
        .flat_map(|(_, allowed)| allowed.iter())
        .filter(|(_, status)| *status == 201)
        .count();
    assert_eq!(accepted, expected_accepted);
    // The round counted both votes and the member's signature certified it.
    let result = get(&app, "/v1/rounds/r-1/result").await;
    assert_eq!(result["certified"], true);
    assert_eq!(result["yes"]["libraries"], 2);
    assert_eq!(result["yes"]["inhabitants"], 1500);
}

#[actix_web::test]
async fn a_retry_with_the_same_key_gets_the_first_receipt_and_appends_once() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let vote = json_bytes(
        &json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "no"}),
    );
    let with_key = |token: &str, key: &str, body: &[u8]| {
        post(Auth::Bearer(token), body).insert_header(("Idempotency-Key", key.to_owned()))
    };
    let before = f.ledger.head();
    let first = send(&app, with_key(&f.tokens.library_a, "vote-a-1", &vote)).await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.body["command_id"], "vote-a-1");
    let position = first.body["positions"][0].as_u64().unwrap();
    assert_eq!(position, before.length);
    assert_eq!(
        first.location.as_deref(),
        Some(format!("/v1/events/{position}").as_str())
    );
    assert_eq!(first.body["hashes"][0], f.ledger.head().hash.to_hex());

    let again = send(&app, with_key(&f.tokens.library_a, "vote-a-1", &vote)).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["replayed"], true);
    for field in ["command_id", "positions", "hashes", "recorded_at"] {
        assert_eq!(again.body[field], first.body[field], "{field}");
    }
    assert_eq!(f.ledger.head().length, before.length + 1, "appended once");

    // The key is acc-a's: another command with it (a changed vote, another round) is
    // refused with a typed problem and writes nothing.
    let head = f.ledger.head();
    let yes = json_bytes(
        &json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes"}),
    );
    let other_round = json_bytes(
        &json!({"type": "cast_vote", "round": "r-9", "library": "lib-a", "choice": "no"}),
    );
    for body in [&yes, &other_round] {
        let reused = send(&app, with_key(&f.tokens.library_a, "vote-a-1", body)).await;
        assert_eq!(reused.status, 422, "{}", reused.body);
        assert_eq!(
            reused.body["type"],
            "urn:governance-ledger:problem:idempotency-key-reused"
        );
        assert_eq!(reused.body["title"], "Idempotency key reused");
        assert_eq!(reused.body["status"], 422);
        let detail = reused.body["detail"].as_str().unwrap();
        assert!(detail.contains("vote-a-1"), "{detail}");
        assert!(detail.contains("nothing was written"), "{detail}");
        assert_eq!(f.ledger.head(), head);
    }
    // The earlier vote stands: the last record is still it (r-1 shows no counts per
    // choice while it is open, so the log is where its choice is read).
    assert_eq!(f.ledger.head().length, position + 1);
    let record = get(&app, &format!("/v1/events/{position}")).await;
    assert_eq!(record["body"]["choice"], "no", "{record}");

    // Keys are scoped per actor: the secretariat's command with the same key is its own,
    // applied and stored as `sec/vote-a-1`; its retry gets its own receipt.
    let register = json_bytes(&json!({"type": "register_library", "library": "lib-c",
        "name": "Bibliotheek C", "municipalities": ["11003"], "inhabitants": 200}));
    let theirs = send(&app, with_key(&f.tokens.secretariat, "vote-a-1", &register)).await;
    assert_eq!(theirs.status, 201, "{}", theirs.body);
    assert_eq!(theirs.body["command_id"], "sec/vote-a-1");
    assert_eq!(theirs.body["positions"][0], head.length);
    let again = send(&app, with_key(&f.tokens.secretariat, "vote-a-1", &register)).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["hashes"], theirs.body["hashes"]);
    assert_eq!(f.ledger.head().length, head.length + 1);

    // Without a key every request is a new command with a server-chosen id.
    let fresh = send(&app, post(Auth::Bearer(&f.tokens.library_a), &vote)).await;
    assert_eq!(fresh.status, 201);
    assert!(fresh.body["command_id"]
        .as_str()
        .unwrap()
        .starts_with("api-"));
}

/// Found by schemathesis: the document stated `maxItems: 1000` for `score_sheets`'
/// `scores`, so a schema-driven client sent 1,001 rows of long ids, met the body limit
/// (413) instead of a refusal of the command, and flagged it. The document now states no
/// maximum the body limit would pre-empt; the domain still refuses more than 1,000 rows
/// with a typed 422 (when they fit in the body), naming the count, and writes nothing.
#[actix_web::test]
async fn a_score_sheet_over_the_row_limit_is_a_typed_refusal_and_the_document_promises_no_other() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let document = get(&app, "/openapi.json").await;
    let text = document.to_string();
    let scores = text
        .find("\"scores\":{")
        .map(|i| &text[i..(i + 400).min(text.len())])
        .expect("the scores field is documented");
    assert!(!scores.contains("maxItems"), "{scores}");

    let row = json!({"sheet": "s", "criterion": "c", "member": "m1", "score": 1});
    let body = json_bytes(&json!({"type": "score_sheets", "scores": vec![row; 1_001]}));
    assert!(body.len() < 64 * 1024, "fits in the body limit");
    let head = f.ledger.head();
    let answer = send(&app, post(Auth::Bearer(&f.tokens.member), &body)).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(answer.content_type, "application/problem+json");
    assert_eq!(answer.body["reason"], "score_count");
    assert_eq!(answer.body["rejection"]["got"], 1_001);
    assert_eq!(f.ledger.head(), head);
}

#[actix_web::test]
async fn if_match_guards_the_version_of_the_commands_stream() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    // round/r-1 holds round_opened and lib-b's vote.
    let vote = json_bytes(
        &json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes"}),
    );
    let with = |value: &str| {
        post(Auth::Bearer(&f.tokens.library_a), &vote)
            .insert_header((header::IF_MATCH, value.to_owned()))
    };
    let head = f.ledger.head();
    let stale = send(&app, with("\"1\"")).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(stale.content_type, "application/problem+json");
    assert!(stale.body["detail"]
        .as_str()
        .unwrap()
        .contains("holds 2 events"));
    let malformed = send(&app, with("W/\"2\"")).await;
    assert_eq!(malformed.status, 400);
    assert_eq!(f.ledger.head(), head);
    let current = send(&app, with("2")).await;
    assert_eq!(current.status, 201, "{}", current.body);
    let now_stale = send(&app, with("\"2\"")).await;
    assert_eq!(now_stale.status, 409);
}

#[actix_web::test]
async fn malformed_or_oversized_requests_are_refused_before_anything_is_written() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let token = Auth::Bearer(&f.tokens.secretariat);
    let head = f.ledger.head();
    let grant =
        json_bytes(&json!({"type": "grant_role", "actor": "m2", "role": "steering_member"}));
    let cases: Vec<(&str, TestRequest, u16)> = vec![
        ("not JSON", post(token, b"{not json"), 400),
        (
            "unknown command",
            post(token, br#"{"type": "seize_power"}"#),
            400,
        ),
        (
            "unknown field",
            post(
                token,
                br#"{"type": "close_round", "round": "r-1", "weight": 9}"#,
            ),
            400,
        ),
        (
            "an envelope instead of a command",
            post(
                token,
                &json_bytes(
                    &json!({"command_id": "c", "actor": "sec", "command": {"type": "close_round", "round": "r-1"}}),
                ),
            ),
            400,
        ),
        (
            "invalid Idempotency-Key",
            post(token, &grant).insert_header(("Idempotency-Key", "has space")),
            400,
        ),
        (
            "two Idempotency-Keys",
            post(token, &grant)
                .append_header(("Idempotency-Key", "k-1"))
                .append_header(("Idempotency-Key", "k-2")),
            400,
        ),
        (
            "body over 64 KiB",
            post(token, &vec![b' '; 64 * 1024 + 1]),
            413,
        ),
        (
            "body over 64 KiB without a token",
            post(Auth::Missing, &vec![b' '; 64 * 1024 + 1]),
            401,
        ),
        (
            "remark over 2,000 characters",
            post(
                Auth::Bearer(&f.tokens.library_a),
                &json_bytes(
                    &json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes", "remark": "é".repeat(2001)}),
                ),
            ),
            422,
        ),
    ];
    for (name, request, expected) in cases {
        let answer = send(&app, request).await;
        assert_eq!(answer.status, expected, "{name}: {}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json", "{name}");
        assert_eq!(f.ledger.head(), head, "{name}");
    }
}

#[actix_web::test]
async fn a_burst_from_one_token_is_limited_without_starving_another() {
    let f = fixture();
    let config = ServerConfig {
        // An hour per request after the burst: nothing refills while the test runs.
        rate_limit: RateLimit {
            burst: 3,
            interval: Duration::from_secs(3600),
        },
        ..ServerConfig::default()
    };
    let app = init_service(test_app_with(f.state.clone(), &config)).await;
    let close = json_bytes(&json!({"type": "close_round", "round": "r-1"}));
    for _ in 0..3 {
        // Refused by the domain (lib-a has not voted yet) but counted.
        let answer = send(&app, post(Auth::Bearer(&f.tokens.member), &close)).await;
        assert_eq!(answer.status, 422, "{}", answer.body);
    }
    let head = f.ledger.head();
    let limited = send(&app, post(Auth::Bearer(&f.tokens.member), &close)).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert_eq!(limited.content_type, "application/problem+json");
    assert_eq!(limited.retry_after.as_deref(), Some("3600"));
    assert_eq!(f.ledger.head(), head);
    let vote = json_bytes(
        &json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "yes"}),
    );
    let other = send(&app, post(Auth::Bearer(&f.tokens.library_a), &vote)).await;
    assert_eq!(
        other.status, 201,
        "another token still writes: {}",
        other.body
    );
}

#[actix_web::test]
async fn tokens_and_roles_revoked_while_serving_count_from_the_next_request() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let criteria = json_bytes(
        &json!({"type": "set_criteria", "criteria": [{"id": "impact", "name": "Impact", "weight": 60}]}),
    );
    let first = send(&app, post(Auth::Bearer(&f.tokens.member), &criteria)).await;
    assert_eq!(first.status, 201, "{}", first.body);

    // The role is public: the secretariat revokes it in the log; the token stays valid
    // but the log no longer lets m1 act as a member.
    let revoke =
        json_bytes(&json!({"type": "revoke_role", "actor": "m1", "role": "steering_member"}));
    let revoked = send(&app, post(Auth::Bearer(&f.tokens.secretariat), &revoke)).await;
    assert_eq!(revoked.status, 201, "{}", revoked.body);
    let head = f.ledger.head();
    let refused = send(&app, post(Auth::Bearer(&f.tokens.member), &criteria)).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.body["reason"], "not_permitted");
    assert_eq!(f.ledger.head(), head);

    // The secret is not: `ledger token revoke` (another handle on the same file) ends the
    // secretariat's token while this server runs.
    let book = TokenBook::open(f.dir.path()).unwrap();
    let ended = book
        .revoke(
            &TokenSelector::Actor(ActorId::new("sec")),
            ledger_core::Timestamp::parse_rfc3339(write_fixture::NOW).unwrap(),
        )
        .unwrap();
    assert_eq!(ended.len(), 2, "sec's secretariat and library tokens");
    let grant =
        json_bytes(&json!({"type": "grant_role", "actor": "m1", "role": "steering_member"}));
    let after = send(&app, post(Auth::Bearer(&f.tokens.secretariat), &grant)).await;
    assert_eq!(after.status, 401, "{}", after.body);
    assert_eq!(f.ledger.head(), head);
}
