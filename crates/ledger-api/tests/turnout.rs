//! Turnout only while a round is open: a round opened without live results shows how many
//! libraries and inhabitants voted, and no count or choice per choice, in every public
//! read (the result as JSON, CSV and SVG, the round, its votes and ballots, the page, the
//! newsletter, reads of the past); a round opened with live results shows its counts; the
//! close shows them for both. Reading changes nothing (the head stays the same), and the
//! log keeps every vote with its choice all along.
//!
//! This file must never read the store's state to check what a reader sees: it asks the
//! routes and the renderers, as a reader would.

mod write_fixture;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::init_service;
use ledger_api::test_app;
use ledger_projections::{Digest, ReadModel};
use ledger_report::{render_newsletter, Format, Issue, Lang, NewsletterInput};
use serde_json::{json, Value};
use write_fixture::{fixture, get_text, log, submit_all};

const REMARK: &str = "Eerst de gevolgen voor kleine bibliotheken bekijken.";
const AT_CLOSE_EN: &str = "The votes per choice are published when the round closes";

async fn get_json<S, B>(app: &S, uri: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    serde_json::from_str(&get_text(app, uri).await).expect("JSON")
}

/// The page's section of one round, from its heading to the end of its section: the
/// lead section of a decided round, or an open round's line among the other proposals.
fn section<'a>(page: &'a str, round: &str) -> &'a str {
    if let Some(start) = page.find(&format!("id=\"r-{round}\"")) {
        let rest = &page[start..];
        return &rest[..rest.find("</section>").unwrap_or(rest.len())];
    }
    let start = page
        .find(&format!("<strong>Vote round {round}</strong>"))
        .unwrap_or_else(|| panic!("the page has no section or line for {round}: {page}"));
    let rest = &page[start..];
    &rest[..rest.find("</p>").unwrap_or(rest.len())]
}

/// The measures of a result CSV (its fifth column), in order.
fn measures(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(4).map(str::to_owned))
        .collect()
}

/// The `choice` cells of a votes CSV (its third column).
fn choices(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(2).map(str::to_owned))
        .collect()
}

/// The newsletter of the whole log, in English Markdown.
fn newsletter(ledger: &ledger_store::Ledger) -> String {
    let log = log(ledger);
    let to = log.len() as u64;
    let mut model = ReadModel::as_of(&log, to);
    let digest = Digest::from_log(&log, 0, to).expect("digest");
    let mut input = NewsletterInput::new(Lang::En, Issue { number: 1 }, digest);
    input.gather(&mut model).expect("gather");
    render_newsletter(&input, Format::Markdown)
}

