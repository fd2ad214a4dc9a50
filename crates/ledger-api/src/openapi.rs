//! The OpenAPI document, generated from the handlers' annotations.
//!
//! The committed `schemas/openapi.json` is compared with this by a test, so the document
//! can never drift from the code. The body of `POST /v1/commands` is the JSON Schema that
//! schemars generates from `ledger_core::Command` (a `oneOf` with one example per
//! command), added to utoipa's document here. This module must never hand-write a path or
//! a schema.

use ledger_core::command_docs;
use serde_json::{json, Map, Value};
use utoipa::OpenApi;

use crate::auth::BearerScheme;
use crate::routes;

/// The API's OpenAPI 3.1 description.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Governance ledger API",
        description = "Public, credential-free reads of the governance ledger of the public libraries of Flanders and Brussels; authenticated writes. Errors are RFC 9457 problem details.",
        license(name = "EUPL-1.2")
    ),
    paths(
        routes::meta::healthz,
        routes::meta::openapi,
        routes::meta::digest,
        routes::registry::list,
        routes::registry::one,
        routes::registry::actor,
        routes::proposals::list,
        routes::proposals::one,
        routes::rounds::list,
        routes::rounds::one,
        routes::rounds::result,
        routes::rounds::votes,
        routes::rounds::not_voted,
        routes::rounds::remarks,
        routes::rounds::ballots,
        routes::csv::votes_file,
        routes::csv::result_file,
        routes::events::list,
        routes::events::one,
        routes::pages::home,
        routes::pages::result_svg,
        routes::pages::result_png,
        routes::pages::feed,
        routes::log::checkpoint,
        routes::log::key,
        routes::log::entry,
        routes::log::inclusion,
        routes::log::consistency,
        routes::log::tile,
        routes::commands::submit,
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "meta", description = "The service itself"),
        (name = "registry", description = "Libraries and their represented inhabitants"),
        (name = "proposals", description = "Proposals and their timeline"),
        (name = "rounds", description = "Vote rounds, votes, remarks and results"),
        (name = "log", description = "The raw hash-chained log"),
        (name = "pages", description = "The public HTML page for people"),
        (name = "transparency", description = "Signed checkpoints, RFC 9162 proofs and C2SP tlog-tiles: check the log without trusting the server"),
        (name = "newsletter", description = "What changed between two positions"),
        (name = "commands", description = "Authenticated writes: one command per request"),
    )
)]
pub struct ApiDoc;

/// The path and method whose body is one command.
const COMMANDS_POST: &str = "/paths/~1v1~1commands/post/requestBody/content/application~1json";

/// The whole document: utoipa's paths and components, and the command schemas.
pub fn document() -> Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    let (command, definitions) = command_docs::openapi_schemas();
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        for (name, schema) in definitions {
            // A name the read side already uses would silently change its meaning; the
            // openapi test refuses such a collision, so keep the read side's here.
            schemas.entry(name).or_insert(schema);
        }
        schemas.insert("Command".to_owned(), command);
    }
    let examples: Map<String, Value> = command_docs::catalogue()
        .into_iter()
        .map(|doc| {
            let example = json!({"summary": doc.description, "value": doc.example});
            (doc.type_name, example)
        })
        .collect();
    if let Some(Value::Object(body)) = document.pointer_mut(COMMANDS_POST) {
        body.insert(
            "schema".to_owned(),
            json!({"$ref": "#/components/schemas/Command"}),
        );
        body.insert("examples".to_owned(), Value::Object(examples));
    }
    document
}

/// The document as the committed file holds it: pretty JSON with a final newline.
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
