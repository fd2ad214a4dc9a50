//! The `ledger` binary as a user runs it: outputs, exit statuses, and that bad input
//! leaves the ledger exactly as it was (the head hash `ledger verify` prints is
//! unchanged after every refusal).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use ledger_core::record::record_hash;
use ledger_store::layout::{position_key, EVENTS_TREE};
use ledger_store::{Ledger, LedgerOptions};
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

fn status(output: &Output) -> i32 {
    output.status.code().unwrap()
}

/// A fresh ledger in a temporary directory.
fn fresh() -> (tempfile::TempDir, PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger-data");
    let output = ledger(&["init", "--data", dir.to_str().unwrap()]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    (parent, dir)
}

/// `(length, hash)` as `ledger verify` prints them.
fn head(dir: &Path) -> (u64, String) {
    let output = ledger(&["verify", "--data", dir.to_str().unwrap()]);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap()
            .to_owned()
    };
    (field("length ").parse().unwrap(), field("hash "))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn grant_member(command_id: &str, actor: &str, member: &str) -> String {
    format!(
        r#"{{"command_id": "{command_id}", "actor": "{actor}",
            "command": {{"type": "grant_role", "actor": "{member}", "role": "steering_member"}}}}"#
    )
}

fn submit(dir: &Path, file: &Path) -> Output {
    ledger(&[
        "submit",
        "--data",
        dir.to_str().unwrap(),
        file.to_str().unwrap(),
    ])
}

/// A one-line message on stderr.
fn assert_one_line_error(output: &Output) {
    let err = stderr(output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("ledger: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn init_submit_log_verify_and_export_work_together() {
    let (parent, dir) = fresh();
    let data = dir.to_str().unwrap();
    assert_eq!(head(&dir).0, 2);

    let file = write(
        parent.path(),
        "grant.json",
        &grant_member("g-1", "secretariaat", "member-1"),
    );
    let output = submit(&dir, &file);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(
        printed.starts_with("appended command g-1 (1 record"),
        "{printed}"
    );
    let (length, hash) = head(&dir);
    assert_eq!(length, 3);
    assert!(
        printed.contains(&format!("position 2 hash {hash}")),
        "{printed}"
    );

    // The same command again is answered, not applied.
    let again = submit(&dir, &file);
    assert_eq!(status(&again), 0);
    assert!(stdout(&again).starts_with("already applied"));
    assert!(stdout(&again).contains(&format!("position 2 hash {hash}")));
    assert_eq!(head(&dir), (length, hash.clone()));

    let log = ledger(&["log", "--data", data]);
    assert_eq!(status(&log), 0);
    let lines: Vec<String> = stdout(&log).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("operator ledger_initialized ledger@0"));
    assert!(lines[2].contains("secretariaat role_granted actor/member-1@0"));
    assert!(lines[2].contains(&hash[..12]));

    let json = ledger(&[
        "log", "--data", data, "--json", "--from", "1", "--limit", "1",
    ]);
    let records: Vec<Value> = stdout(&json)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["position"], 1);
    assert_eq!(records[0]["type"], "role_granted");
    assert_eq!(records[0]["body"]["actor"], "secretariaat");
    assert_eq!(records[0]["body"]["role"], "secretariat");

    let out = parent.path().join("export.jsonl");
    let export = ledger(&["export", "--data", data, "--out", out.to_str().unwrap()]);
    assert_eq!(status(&export), 0, "{}", stderr(&export));
    let exported: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(exported.len(), 3);
    for (i, line) in exported.iter().enumerate() {
        assert_eq!(line["position"], i);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(line["bytes"].as_str().unwrap())
            .unwrap();
        assert_eq!(record_hash(&bytes).to_hex(), line["hash"].as_str().unwrap());
    }
    assert_eq!(exported[2]["hash"], hash.as_str());
    assert_eq!(exported[2]["prev_hash"], exported[1]["hash"]);
}

#[test]
fn the_data_directory_can_come_from_the_environment() {
    let (_parent, dir) = fresh();
    let output = Command::new(env!("CARGO_BIN_EXE_ledger"))
        .arg("verify")
        .env("LEDGER_DATA", &dir)
        .output()
        .unwrap();
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("length 2"));
}

#[test]
fn a_missing_input_file_is_an_input_error() {
    let (parent, dir) = fresh();
    let before = head(&dir);
    let output = submit(&dir, &parent.path().join("nowhere.json"));
    assert_eq!(status(&output), 2);
    assert_one_line_error(&output);
    assert!(stderr(&output).contains("cannot read"));
    assert_eq!(head(&dir), before);
}

