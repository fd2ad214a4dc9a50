//! README.md's "Running a decision cycle", run as written: its `sh` blocks are extracted and
//! run by bash (`set -euo pipefail`) in a fresh directory holding the real municipalities
//! CSV from `../shared/data`, the README's `scores.csv` block and a decision document,
//! with the built `ledger` first on PATH. The test then checks the public result and
//! audits the whole log with ledger-audit's own `verify`.
//!
//! One line is adapted, and only it: `ledger serve --addr 127.0.0.1:8080 &` listens on a
//! free port instead, and the script waits for its `listening on URL` line and points
//! LEDGER_SERVER there (a person starts the server and waits by eye). The server is
//! stopped by its process id when the test ends.

use std::path::{Path, PathBuf};
use std::process::Command;

const SERVE_LINE: &str = "ledger serve --addr 127.0.0.1:8080 &";
const SERVE_FOR_TEST: &str =
    "ledger serve --addr 127.0.0.1:0 > serve.out 2> serve.err & echo $! > serve.pid
for _ in $(seq 1200); do grep -q '^listening on ' serve.out && break; sleep 0.1; done
export LEDGER_SERVER=$(sed -n 's/^listening on //p' serve.out)";

/// The README's section `title`, up to the next `## ` heading.
fn section<'a>(readme: &'a str, title: &str) -> &'a str {
    let start = readme
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("README.md has no section {title:?}"));
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// The bodies of every fenced block of `language` in `text`, in order.
fn blocks<'a>(text: &'a str, language: &str) -> Vec<&'a str> {
    let fence = format!("```{language}\n");
    text.match_indices(&fence)
        .map(|(start, _)| {
            let body = &text[start + fence.len()..];
            &body[..body.find("```").expect("closed block")]
        })
        .collect()
}

/// The `ledger` command lines of a script.
fn ledger_lines(script: &str) -> Vec<&str> {
    script
        .lines()
        .filter(|line| {
            line.split_whitespace()
                .any(|w| w == "ledger" || w.ends_with("$(ledger"))
        })
        .collect()
}

/// The body of the one fenced block of `language` in `text`.
fn block<'a>(text: &'a str, language: &str) -> &'a str {
    let fence = format!("```{language}\n");
    let mut blocks = text.match_indices(&fence);
    let (start, _) = blocks
        .next()
        .unwrap_or_else(|| panic!("no {fence:?} block"));
    assert!(blocks.next().is_none(), "more than one {fence:?} block");
    let body = &text[start + fence.len()..];
    &body[..body.find("```").expect("closed block")]
}

/// Stops the script's background server by the id it wrote, whatever happens.
struct StopServer(PathBuf);

impl Drop for StopServer {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.0.join("serve.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn shared_csv() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/municipalities-flanders-brussels-2020.csv");
    path.exists().then_some(path)
}

