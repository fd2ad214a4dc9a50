//! `ledger commands`: every command the ledger accepts, with its fields, their types and
//! limits, who may issue it and an example; the same catalogue closes `ledger --help`.
//!
//! Everything printed comes from `ledger_core::command_docs`, which reads the schema of
//! the types that parse commands, so it says what the OpenAPI document and the parser
//! say. This module must never describe a command by hand, and never touch a ledger.

use std::io::Write;

use ledger_core::command_docs::{self, CommandDoc};

use crate::failure::{Failure, INPUT};

/// Arguments of `ledger commands`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show only this command (e.g. `cast_vote`).
    #[arg(value_name = "TYPE")]
    only: Option<String>,
    /// One JSON object per command (type, description, issued_by, fields, example).
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut docs = command_docs::catalogue();
    if let Some(only) = &args.only {
        docs.retain(|doc| &doc.type_name == only);
        if docs.is_empty() {
            let shown: String = only.chars().take(64).collect();
            return Err(Failure::error(
                INPUT,
                format!("unknown command type `{shown}`; `ledger commands` lists them"),
            ));
        }
    }
    let mut out = std::io::stdout().lock();
    for (i, doc) in docs.iter().enumerate() {
        if args.json {
            let fields: Vec<serde_json::Value> = doc
                .fields
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "name": f.name,
                        "required": f.required,
                        "type": f.type_text,
                        "description": f.description,
                    })
                })
                .collect();
            let line = serde_json::json!({
                "type": doc.type_name,
                "description": doc.description,
                "issued_by": issued_by(doc),
                "fields": fields,
                "example": doc.example,
            });
            writeln!(out, "{line}")?;
        } else {
            if i > 0 {
                writeln!(out)?;
            }
            write!(out, "{}", describe(doc))?;
        }
    }
    Ok(())
}

/// The role kinds that may issue the command, read from the core's table.
fn issued_by(doc: &CommandDoc) -> Vec<String> {
    command_docs::parse_command_value(&doc.example)
        .map(|command| {
            command
                .required_roles()
                .iter()
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// One command for people: a heading, who may issue it, its fields and an example.
fn describe(doc: &CommandDoc) -> String {
    let roles = issued_by(doc);
    let who = if roles.is_empty() {
        "anyone, on an empty ledger only".to_owned()
    } else {
        roles.join(" or ")
    };
    let mut text = format!(
        "{}: {}\n  issued by: {who}\n",
        doc.type_name, doc.description
    );
    let width = doc.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for field in &doc.fields {
        let need = if field.required {
            "required"
        } else {
            "optional"
        };
        text.push_str(&format!(
            "  {:width$}  {need}  {}: {}\n",
            field.name, field.type_text, field.description
        ));
    }
    text.push_str(&format!("  example: {}\n", doc.example_line()));
    text
}

/// The list that closes `ledger --help`: each command type and what it does.
pub fn help_text() -> String {
    let docs = command_docs::catalogue();
    let width = docs.iter().map(|d| d.type_name.len()).max().unwrap_or(0);
    let mut text = String::from(
        "Ledger commands (the body of `ledger submit` and POST /v1/commands; \
         `ledger commands TYPE` shows the fields and an example):\n",
    );
    for doc in &docs {
        text.push_str(&format!(
            "  {:width$}  {}\n",
            doc.type_name, doc.description
        ));
    }
    text
}
