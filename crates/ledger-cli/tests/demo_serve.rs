//! End to end: the real `ledger demo` binary builds the May 2023 cycle, serves it on a
//! free port, and a reader sees the result the libraries saw.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server when the test ends, whatever happens.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_demo(dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(["demo", "--data"])
        .arg(dir)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start ledger demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut url = None;
    for line in lines.by_ref() {
        let line = line.expect("read stdout");
        if let Some(rest) = line.strip_prefix("listening on ") {
            url = Some(rest.trim().to_owned());
            break;
        }
        assert!(Instant::now() < deadline, "the demo did not start in time");
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let server = Server {
        child,
        url: url.expect("the demo printed its URL"),
    };
    wait_healthy(&server.url);
    server
}

fn wait_healthy(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if ureq::get(&format!("{url}/healthz")).call().is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{url}/healthz never answered");
}

fn get_json(url: &str) -> serde_json::Value {
    ureq::get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .into_json()
        .expect("JSON body")
}

#[test]
fn the_demo_serves_the_may_2023_result() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("demo");
    let server = start_demo(&dir);

    let result = get_json(&format!("{}/v1/rounds/r-2023-05/result", server.url));
    assert_eq!(result["cast"]["libraries"], 190);
    assert_eq!(
        result["yes_share_of_represented_inhabitants"]["percent_rounded"],
        "92"
    );
    assert_eq!(result["outcome"], "adopted");
    assert_eq!(result["certified"], true);

    let proposal = get_json(&format!(
        "{}/v1/proposals/p-2023-ibl-microsubsidies",
        server.url
    ));
    let steps: Vec<&str> = proposal["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    for step in [
        "filed",
        "in_vote",
        "voted",
        "certified",
        "advice_sent",
        "government_decided",
    ] {
        assert!(steps.contains(&step), "timeline lacks {step}: {steps:?}");
    }

    // The demo links its page to the address it listens on, whatever Host says.
    let page = ureq::get(&format!("{}/", server.url))
        .set("X-Forwarded-Host", "evil.example")
        .call()
        .expect("the page")
        .into_string()
        .expect("the page's text");
    assert!(
        page.contains(&format!("curl -s {}/v1/log/key", server.url)),
        "the page does not link to {}",
        server.url
    );
    assert!(!page.contains("evil.example"));

    let unknown = ureq::get(&format!("{}/v1/rounds/nope/result", server.url)).call();
    match unknown {
        Err(ureq::Error::Status(404, response)) => {
            assert_eq!(response.content_type(), "application/problem+json");
        }
        other => panic!("expected 404, got {other:?}"),
    }
}

#[test]
fn the_demo_refuses_a_directory_that_is_not_empty() {
    let parent = tempfile::tempdir().unwrap();
    std::fs::write(parent.path().join("keep.txt"), "mine").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(["demo", "--no-serve", "--data"])
        .arg(parent.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(parent.path().join("keep.txt")).unwrap(),
        "mine"
    );
}
