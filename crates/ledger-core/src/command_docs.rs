//! What each command looks like to the people who send one: its fields, their types and
//! limits, an example, and a parser whose errors name every missing or unknown field at
//! once. Everything here is derived from the JSON Schema of [`Command`], which schemars
//! generates from the types that parse it, so the OpenAPI document, `ledger commands` and
//! the parser's errors cannot drift from the code.
//!
//! This module must never hand-write a command's shape: a field without an example value
//! below fails the tests instead of being guessed. It does no I/O.

use schemars::gen::SchemaSettings;
use serde_json::{json, Map, Value};

use crate::command::Command;

/// One command as documented.
#[derive(Clone, Debug, PartialEq)]
pub struct CommandDoc {
    /// The `type` of the command, e.g. `cast_vote`.
    pub type_name: String,
    /// What it does (the doc comment of the variant).
    pub description: String,
    /// Its fields other than `type`, in declaration order.
    pub fields: Vec<FieldDoc>,
    /// A complete example with every field, which the real parser accepts.
    pub example: Value,
}

impl CommandDoc {
    /// The example as one line of JSON with `type` first and the fields in declaration
    /// order, as people read it (a JSON map would sort them).
    pub fn example_line(&self) -> String {
        let entry = |name: &str| {
            self.example
                .get(name)
                .map(|value| format!("{}: {value}", Value::String(name.to_owned())))
        };
        let entries: Vec<String> = std::iter::once("type")
            .chain(self.fields.iter().map(|f| f.name.as_str()))
            .filter_map(entry)
            .collect();
        format!("{{{}}}", entries.join(", "))
    }
}

/// One field of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDoc {
    /// The JSON name.
    pub name: String,
    /// Whether the command is refused without it.
    pub required: bool,
    /// Its type and limits in words, e.g. `id (1 to 128 of A-Z a-z 0-9 . _ : -)`.
    pub type_text: String,
    /// What it means.
    pub description: String,
}

/// A body that is not a command; the message names every missing and unknown field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommandSyntaxError {
    /// The command type, when the body named a known one.
    pub type_name: Option<String>,
    /// Required fields that are absent, in declaration order.
    pub missing: Vec<String>,
    /// Fields the command does not have.
    pub unknown: Vec<String>,
    /// One line for people.
    pub message: String,
}

/// The schema of [`Command`] as an OpenAPI 3.1 document holds it: the command itself and
/// the types it refers to, with references pointing at `#/components/schemas/`.
pub fn openapi_schemas() -> (Value, Map<String, Value>) {
    let settings = SchemaSettings::draft2019_09().with(|s| {
        s.definitions_path = "#/components/schemas/".to_owned();
        s.meta_schema = None;
    });
    let root = settings.into_generator().into_root_schema_for::<Command>();
    let definitions = root
        .definitions
        .iter()
        .map(|(name, schema)| (name.clone(), to_value(schema)))
        .collect();
    let mut command = to_value(&root.schema);
    if let Value::Object(map) = &mut command {
        map.remove("title");
        if let Some(Value::Array(variants)) = map.get_mut("oneOf") {
            for variant in variants {
                let example = variant_example(variant);
                if let (Value::Object(variant), Some(example)) = (variant, example) {
                    variant.insert("examples".to_owned(), Value::Array(vec![example]));
                }
            }
        }
    }
    (command, definitions)
}

/// Every command, in the order of [`Command`]'s variants.
pub fn catalogue() -> Vec<CommandDoc> {
    let root = command_schema();
    variants(&root)
        .iter()
        .zip(declared_fields())
        .filter_map(|(variant, order)| document(variant, &order, &root))
        .collect()
}

/// Parses a command from JSON. When the body is not a command, the error names the
/// command type and every missing and unknown field at once, not the first serde met.
pub fn parse_command(bytes: &[u8]) -> Result<Command, CommandSyntaxError> {
    let syntax = |message: String| CommandSyntaxError {
        type_name: None,
        missing: Vec::new(),
        unknown: Vec::new(),
        message,
    };
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| syntax(format!("the body is not JSON: {e}")))?;
    parse_command_value(&value).map_err(|e| CommandSyntaxError {
        message: format!("the body is not a command: {}", e.message),
        ..e
    })
}

