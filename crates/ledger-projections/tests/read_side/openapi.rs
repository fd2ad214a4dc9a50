//! The views carry OpenAPI schemas the API crate can publish.

use ledger_projections::{
    Digest, LibraryView, Overview, Page, ProposalView, RoundResult, RoundSummary, RoundView,
    SheetView,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(
    RoundResult,
    RoundView,
    RoundSummary,
    ProposalView,
    LibraryView,
    SheetView,
    Digest,
    Overview,
    Page<LibraryView>
)))]
struct ReadApi;

#[test]
fn the_round_result_schema_names_the_fields_the_api_serves() {
    let doc = serde_json::to_value(ReadApi::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let result = &schemas["RoundResult"]["properties"];
    for field in [
        "round",
        "status",
        "outcome",
        "certified",
        "eligible",
        "cast",
        "yes",
        "no",
        "abstain",
        "yes_share_of_represented_inhabitants",
        "percent_base",
        "yes_share_of_libraries",
        "participation",
        "threshold",
        "quorum",
        "double_majority",
        "tally_digest",
        "closed_at",
        "certified_at",
    ] {
        assert!(result.get(field).is_some(), "RoundResult.{field} missing");
    }
    assert!(schemas.get("Share").is_some());
    assert!(schemas.get("TimelineStep").is_some());
    assert_eq!(
        schemas["RoundView"]["properties"]["opens_at"]["format"],
        "date-time"
    );
}
