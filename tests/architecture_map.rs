//! ARCHITECTURE.md's "Crates" section tells the truth about what it can be checked on:
//! a tool it calls "an HTTP client only" neither depends on nor uses the store, and the
//! golden files it says `ledger-report` has are exactly the ones there; the folds the
//! map says read with `Ledger::log` do, and never with `Ledger::records`.
//!
//! The claims are read from ARCHITECTURE.md itself, so changing the code without the
//! sentence (or the sentence without the code) fails here. This file only reads.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

/// The bullets of the "## Crates" section, each joined into one line.
fn crate_bullets() -> Vec<String> {
    let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).expect("the map");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Crates\n"))
        .expect("a section `## Crates`");
    let mut bullets: Vec<String> = Vec::new();
    for line in section.lines().skip(1) {
        if let Some(start) = line.strip_prefix("- ") {
            bullets.push(start.to_owned());
        } else if let (Some(last), true) = (bullets.last_mut(), line.starts_with("  ")) {
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    bullets
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_tool_the_map_calls_an_http_client_only_keeps_away_from_the_store() {
    let mut checked = Vec::new();
    for bullet in crate_bullets() {
        if !(bullet.contains("HTTP client only") || bullet.contains("HTTP clients only")) {
            continue;
        }
        let path = bullet
            .strip_prefix('`')
            .and_then(|b| b.split('`').next())
            .expect("a bullet opens with its `path`");
        let dir = workspace().join(path);
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("its Cargo.toml");
        let dependencies = manifest
            .split("\n[")
            .find(|s| s.starts_with("dependencies]"))
            .unwrap_or_default();
        for store in ["ledger-store", "sled"] {
            assert!(
                !dependencies
                    .lines()
                    .any(|l| l.trim_start().starts_with(store)),
                "the map calls {path} an HTTP client only, but it depends on {store}"
            );
        }
        for file in sources(&dir.join("src")) {
            let code = std::fs::read_to_string(&file).expect("a source file");
            for store in ["ledger_store", "sled::"] {
                assert!(
                    !code.contains(store),
                    "the map calls {path} an HTTP client only, but {} uses {store}",
                    file.display()
                );
            }
        }
        checked.push(path.to_owned());
    }
    checked.sort();
    assert_eq!(checked, ["tools/load", "tools/newsletter"]);
}

#[test]
fn the_golden_files_the_map_names_are_the_ones_there() {
    let bullet = crate_bullets()
        .into_iter()
        .find(|b| b.starts_with("`crates/ledger-report`"))
        .expect("a bullet for ledger-report");
    let (_, pinned) = bullet
        .split_once("Golden files (`crates/ledger-report/tests/golden`) pin")
        .expect("the bullet says which golden files pin what");
    let (pinned, _) = pinned
        .split_once(';')
        .expect("a list of patterns, then ';'");
    // The patterns are the code spans: `newsletter.*.md` and the like.
    let patterns: Vec<(&str, &str)> = pinned
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|p| p.split_once('*').expect("a pattern `prefix*suffix`"))
        .collect();
    assert!(!patterns.is_empty());

    let dir = workspace().join("crates/ledger-report/tests/golden");
    let files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the golden directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    for file in &files {
        assert!(
            patterns
                .iter()
                .any(|(prefix, suffix)| file.starts_with(prefix) && file.ends_with(suffix)),
            "{file} is a golden file the map does not name"
        );
    }
    for (prefix, suffix) in &patterns {
        assert!(
            files
                .iter()
                .any(|f| f.starts_with(prefix) && f.ends_with(suffix)),
            "the map names golden files `{prefix}*{suffix}` that do not exist"
        );
    }
    // The page and the feed are pinned like the newsletter and the infographic.
    for pinned in ["page", "feed", "newsletter", "result"] {
        assert!(
            patterns
                .iter()
                .any(|(prefix, _)| prefix.starts_with(pinned)),
            "the map pins no golden file for the {pinned}"
        );
    }
}

/// The map says every fold after the open (catch-up, rebuild, reads of the past, the
/// digest) reads with `Ledger::log` and that `Ledger::records` only hands records out.
/// The API's folding modules must then call the one and never the other.
#[test]
fn the_folds_the_map_names_read_with_the_fast_reader_only() {
    let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).expect("the map");
    let claim = "reads with `Ledger::log`";
    assert!(
        text.contains(claim),
        "ARCHITECTURE.md no longer says which reader the folds use ({claim:?}); update this test with the map"
    );
    let api = workspace().join("crates/ledger-api/src");
    let mut folds_with_log = 0;
    for name in ["live.rs", "history.rs"] {
        let path = api.join(name);
        let code = std::fs::read_to_string(&path).expect("a folding module of the API");
        assert!(
            !code.contains(".records("),
            "{} folds with Ledger::records, which re-reads and re-hashes every record; the map says folds use Ledger::log",
            path.display()
        );
        folds_with_log += code.matches(".log(").count();
    }
    assert!(
        folds_with_log > 0,
        "the API's folds never call Ledger::log, though the map says they do"
    );
}