/// As [`parse_command`], from a JSON value (e.g. the `command` of an envelope).
pub fn parse_command_value(value: &Value) -> Result<Command, CommandSyntaxError> {
    use serde::Deserialize;
    match Command::deserialize(value) {
        Ok(command) => Ok(command),
        Err(e) => Err(check_shape(value).unwrap_or_else(|| CommandSyntaxError {
            type_name: None,
            missing: Vec::new(),
            unknown: Vec::new(),
            message: e.to_string(),
        })),
    }
}

/// The fields a body lacks or has in excess for its command type, or `None` when its
/// shape is right (a wrong value, if any, is then serde's to name).
fn check_shape(value: &Value) -> Option<CommandSyntaxError> {
    let types = || {
        catalogue_names()
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let error = |type_name: Option<String>, message: String| CommandSyntaxError {
        type_name,
        missing: Vec::new(),
        unknown: Vec::new(),
        message,
    };
    let Value::Object(body) = value else {
        return Some(error(None, "a command is a JSON object".to_owned()));
    };
    let type_name = match body.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Some(error(None, "`type` must be a string".to_owned())),
        None => {
            return Some(error(
                None,
                format!("missing field `type`, one of {}", types()),
            ))
        }
    };
    let Some((variant, order)) = variant_named(&type_name) else {
        let shown: String = type_name.chars().take(64).collect();
        return Some(error(
            None,
            format!(
                "unknown command type `{shown}`; expected one of {}",
                types()
            ),
        ));
    };
    let properties = variant
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let required = string_list(variant.get("required"));
    let missing: Vec<String> = order
        .iter()
        .filter(|name| required.contains(name) && !body.contains_key(*name))
        .cloned()
        .collect();
    let unknown: Vec<String> = body
        .keys()
        .filter(|name| !properties.contains_key(*name))
        .map(|name| name.chars().take(64).collect())
        .collect();
    if missing.is_empty() && unknown.is_empty() {
        return None;
    }
    // `missing field `a`` or `missing fields `a`, `b``.
    let named = |what: &str, names: &[String]| {
        let word = if names.len() == 1 { "field" } else { "fields" };
        format!("{what} {word} {}", quoted(names))
    };
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(named("missing", &missing));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "{} (it has {})",
            named("unknown", &unknown),
            quoted(&order)
        ));
    }
    Some(CommandSyntaxError {
        message: format!("`{type_name}`: {}", parts.join("; ")),
        type_name: Some(type_name),
        missing,
        unknown,
    })
}

/// The command types, in declaration order.
fn catalogue_names() -> Vec<String> {
    variants(&command_schema())
        .iter()
        .filter_map(variant_type)
        .collect()
}

/// `a`, `b` and `c` as `` `a`, `b`, `c` ``.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The draft-07 schema of [`Command`] with its definitions, as JSON.
fn command_schema() -> Value {
    to_value(&schemars::schema_for!(Command))
}

fn to_value<T: serde::Serialize>(schema: &T) -> Value {
    serde_json::to_value(schema).unwrap_or(Value::Null)
}

