//! Corrections through the write API, as the people who run a cycle make them: a changed
//! voting window, a withdrawn certification, superseded advice and an amended government
//! decision. Each one shows in the proposal's timeline, on the public page and in the
//! newsletter with its reason, and the record it corrects stays in the log unchanged.
//!
//! This file must never read the store's state to check what a reader sees: it asks the
//! routes and the renderers, as a reader would.

mod write_fixture;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::{call_service, init_service, read_body, TestRequest};
use ledger_api::test_app;
use ledger_projections::{Digest, ReadModel};
use ledger_report::{render_newsletter, Format, Issue, Lang, NewsletterInput};
use serde_json::{json, Value};
use write_fixture::{fixture, get_text, log, post, submit_all, Auth};

const WINDOW_REASON: &str = "Extended after an outage of the voting service.";
const WITHDRAWAL_REASON: &str = "A ballot of lib-b was counted twice.";
const ADVICE_REASON: &str = "The start year was missing.";
const DECISION_REASON: &str = "The government published an erratum.";
const FIRST_ADVICE: &str = "Spend the micro-subsidies centrally.";

/// Status and JSON body of one request.
async fn call<S, B>(app: &S, request: TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let body = read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[actix_web::test]
async fn every_correction_shows_with_its_reason_and_the_corrected_record_stays() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let t = &f.tokens;
    let steps: Vec<(&str, Value)> = vec![
        (
            &t.secretariat,
            json!({"type": "change_voting_window", "round": "r-1", "closes_at": "2023-05-20T09:00:00Z", "reason": WINDOW_REASON}),
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
        (
            &t.member,
            json!({"type": "withdraw_certification", "round": "r-1", "reason": WITHDRAWAL_REASON}),
        ),
        (
            &t.member,
            json!({"type": "sign_certification", "round": "r-1"}),
        ),
        (
            &t.secretariat,
            json!({"type": "send_advice", "advice": "a-1", "round": "r-1", "recipient": "Vlaamse overheid", "text": FIRST_ADVICE}),
        ),
        (
            &t.secretariat,
            json!({"type": "record_government_decision", "decision": "d-1", "advice": "a-1", "verdict": "approved",
                   "amount_cents_per_year": 20_000_000, "period_start": "2024-01-01", "period_end": "2028-12-31",
                   "document_reference": "BO-2024", "document_blake3": "ab".repeat(32)}),
        ),
        (
            &t.secretariat,
            json!({"type": "supersede_advice", "advice": "a-1", "text": "Spend them centrally from 2024.", "reason": ADVICE_REASON}),
        ),
        (
            &t.secretariat,
            json!({"type": "amend_government_decision", "decision": "d-1", "verdict": "amended",
                   "amount_cents_per_year": 18_000_000, "period_start": "2024-01-01", "period_end": "2028-12-31",
                   "document_reference": "BO-2024 erratum", "document_blake3": "cd".repeat(32),
                   "reason": DECISION_REASON}),
        ),
    ];
    let kinds: Vec<Value> = steps.iter().map(|(_, body)| body["type"].clone()).collect();
    let receipts = submit_all(&app, steps).await;
    let position_of = |kind: &str| {
        let i = kinds
            .iter()
            .position(|k| k == kind)
            .expect("a step of that kind");
        receipts[i]["positions"][0].as_u64().expect("a position")
    };
    let advice_position = position_of("send_advice");
    let decision_position = position_of("record_government_decision");

    // A refused correction changes nothing.
    let before = f.ledger.head();
    let empty_reason =
        json!({"type": "supersede_advice", "advice": "a-1", "text": "x", "reason": " "});
    let (status, problem) = call(
        &app,
        post(
            Auth::Bearer(&t.secretariat),
            &serde_json::to_vec(&empty_reason).unwrap(),
        ),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(f.ledger.head(), before);

    // The timeline names every correction with its reason, in order.
    let (status, proposal) = call(&app, TestRequest::get().uri("/v1/proposals/p-1")).await;
    assert_eq!(status, 200);
    let corrections: Vec<(String, String)> = proposal["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["reason"].is_null())
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("window_changed", WINDOW_REASON),
        ("certification_withdrawn", WITHDRAWAL_REASON),
        ("advice_superseded", ADVICE_REASON),
        ("decision_amended", DECISION_REASON),
    ]
    .map(|(step, reason)| (step.to_owned(), reason.to_owned()));
    assert_eq!(corrections, expected);
    let certified = proposal["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["step"] == "certified")
        .count();
    assert_eq!(certified, 2, "certified, withdrawn, certified again");

    // The corrected records stay as they were; the views show them superseded.
    let advice_record = format!("/v1/events/{}", advice_position);
    let (_, sent) = call(&app, TestRequest::get().uri(&advice_record)).await;
    assert_eq!(sent["type"], "advice_sent", "{sent}");
    assert_eq!(sent["body"]["text"], FIRST_ADVICE);
    let decision_record = format!("/v1/events/{}", decision_position);
    let (_, recorded) = call(&app, TestRequest::get().uri(&decision_record)).await;
    assert_eq!(recorded["body"]["amount_cents_per_year"], 20_000_000);
    let (_, round) = call(&app, TestRequest::get().uri("/v1/rounds/r-1")).await;
    assert_eq!(round["closes_at"], "2023-05-20T09:00:00Z");
    assert_eq!(
        round["window_changes"][0]["previous_closes_at"],
        "2023-05-17T09:00:00Z"
    );
    assert_eq!(
        round["withdrawn_certifications"][0]["reason"],
        WITHDRAWAL_REASON
    );
    assert!(!round["certification"].is_null(), "certified again");

    // The page shows every reason and the replaced advice, as its earlier text.
    let page = get_text(&app, "/?lang=en").await;
    for reason in [
        WINDOW_REASON,
        WITHDRAWAL_REASON,
        ADVICE_REASON,
        DECISION_REASON,
    ] {
        assert!(page.contains(reason), "the page shows {reason:?}");
    }
    assert!(
        page.contains(&format!(
            "<p>{FIRST_ADVICE}</p></blockquote><figcaption>— earlier text of the advice</figcaption>"
        )),
        "{page}"
    );
    assert!(page.contains("Replaced on <time"), "{page}");

    // The newsletter lists the corrections with their reasons.
    let log = log(&f.ledger);
    let to = log.len() as u64;
    let mut model = ReadModel::as_of(&log, to);
    let digest = Digest::from_log(&log, 0, to).expect("digest");
    let mut input = NewsletterInput::new(Lang::En, Issue { number: 1 }, digest);
    input.gather(&mut model).expect("gather");
    let issue = render_newsletter(&input, Format::Markdown);
    assert!(issue.contains("## Corrections"), "{issue}");
    for reason in [
        WINDOW_REASON,
        WITHDRAWAL_REASON,
        ADVICE_REASON,
        DECISION_REASON,
    ] {
        assert!(issue.contains(reason), "the newsletter shows {reason:?}");
    }
    assert!(
        issue.contains(FIRST_ADVICE),
        "the superseded advice is quoted"
    );
}
