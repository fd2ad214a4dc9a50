//! `tools/README.md` cannot drift from the tools: every program under `tools/` is in its
//! table, and every command the table gives runs: the program starts, answers `--help`
//! for the (sub)command named, and knows every option the command uses.
//!
//! The commands are parsed from the README itself. The binaries are built with cargo into
//! this test's own target directory first (a no-op after a workspace build), so the test
//! never checks a stale program. This file must never start a server or write outside
//! the target directory.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

/// One row of the table: the tool and its command's words.
#[derive(Debug)]
struct Row {
    tool: String,
    command: Vec<String>,
}

fn documented_rows() -> Vec<Row> {
    let text = std::fs::read_to_string(workspace().join("tools/README.md"))
        .expect("tools/README.md exists");
    text.lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 3, "tool | when | command: {line}");
            let tool = cells[0].trim().trim_matches('`').to_owned();
            let command = cells[2]
                .trim()
                .strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .unwrap_or_else(|| panic!("{tool}: the command is one `code span`"));
            Row {
                tool,
                command: command.split_whitespace().map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// The `[[bin]]` names of every package under `tools/`.
fn tool_binaries() -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(workspace().join("tools")).expect("tools/") {
        let manifest = entry.expect("an entry").path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let mut in_bin = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                in_bin = line == "[[bin]]";
            } else if let Some(name) = line.strip_prefix("name = ").filter(|_| in_bin) {
                names.push(name.trim_matches('"').to_owned());
            }
        }
    }
    names.sort();
    names
}

/// Builds `tools` and returns the directory holding them.
fn build(tools: &[String]) -> PathBuf {
    let exe = std::env::current_exe().expect("this test's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let target_dir = profile_dir.parent().expect("the target directory");
    let mut cargo = Command::new(option_env!("CARGO").unwrap_or("cargo"));
    cargo
        .current_dir(workspace())
        .args(["build", "--quiet", "--target-dir"])
        .arg(target_dir);
    if profile_dir.file_name().is_some_and(|p| p == "release") {
        cargo.arg("--release");
    }
    for tool in tools {
        cargo.args(["--bin", tool]);
    }
    let status = cargo.status().expect("run cargo build");
    assert!(status.success(), "cargo build of {tools:?} failed");
    profile_dir.to_owned()
}

#[test]
fn every_tool_is_listed_and_every_listed_command_runs() {
    let rows = documented_rows();
    let mut listed: Vec<String> = rows.iter().map(|r| r.tool.clone()).collect();
    listed.sort();
    assert_eq!(
        listed,
        tool_binaries(),
        "tools/README.md lists exactly the programs under tools/"
    );

    let bin = build(&listed);
    for row in &rows {
        assert_eq!(
            row.command[0], row.tool,
            "{}: the command runs the tool itself",
            row.tool
        );
        // Subcommands come before the first option; the options are checked in the help
        // of the subcommand they belong to.
        let subcommands: Vec<&String> = row.command[1..]
            .iter()
            .take_while(|w| !w.starts_with('-'))
            .collect();
        let options: Vec<&String> = row.command.iter().filter(|w| w.starts_with("--")).collect();
        assert!(!options.is_empty(), "{}: a command with options", row.tool);

        let output = Command::new(bin.join(&row.tool))
            .args(&subcommands)
            .arg("--help")
            .output()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", row.tool));
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{} {subcommands:?} --help failed: {}",
            row.tool,
            String::from_utf8_lossy(&output.stderr)
        );
        for option in options {
            let known = help
                .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
                .any(|word| word == option);
            assert!(
                known,
                "{}: the README's command uses {option}, which `{} {} --help` does not list:\n{help}",
                row.tool,
                row.tool,
                subcommands
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
}