#[actix_web::test]
async fn an_open_round_without_live_results_shows_only_its_turnout_until_the_close() {
    let f = fixture();
    let app = init_service(test_app(f.state.clone())).await;
    let t = &f.tokens;
    // r-1 was opened without live results (the default) and lib-b voted yes in it.
    // lib-a votes no with a remark; r-2 is opened with live results and lib-a votes yes.
    let receipts = submit_all(
        &app,
        vec![
            (
                &t.library_a,
                json!({"type": "cast_vote", "round": "r-1", "library": "lib-a", "choice": "no", "remark": REMARK}),
            ),
            (
                &t.secretariat,
                json!({"type": "open_round", "round": "r-2", "proposal": "p-2", "closes_at": "2023-05-17T09:00:00Z",
                       "rule": {"signatures_required": 1}, "live_results": true, "signed_votes": "optional"}),
            ),
            (
                &t.library_a,
                json!({"type": "cast_vote", "round": "r-2", "library": "lib-a", "choice": "yes"}),
            ),
        ],
    )
    .await;
    let vote_position = receipts[0]["positions"][0].as_u64().expect("position");
    let head = f.ledger.head();

    // The result: turnout, and null for everything per choice.
    let result = get_json(&app, "/v1/rounds/r-1/result").await;
    assert_eq!(result["counts"], "at_close", "{result}");
    assert_eq!(result["status"], "open");
    assert_eq!(result["cast"], json!({"libraries": 2, "inhabitants": 1500}));
    assert_eq!(
        result["eligible"],
        json!({"libraries": 2, "inhabitants": 1500})
    );
    for field in [
        "yes",
        "no",
        "abstain",
        "yes_share_of_represented_inhabitants",
        "yes_share_of_libraries",
        "tally_digest",
    ] {
        assert_eq!(result[field], Value::Null, "{field} in {result}");
    }
    assert_eq!(result["participation"]["percent"], "100.00");
    // The same in a read of the past (before r-2's vote: r-1 was open then too).
    let past = get_json(&app, &format!("/v1/rounds/r-1/result?at={vote_position}")).await;
    assert_eq!(past["counts"], "at_close");
    assert_eq!(past["yes"], Value::Null);
    assert_eq!(past["cast"]["libraries"], 1);

    // The round, its votes and a library's ballots: who voted, not how.
    let round = get_json(&app, "/v1/rounds/r-1").await;
    assert_eq!(round["counts"], "at_close");
    assert_eq!(round["live"]["cast"]["libraries"], 2);
    for field in ["yes", "no", "abstain"] {
        assert_eq!(round["live"][field], Value::Null, "{field}");
    }
    for library in ["lib-a", "lib-b"] {
        assert_eq!(round["votes"][library]["choice"], Value::Null, "{library}");
    }
    assert_eq!(round["votes"]["lib-a"]["remark"], REMARK);
    let votes = get_json(&app, "/v1/rounds/r-1/votes").await;
    let items = votes["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|v| v["choice"].is_null()), "{votes}");
    let ballots = get_json(&app, "/v1/rounds/r-1/votes/lib-a/ballots").await;
    assert_eq!(ballots["items"][0]["choice"], Value::Null, "{ballots}");
    let past_votes = get_json(&app, &format!("/v1/rounds/r-1/votes?at={vote_position}")).await;
    assert!(past_votes["items"][0]["choice"].is_null(), "{past_votes}");

    // The spreadsheets: eligible and cast only; an empty choice per library.
    let csv = get_text(&app, "/v1/rounds/r-1/result.csv").await;
    assert_eq!(measures(&csv), ["eligible", "cast"], "{csv}");
    let csv = get_text(&app, "/v1/rounds/r-1/votes.csv").await;
    assert_eq!(choices(&csv), ["", ""], "{csv}");

    // The infographic: the turnout and the promise, no bar per choice.
    let svg = get_text(&app, "/v1/rounds/r-1/result.svg?lang=en").await;
    assert!(svg.contains("published when the round closes"), "{svg}");
    assert!(svg.contains(AT_CLOSE_EN), "{svg}");
    for label in [">Yes<", ">No<", ">Abstain<", " Yes: ", " No: "] {
        assert!(!svg.contains(label), "{label} in {svg}");
    }
    assert!(svg.contains("2 of 2 libraries voted"), "{svg}");

    // The page says it in words and quotes the remark without the choice.
    let page = get_text(&app, "/?lang=en").await;
    // (An open round is a line among the other proposals; the page quotes remarks of
    // the decided round it leads with only.)
    let open = section(&page, "r-1");
    assert!(open.contains(AT_CLOSE_EN), "{open}");
    assert!(open.contains("2 of 2 libraries voted"), "{open}");
    assert!(!open.contains("So far:"), "{open}");
    assert!(!page.contains("(no)"), "{page}");
    // The round with live results shows its counts while open.
    let live = section(&page, "r-2");
    assert!(!live.contains(AT_CLOSE_EN), "{live}");
    assert!(
        live.contains("So far: yes 1 library (1,000 inhabitants)"),
        "{live}"
    );

    // The newsletter: turnout of the open round, its remark without a choice.
    let issue = newsletter(&f.ledger);
    assert!(issue.contains(REMARK), "{issue}");
    assert!(!issue.contains("(no)"), "{issue}");

    // A round opened with live results shows its counts while open.
    let result = get_json(&app, "/v1/rounds/r-2/result").await;
    assert_eq!(result["counts"], "shown");
    assert_eq!(result["yes"], json!({"libraries": 1, "inhabitants": 1000}));
    assert!(result["tally_digest"].is_string());
    let votes = get_json(&app, "/v1/rounds/r-2/votes").await;
    assert_eq!(votes["items"][0]["choice"], "yes");

    // Every read left the ledger as it was; the log holds the choice all along.
    assert_eq!(f.ledger.head(), head);
    let record = get_json(&app, &format!("/v1/events/{vote_position}")).await;
    assert_eq!(record["body"]["choice"], "no");

    // At the close the counts appear, everywhere.
    submit_all(
        &app,
        vec![(
            &t.secretariat,
            json!({"type": "close_round", "round": "r-1"}),
        )],
    )
    .await;
    let result = get_json(&app, "/v1/rounds/r-1/result").await;
    assert_eq!(result["counts"], "shown", "{result}");
    assert_eq!(result["yes"], json!({"libraries": 1, "inhabitants": 500}));
    assert_eq!(result["no"], json!({"libraries": 1, "inhabitants": 1000}));
    assert!(result["tally_digest"].is_string());
    let votes = get_json(&app, "/v1/rounds/r-1/votes").await;
    let by_library: Vec<(&str, &str)> = votes["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            (
                v["library"].as_str().unwrap_or(""),
                v["choice"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(by_library, [("lib-a", "no"), ("lib-b", "yes")]);
    let ballots = get_json(&app, "/v1/rounds/r-1/votes/lib-a/ballots").await;
    assert_eq!(ballots["items"][0]["choice"], "no");
    let csv = get_text(&app, "/v1/rounds/r-1/result.csv").await;
    assert_eq!(
        measures(&csv),
        ["eligible", "cast", "yes", "no", "abstain"],
        "{csv}"
    );
    let svg = get_text(&app, "/v1/rounds/r-1/result.svg?lang=en").await;
    assert!(!svg.contains(AT_CLOSE_EN), "{svg}");
    assert!(svg.contains(">Yes<"), "{svg}");
    let page = get_text(&app, "/?lang=en").await;
    let closed = section(&page, "r-1");
    assert!(!closed.contains(AT_CLOSE_EN), "{closed}");
    // Its remark is quoted with the choice now (in the remarks of the round it leads with).
    assert!(page.contains(" (no), "), "{page}");
    // The past before the close still shows only the turnout.
    let past = get_json(&app, &format!("/v1/rounds/r-1/result?at={}", head.length)).await;
    assert_eq!(past["counts"], "at_close");
}