/// The `oneOf` of the command schema: one object schema per variant.
fn variants(root: &Value) -> Vec<Value> {
    root.get("oneOf")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The field names of each variant in declaration order (a JSON map sorts them; the
/// schemars types keep the order), parallel to [`variants`].
fn declared_fields() -> Vec<Vec<String>> {
    let root = schemars::schema_for!(Command);
    root.schema
        .subschemas
        .as_ref()
        .and_then(|s| s.one_of.as_ref())
        .map(|variants| {
            variants
                .iter()
                .map(|variant| match variant {
                    schemars::schema::Schema::Object(object) => object
                        .object
                        .as_ref()
                        .map(|o| o.properties.keys().cloned().collect())
                        .unwrap_or_default(),
                    schemars::schema::Schema::Bool(_) => Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The variant whose `type` is `type_name`, with its fields in declaration order.
fn variant_named(type_name: &str) -> Option<(Value, Vec<String>)> {
    variants(&command_schema())
        .into_iter()
        .zip(declared_fields())
        .find(|(v, _)| variant_type(v).as_deref() == Some(type_name))
}

/// The `type` a variant's schema fixes.
fn variant_type(variant: &Value) -> Option<String> {
    variant
        .pointer("/properties/type/enum/0")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// One variant of the schema as a [`CommandDoc`].
fn document(variant: &Value, order: &[String], root: &Value) -> Option<CommandDoc> {
    let type_name = variant_type(variant)?;
    let required = string_list(variant.get("required"));
    let fields = variant
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            order
                .iter()
                .filter(|name| name.as_str() != "type")
                .filter_map(|name| properties.get(name).map(|schema| (name, schema)))
                .map(|(name, schema)| FieldDoc {
                    name: name.clone(),
                    required: required.contains(name),
                    type_text: type_text(schema, root),
                    description: schema
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(CommandDoc {
        example: variant_example(variant)?,
        description: variant
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        type_name,
        fields,
    })
}

/// A field's type and limits in a few words, read from its schema.
fn type_text(schema: &Value, root: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        let target = root.pointer(&format!("/definitions/{name}"));
        return match target {
            Some(target) if target.get("enum").is_some() || target.get("oneOf").is_some() => {
                type_text(target, root)
            }
            Some(target) if target.get("format").is_some() => type_text(target, root),
            _ => name.to_owned(),
        };
    }
    for key in ["allOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|items| items.iter().find(|s| s.get("type") != Some(&json!("null"))))
        {
            return type_text(first, root);
        }
    }
    if let Some(choices) = schema.get("oneOf").and_then(Value::as_array) {
        let names: Vec<String> = choices
            .iter()
            .map(
                |choice| match choice.get("enum").and_then(Value::as_array) {
                    Some(values) => values
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                    None => match choice.get("properties").and_then(Value::as_object) {
                        Some(properties) => properties
                            .iter()
                            .map(|(k, v)| format!("{{\"{k}\": {}}}", type_text(v, root)))
                            .collect::<Vec<_>>()
                            .join(", "),
                        None => type_text(choice, root),
                    },
                },
            )
            .collect();
        return format!("one of {}", names.join(", "));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        return format!("one of {}", names.join(", "));
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("value")
            .to_owned(),
        _ => "value".to_owned(),
    };
    let mut text = match (kind.as_str(), schema.get("format").and_then(Value::as_str)) {
        ("string", Some("date-time")) => "timestamp (RFC 3339, UTC)".to_owned(),
        ("string", Some("date")) => "date (YYYY-MM-DD)".to_owned(),
        ("array", _) => match schema.get("items") {
            Some(items) => format!("list of {}", type_text(items, root)),
            None => "list".to_owned(),
        },
        ("string", _) if schema.get("pattern").is_some() => "id".to_owned(),
        ("integer", Some(format)) => format!("integer ({format})"),
        (kind, _) => kind.to_owned(),
    };
    let min = schema.get("minLength").and_then(Value::as_u64);
    let max = schema.get("maxLength").and_then(Value::as_u64);
    match (min, max, schema.get("pattern").is_some()) {
        (Some(min), Some(max), true) => {
            text.push_str(&format!(" ({min} to {max} of A-Z a-z 0-9 . _ : -)"))
        }
        (_, Some(max), _) => text.push_str(&format!(" (at most {max} characters)")),
        _ => {}
    }
    text
}

/// An example of one variant: every field it has, each with its example value.
fn variant_example(variant: &Value) -> Option<Value> {
    let type_name = variant_type(variant)?;
    let properties = variant.get("properties").and_then(Value::as_object)?;
    let mut example = Map::new();
    for name in properties.keys() {
        let value = if name == "type" {
            Value::String(type_name.clone())
        } else {
            field_example(&type_name, name)?
        };
        example.insert(name.clone(), value);
    }
    Some(Value::Object(example))
}

/// The example value of a field, from the May 2023 cycle. The table is by field name (one
/// name, one concept); a field missing here leaves its command without an example, which
/// the tests refuse.
fn field_example(type_name: &str, field: &str) -> Option<Value> {
    Some(match (type_name, field) {
        (_, "origin") => json!("bibliotheken.example/ledger"),
        (_, "secretariat") => json!("secretariaat"),
        (_, "actor") => json!("lid-an"),
        (_, "role") => json!("steering_member"),
        (_, "library") => json!("lib-11002"),
        ("register_library" | "update_library", "name") => json!("Bibliotheek Antwerpen"),
        (_, "municipalities") => json!(["11002"]),
        (_, "inhabitants") => json!(530_504),
        ("retire_library", "reason") => json!("Merged into lib-11002 on 1 January 2025"),
        (_, "proposal") => json!("p-2023-ilv"),
        ("file_proposal" | "amend_proposal", "title") => {
            json!("Shared e-book collection")
        }
        (_, "text") => json!("The libraries buy one e-book collection together."),
        (_, "budget_cents_per_year") => json!(12_000_000),
        ("withdraw_proposal", "reason") => json!("Replaced by p-2023-ilv2"),
        (_, "round") => json!("r-2023-05"),
        (_, "opens_at") => json!("2023-05-08T07:00:00Z"),
        (_, "closes_at") => json!("2023-05-31T22:00:00Z"),
        (_, "rule") => json!({
            "threshold": {"numerator": 1, "denominator": 2},
            "abstentions": "represented",
            "quorum": {"numerator": 1, "denominator": 3},
            "double_majority": false,
            "signatures_required": 2
        }),
        (_, "choice") => json!("yes"),
        (_, "remark") => json!("Agreed, if the collection includes Dutch titles."),
        ("annul_round", "reason") => json!("The proposal text sent to the libraries was wrong"),
        (_, "tally_digest") => json!("a".repeat(64)),
        (_, "advice") => json!("a-2023-05"),
        (_, "recipient") => json!("Vlaamse Regering"),
        (_, "decision") => json!("d-2023-07"),
        (_, "verdict") => json!("approved"),
        (_, "amount_cents_per_year") => json!(12_000_000),
        (_, "period_start") => json!("2024-01-01"),
        (_, "period_end") => json!("2028-12-31"),
        (_, "document_reference") => json!("BVR 2023/07/14"),
        (_, "document_blake3") => json!("b".repeat(64)),
        (_, "criteria") => json!([
            {"id": "reach", "name": "Reach", "weight": 60},
            {"id": "cost", "name": "Cost", "weight": 40}
        ]),
        (_, "sheet") => json!("s-ebooks"),
        ("file_project_sheet", "title") => json!("E-books for every library"),
        (_, "summary") => json!("One licence for all libraries, from 2024."),
        (_, "criterion") => json!("reach"),
        (_, "score") => json!(8),
        (_, "scores") => json!([
            {"sheet": "s-ebooks", "criterion": "reach", "member": "lid-an", "score": 8},
            {"sheet": "s-ebooks", "criterion": "cost", "member": "lid-an", "score": 6}
        ]),
        (_, "ranking") => json!(["s-ebooks", "s-makerspace"]),
        (_, "newsletter") => json!("n-2023-06"),
        ("issue_newsletter", "title") => json!("Nieuwsbrief juni 2023"),
        (_, "covers_from") => json!(0),
        (_, "covers_to") => json!(120),
        ("open_round", "title") => json!("Stemronde mei 2023"),
        (_, "trial") => json!(false),
        (_, "live_results") => json!(false),
        (_, "signed_votes") => json!("required"),
        ("supersede_advice", "reason") => json!("The amount in the advice was a typing error"),
        ("amend_government_decision", "reason") => {
            json!("The government amended its decision on 1 December 2023")
        }
        ("change_voting_window", "reason") => json!("Extended: the mail reached libraries late"),
        ("withdraw_certification", "reason") => json!("Signed on a draft of the tally"),
        ("name_actor", "name") => json!("An Peeters (stuurgroep)"),
        (_, "subject") => json!({"proposal": "p-2023-ilv"}),
        ("link_document", "title") => json!("Voorstel aan de stuurgroep, april 2023"),
        (_, "url") => json!("https://bibliotheken.example/documenten/voorstel-2023.pdf"),
        // A real key (Ed25519 seed 0x01 repeated) and its proof over the registration
        // statement of command `key-lid-an-1` on `bibliotheken.example/ledger`.
        (_, "key") => json!("lid-an+4901f3d1+AYqI4910CfGV/VLbLTy6XXLKZwm/HZQSG/N0iAG0D29c"),
        (_, "proof" | "signature") => json!(
            "\u{2014} lid-an SQHz0XiG8uMFmqa7ycTEXixBmxybSdZ08WPuyr3ESg8KaADoOTHhFzLNWPV60BO2CzMc8vrebvUT8FV3mhtorSd8cQQ="
        ),
        ("revoke_author_key", "reason") => json!("The key file was on a stolen laptop"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_is_documented_with_an_example_that_parses() {
        let docs = catalogue();
        let names = catalogue_names();
        assert_eq!(names.len(), 30, "{names:?}");
        assert_eq!(
            docs.iter().map(|d| d.type_name.clone()).collect::<Vec<_>>(),
            names
        );
        for doc in &docs {
            let bytes = serde_json::to_vec(&doc.example).unwrap();
            let command =
                parse_command(&bytes).unwrap_or_else(|e| panic!("{}: {e}", doc.type_name));
            assert_eq!(command.type_name(), doc.type_name);
            assert!(!doc.description.is_empty(), "{}", doc.type_name);
        }
    }

    #[test]
    fn the_example_line_keeps_the_declared_order_and_parses() {
        let vote = catalogue()
            .into_iter()
            .find(|d| d.type_name == "cast_vote")
            .unwrap();
        assert_eq!(
            vote.example_line(),
            r#"{"type": "cast_vote", "round": "r-2023-05", "library": "lib-11002", "choice": "yes", "remark": "Agreed, if the collection includes Dutch titles.", "signature": "— lid-an SQHz0XiG8uMFmqa7ycTEXixBmxybSdZ08WPuyr3ESg8KaADoOTHhFzLNWPV60BO2CzMc8vrebvUT8FV3mhtorSd8cQQ="}"#
        );
        assert!(parse_command(vote.example_line().as_bytes()).is_ok());
        let choice = vote.fields.iter().find(|f| f.name == "choice").unwrap();
        assert_eq!(choice.type_text, "one of yes, no, abstain");
    }

    #[test]
    fn text_limits_in_the_documents_are_the_ones_decide_enforces() {
        let limit = |type_name: &str, field: &str| {
            let (variant, _) = variant_named(type_name).unwrap();
            variant["properties"][field]["maxLength"].as_u64().unwrap() as usize
        };
        assert_eq!(limit("file_proposal", "title"), crate::MAX_SHORT_TEXT);
        assert_eq!(limit("file_proposal", "text"), crate::MAX_LONG_TEXT);
        assert_eq!(limit("cast_vote", "remark"), crate::MAX_REMARK_CHARS);
        let docs = catalogue();
        let title = docs
            .iter()
            .find(|d| d.type_name == "file_proposal")
            .and_then(|d| d.fields.iter().find(|f| f.name == "title"))
            .unwrap();
        assert_eq!(title.type_text, "string (at most 200 characters)");
    }

    #[test]
    fn every_missing_field_is_named_at_once() {
        let error = parse_command(br#"{"type": "file_proposal", "title": "x"}"#).unwrap_err();
        assert_eq!(error.missing, ["proposal", "text", "budget_cents_per_year"]);
        assert_eq!(
            error.message,
            "the body is not a command: `file_proposal`: missing fields `proposal`, `text`, `budget_cents_per_year`"
        );
    }

    #[test]
    fn unknown_fields_and_types_are_named() {
        let error = parse_command(
            br#"{"type": "cast_vote", "round": "r", "library": "l", "choice": "yes", "weight": 9}"#,
        )
        .unwrap_err();
        assert_eq!(error.unknown, ["weight"]);
        assert!(error.message.contains("unknown field `weight`"), "{error}");
        let error = parse_command(br#"{"type": "cast_votes"}"#).unwrap_err();
        assert!(
            error.message.contains("unknown command type `cast_votes`"),
            "{error}"
        );
        assert!(error.message.contains("`cast_vote`"), "{error}");
        let error = parse_command(br#"{"round": "r"}"#).unwrap_err();
        assert!(error.message.contains("missing field `type`"), "{error}");
    }

    #[test]
    fn a_wrong_value_is_still_named_by_the_parser() {
        let error = parse_command(
            br#"{"type": "cast_vote", "round": "r", "library": "l", "choice": "maybe"}"#,
        )
        .unwrap_err();
        assert!(error.message.contains("maybe"), "{error}");
        assert!(error.missing.is_empty() && error.unknown.is_empty());
    }
}