#[test]
fn the_readme_runs_a_whole_decision_cycle() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .expect("README.md");
    let cycle = section(&readme, "Running a decision cycle");
    let sh = blocks(cycle, "sh");
    let script = sh.join("\n");
    let scores = block(cycle, "csv");

    // What the issue asks of the section: few commands, none of them hand-written JSON.
    // The authors' keys are made once per author, on the author's own machine, not in
    // every cycle: they have a block of their own, one `key new` per author, and the
    // secretariat's cycle around it holds at most 25 commands.
    let (key_blocks, cycle_blocks): (Vec<&str>, Vec<&str>) = sh.iter().partition(|b| {
        ledger_lines(b)
            .iter()
            .all(|l| l.contains("ledger key new "))
    });
    assert_eq!(key_blocks.len(), 1, "one block of authors' keys");
    assert_eq!(
        ledger_lines(key_blocks[0]).len(),
        4,
        "one key per author: the two members and the two libraries"
    );
    let commands: usize = cycle_blocks.iter().map(|b| ledger_lines(b).len()).sum();
    assert!(
        commands <= 25,
        "{commands} ledger commands in the README's cycle"
    );
    assert!(!script.contains('{'), "no JSON in the README's cycle");
    assert!(
        script.lines().any(|l| l == SERVE_LINE),
        "the README starts the server with {SERVE_LINE:?}"
    );

    let Some(csv) = shared_csv() else {
        println!("skipped running it: ../shared/data is not present beside the repository");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let _stop = StopServer(work.path().to_owned());
    std::fs::copy(
        &csv,
        work.path()
            .join("municipalities-flanders-brussels-2020.csv"),
    )
    .unwrap();
    std::fs::write(work.path().join("scores.csv"), scores).unwrap();
    let document = b"Beheersovereenkomst 2024-2028, artikel 12: 200.000 euro per jaar.\n";
    std::fs::write(
        work.path().join("beheersovereenkomst-2024-2028.pdf"),
        document,
    )
    .unwrap();

    let adapted = script.replace(SERVE_LINE, SERVE_FOR_TEST);
    let bin = Path::new(env!("CARGO_BIN_EXE_ledger"))
        .parent()
        .unwrap()
        .to_owned();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &adapted])
        .current_dir(work.path())
        .env("PATH", path)
        .env_remove("LEDGER_DATA")
        .env_remove("LEDGER_SERVER")
        .env_remove("LEDGER_TOKEN")
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the README's cycle failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );

    let served = std::fs::read_to_string(work.path().join("serve.out")).unwrap();
    let url = served
        .lines()
        .find_map(|l| l.strip_prefix("listening on "))
        .expect("the server's address")
        .trim()
        .to_owned();
    let get = |path: &str| -> serde_json::Value {
        ureq::get(&format!("{url}{path}"))
            .call()
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .into_json()
            .unwrap()
    };

    // The public result under the round's title: both libraries voting said yes,
    // certified twice.
    let result = get("/v1/rounds/stemronde-2023-05/result");
    assert_eq!(result["title"], "Stemronde mei 2023", "{result}");
    assert_eq!(result["status"], "closed", "{result}");
    assert_eq!(result["outcome"], "adopted", "{result}");
    assert_eq!(result["yes"]["libraries"], 2, "{result}");
    assert_eq!(result["no"]["libraries"], 0, "{result}");
    assert_eq!(result["yes"]["inhabitants"], 529_247 + 263_927, "{result}");
    assert_eq!(result["eligible"]["libraries"], 319, "{result}");
    assert_eq!(result["signatures"], 2, "{result}");
    let proposal = get("/v1/proposals/prop-2023-05");
    assert_eq!(
        proposal["advice"],
        serde_json::json!(["advies-2023-05"]),
        "{proposal}"
    );
    assert_eq!(
        proposal["decisions"],
        serde_json::json!(["besluit-2023-06"]),
        "{proposal}"
    );
    assert_eq!(
        proposal["sheets"],
        serde_json::json!(["pf-2024-ebooks", "pf-2024-pas"]),
        "{proposal}"
    );
    // The corrected advice is in the timeline with its reason.
    let corrections: Vec<(&str, &str)> = proposal["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .filter_map(|s| Some((s["step"].as_str()?, s["reason"].as_str()?)))
        .collect();
    assert_eq!(
        corrections,
        [(
            "advice_superseded",
            "Het advies noemt nu de drie bestedingen uit het voorstel."
        )],
        "{proposal}"
    );
    // The public page names the signer (the other member was given no name, so her
    // account stands in), and leads with the round by its title.
    let page = ureq::get(&format!("{url}/?lang=en"))
        .call()
        .expect("the page")
        .into_string()
        .unwrap();
    assert!(
        page.contains("An Peeters and bert-claes signed the tally"),
        "{page}"
    );
    assert!(
        page.contains(
            "<h1 id=\"r-stemronde-2023-05\"><span lang=\"nl-BE\">Stemronde mei 2023</span></h1>"
        ),
        "{page}"
    );
    // The decision records the document's own BLAKE3, as `ledger hash` prints it.
    let digest = blake3::hash(document).to_hex().to_string();
    let events = get("/v1/events?limit=500&after=319");
    let recorded: Vec<&serde_json::Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            matches!(
                e["type"].as_str(),
                Some(
                    "advice_sent"
                        | "advice_superseded"
                        | "government_decision_recorded"
                        | "sheet_scored"
                        | "priorities_decided"
                        | "newsletter_issued"
                )
            )
        })
        .collect();
    let decision = recorded
        .iter()
        .find(|e| e["type"] == "government_decision_recorded")
        .expect("the decision");
    assert_eq!(
        decision["body"]["document_blake3"],
        digest.as_str(),
        "{decision}"
    );
    assert_eq!(
        recorded
            .iter()
            .filter(|e| e["type"] == "sheet_scored")
            .count(),
        scores.lines().count() - 1
    );
    // The earlier advice stays in the log as sent; the correction follows it.
    let sent = recorded
        .iter()
        .find(|e| e["type"] == "advice_sent")
        .expect("the advice");
    assert!(
        sent["body"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("De bibliotheken adviseren de IBL-middelen centraal")),
        "{sent}"
    );
    let corrected = recorded
        .iter()
        .find(|e| e["type"] == "advice_superseded")
        .expect("the correction");
    assert!(
        corrected["position"].as_u64() > sent["position"].as_u64(),
        "{corrected}"
    );
    assert!(
        corrected["body"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("vanaf 2024")),
        "{corrected}"
    );
    assert!(recorded.iter().any(|e| e["type"] == "priorities_decided"));
    assert!(recorded.iter().any(|e| e["type"] == "newsletter_issued"));

    // ledger-audit verify: the checkpoint, the tree, the chain and the recount.
    let key = ledger_audit::checkpoint::load_key(&format!(
        "@{}",
        work.path().join("cyclus/log-verifier.key").display()
    ))
    .unwrap();
    let report =
        ledger_audit::verify::verify(&ledger_audit::source::ServerSource::new(&url), &key, None)
            .expect("ledger-audit verify passes");
    assert_eq!(report.rounds.len(), 1);
    assert!(report.rounds[0].certified);
    assert_eq!(report.results_compared, Some(1));
    // Both votes and both certifications carry their authors' own signatures.
    let votes = report.signatures.votes();
    assert_eq!((votes.signed, votes.total), (2, 2));
    let certifications = report.signatures.certifications;
    assert_eq!((certifications.signed, certifications.total), (2, 2));
}