#[test]
fn invalid_json_is_an_input_error() {
    let (parent, dir) = fresh();
    let before = head(&dir);
    for (name, text) in [
        ("broken.json", "{\"command_id\": \"x\", "),
        ("empty.json", ""),
        (
            "extra.json",
            r#"{"command_id": "x", "actor": "secretariaat", "weight": 9,
                "command": {"type": "grant_role", "actor": "m", "role": "steering_member"}}"#,
        ),
    ] {
        let output = submit(&dir, &write(parent.path(), name, text));
        assert_eq!(status(&output), 2, "{name}");
        assert_one_line_error(&output);
        assert!(stderr(&output).contains("not a valid command envelope"));
        assert_eq!(head(&dir), before, "{name}");
    }
}

#[test]
fn an_unknown_command_type_is_an_input_error() {
    let (parent, dir) = fresh();
    let before = head(&dir);
    let file = write(
        parent.path(),
        "unknown.json",
        r#"{"command_id": "x", "actor": "secretariaat", "command": {"type": "set_weight", "weight": 9}}"#,
    );
    let output = submit(&dir, &file);
    assert_eq!(status(&output), 2);
    assert_one_line_error(&output);
    assert!(stderr(&output).contains("unknown command type `set_weight`"));
    assert_eq!(head(&dir), before);
}

#[test]
fn a_locked_directory_is_refused_at_once() {
    let (parent, dir) = fresh();
    let before = head(&dir);
    let file = write(
        parent.path(),
        "grant.json",
        &grant_member("g-1", "secretariaat", "m-1"),
    );
    {
        let _holder = Ledger::open(&dir, LedgerOptions::default()).unwrap();
        let output = submit(&dir, &file);
        assert_eq!(status(&output), 3);
        assert_one_line_error(&output);
        assert!(stderr(&output).contains("locked"));
        let verify = ledger(&["verify", "--data", dir.to_str().unwrap()]);
        assert_eq!(status(&verify), 3);
    }
    assert_eq!(head(&dir), before);
}

#[test]
fn a_directory_that_is_not_a_ledger_is_refused_and_left_alone() {
    let parent = tempfile::tempdir().unwrap();
    let file = write(
        parent.path(),
        "grant.json",
        &grant_member("g-1", "secretariaat", "m-1"),
    );
    let plain = parent.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    std::fs::write(plain.join("notes.txt"), "hello").unwrap();
    for dir in [plain.clone(), parent.path().join("missing")] {
        for args in [
            vec![
                "submit",
                "--data",
                dir.to_str().unwrap(),
                file.to_str().unwrap(),
            ],
            vec!["log", "--data", dir.to_str().unwrap()],
            vec!["verify", "--data", dir.to_str().unwrap()],
        ] {
            let output = ledger(&args);
            assert_eq!(status(&output), 2, "{args:?}");
            assert_one_line_error(&output);
            assert!(stderr(&output).contains("is not a ledger directory"));
        }
    }
    let names: Vec<_> = std::fs::read_dir(&plain)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["notes.txt"]);
    assert!(!parent.path().join("missing").exists());

    // `init` refuses the directory with other files too.
    let output = ledger(&["init", "--data", plain.to_str().unwrap()]);
    assert_eq!(status(&output), 2);
    assert_one_line_error(&output);
}

#[test]
fn init_refuses_an_existing_ledger_and_a_bad_origin() {
    let (parent, dir) = fresh();
    let before = head(&dir);
    let again = ledger(&["init", "--data", dir.to_str().unwrap()]);
    assert_eq!(status(&again), 2);
    assert_one_line_error(&again);
    assert!(stderr(&again).contains("already holds a ledger"));
    assert_eq!(head(&dir), before);

    let other = parent.path().join("other");
    let bad = ledger(&[
        "init",
        "--data",
        other.to_str().unwrap(),
        "--origin",
        "two words",
    ]);
    assert_eq!(status(&bad), 2);
    assert_one_line_error(&bad);
    assert!(!other.exists());
}

