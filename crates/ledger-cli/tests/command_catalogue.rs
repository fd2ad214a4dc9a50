//! `ledger commands` and `ledger --help` list every command the ledger accepts, as the
//! OpenAPI document does, and `ledger submit` names every missing field of a command at
//! once, leaving the ledger as it was.

use std::process::{Command, Output};

use ledger_core::command_docs;
use serde_json::Value;

fn ledger(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .env_remove("LEDGER_DATA")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn commands_lists_every_command_with_its_fields_roles_and_example() {
    let output = ledger(&["commands"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let docs = command_docs::catalogue();
    assert_eq!(docs.len(), 21);
    for doc in &docs {
        let heading = format!("{}: {}\n", doc.type_name, doc.description);
        let start = text
            .find(&heading)
            .unwrap_or_else(|| panic!("no heading {heading:?} in\n{text}"));
        let section = text[start..].split("\n\n").next().unwrap();
        for field in &doc.fields {
            let need = if field.required {
                "required"
            } else {
                "optional"
            };
            assert!(
                section.lines().any(|l| {
                    l.trim_start().starts_with(&format!("{} ", field.name)) && l.contains(need)
                }),
                "{}: field {} in\n{section}",
                doc.type_name,
                field.name
            );
        }
        let example = section
            .lines()
            .find_map(|l| l.strip_prefix("  example: "))
            .unwrap_or_else(|| panic!("no example in\n{section}"));
        let parsed = command_docs::parse_command(example.as_bytes()).unwrap();
        assert_eq!(parsed.type_name(), doc.type_name);
    }
    let vote = text
        .split("\n\n")
        .find(|s| s.starts_with("cast_vote:"))
        .unwrap();
    assert!(vote.contains("  issued by: library\n"), "{vote}");
    assert!(
        vote.lines().any(|l| l.starts_with("  round ")
            && l.ends_with("required  id (1 to 128 of A-Z a-z 0-9 . _ : -): The round.")),
        "{vote}"
    );
    assert!(
        vote.contains("required  one of yes, no, abstain: Yes, no or abstain."),
        "{vote}"
    );
    let sign = text
        .split("\n\n")
        .find(|s| s.starts_with("sign_certification:"))
        .unwrap();
    assert!(sign.contains("  issued by: steering_member\n"), "{sign}");
}

#[test]
fn help_names_the_same_commands_as_the_listing() {
    let output = ledger(&["--help"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let help = stdout(&output);
    assert!(help.contains("  commands "), "{help}");
    for doc in command_docs::catalogue() {
        assert!(
            help.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(&format!("{} ", doc.type_name)) && l.ends_with(&doc.description)
            }),
            "{} missing from --help:\n{help}",
            doc.type_name
        );
    }
    assert!(help.contains("Exit status:"), "{help}");
}

#[test]
fn one_command_as_json_has_an_example_the_parser_accepts() {
    let output = ledger(&["commands", "record_government_decision", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["type"], "record_government_decision");
    assert_eq!(lines[0]["issued_by"], serde_json::json!(["secretariat"]));
    let example = lines[0]["example"].to_string();
    let command = command_docs::parse_command(example.as_bytes()).unwrap();
    assert_eq!(command.type_name(), "record_government_decision");
    let names: Vec<&str> = lines[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[..2], ["decision", "advice"]);
}

#[test]
fn an_unknown_type_is_an_input_error() {
    let output = ledger(&["commands", "seize_power"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "ledger: unknown command type `seize_power`; `ledger commands` lists them\n"
    );
}

#[test]
fn submit_names_every_missing_field_at_once_and_writes_nothing() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger-data");
    let data = dir.to_str().unwrap();
    let init = ledger(&["init", "--data", data]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let verify = || stdout(&ledger(&["verify", "--data", data]));
    let before = verify();
    let file = parent.path().join("proposal.json");
    std::fs::write(
        &file,
        r#"{"command_id": "c-1", "actor": "secretariaat", "command": {"type": "file_proposal", "title": "E-books"}}"#,
    )
    .unwrap();
    let output = ledger(&["submit", "--data", data, file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.ends_with("proposal.json is not a valid command envelope: its command: `file_proposal`: missing fields `proposal`, `text`, `budget_cents_per_year`\n"),
        "{err}"
    );
    assert_eq!(verify(), before);
}