#[test]
fn a_rejected_command_exits_1_and_writes_nothing() {
    let (parent, dir) = fresh();
    let before = head(&dir);
    let file = write(
        parent.path(),
        "stranger.json",
        &grant_member("g-1", "stranger", "m-1"),
    );
    let output = submit(&dir, &file);
    assert_eq!(status(&output), 1);
    assert_one_line_error(&output);
    assert!(
        stderr(&output).contains("rejected (not_permitted)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(head(&dir), before);
}

#[test]
fn a_command_id_reused_for_another_command_exits_1_and_writes_nothing() {
    let (parent, dir) = fresh();
    let first = write(
        parent.path(),
        "grant.json",
        &grant_member("g-1", "secretariaat", "member-1"),
    );
    assert_eq!(status(&submit(&dir, &first)), 0);
    let before = head(&dir);

    // The same id for another grant: refused, named, nothing written.
    let other = write(
        parent.path(),
        "other.json",
        &grant_member("g-1", "secretariaat", "member-2"),
    );
    let output = submit(&dir, &other);
    assert_eq!(status(&output), 1, "{}", stderr(&output));
    assert_one_line_error(&output);
    let err = stderr(&output);
    assert!(
        err.contains("command id g-1 was already used by secretariaat for another command"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(head(&dir), before);

    // The first command again is still a retry.
    let again = submit(&dir, &first);
    assert_eq!(status(&again), 0, "{}", stderr(&again));
    assert!(stdout(&again).starts_with("already applied"));
    assert_eq!(head(&dir), before);
}

#[test]
fn a_version_conflict_exits_1_and_writes_nothing() {
    let (parent, dir) = fresh();
    let before = head(&dir);
    let file = write(
        parent.path(),
        "conflict.json",
        r#"{"command_id": "g-1", "actor": "secretariaat", "expected_version": 3,
            "command": {"type": "grant_role", "actor": "m-1", "role": "steering_member"}}"#,
    );
    let output = submit(&dir, &file);
    assert_eq!(status(&output), 1);
    assert_one_line_error(&output);
    assert!(stderr(&output).contains("version conflict on stream actor/m-1: expected 3, actual 0"));
    assert_eq!(head(&dir), before);
}

#[test]
fn verify_names_the_first_damaged_position() {
    let (parent, dir) = fresh();
    let file = write(
        parent.path(),
        "grant.json",
        &grant_member("g-1", "secretariaat", "m-1"),
    );
    assert_eq!(status(&submit(&dir, &file)), 0);
    {
        let db = sled::open(&dir).unwrap();
        let events = db.open_tree(EVENTS_TREE).unwrap();
        let mut bytes = events.get(position_key(1)).unwrap().unwrap().to_vec();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        events.insert(position_key(1), bytes).unwrap();
        db.flush().unwrap();
    }
    let output = ledger(&["verify", "--data", dir.to_str().unwrap()]);
    assert_eq!(status(&output), 4);
    assert_one_line_error(&output);
    assert!(
        stderr(&output).contains("damaged at position 1"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("length 1"));
    // Every other command refuses to work over the damage too.
    let log = ledger(&["log", "--data", dir.to_str().unwrap()]);
    assert_eq!(status(&log), 4);
    assert_one_line_error(&log);
}

#[test]
fn commands_with_wide_numbers_can_be_submitted() {
    let (parent, dir) = fresh();
    let file = write(
        parent.path(),
        "register.json",
        r#"{"command_id": "reg-1", "actor": "secretariaat",
            "command": {"type": "register_library", "library": "lib-11002",
                        "name": "Bibliotheek Antwerpen", "municipalities": ["11002"],
                        "inhabitants": 529247}}"#,
    );
    let output = submit(&dir, &file);
    assert_eq!(status(&output), 0, "{}", stderr(&output));
    assert_eq!(head(&dir).0, 3);
}

// `ledger commands` and `ledger --help` list every command the ledger accepts, as the
// OpenAPI document does; `ledger submit` names every missing field of a command at once.

#[test]
fn commands_lists_every_command_with_its_fields_roles_and_example() {
    let output = ledger(&["commands"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let docs = ledger_core::command_docs::catalogue();
    assert_eq!(docs.len(), 30);
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
        let parsed = ledger_core::command_docs::parse_command(example.as_bytes()).unwrap();
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
    for doc in ledger_core::command_docs::catalogue() {
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
    let command = ledger_core::command_docs::parse_command(example.as_bytes()).unwrap();
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
    let (parent, dir) = fresh();
    let before = head(&dir);
    let file = write(
        parent.path(),
        "proposal.json",
        r#"{"command_id": "c-1", "actor": "secretariaat", "command": {"type": "file_proposal", "title": "E-books"}}"#,
    );
    let output = submit(&dir, &file);
    assert_eq!(status(&output), 2);
    assert_one_line_error(&output);
    assert!(
        stderr(&output).ends_with("proposal.json is not a valid command envelope: its command: `file_proposal`: missing fields `proposal`, `text`, `budget_cents_per_year`\n"),
        "{}",
        stderr(&output)
    );
    assert_eq!(head(&dir), before);
}
