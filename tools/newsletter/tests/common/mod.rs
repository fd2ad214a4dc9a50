//! A real HTTP server over the deterministic demo ledger, in process, for the
//! generator's tests: the read and write API on a free port of 127.0.0.1, plus a
//! secretariat token for publishing.

#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use actix_web::web;
use ledger_api::{AppState, ServerConfig};
use ledger_core::{ActorId, Role, Timestamp};
use ledger_store::TokenBook;

// The same replay the API's read tests use: the demo cycle on a fixed clock.
#[path = "../../../../crates/ledger-api/tests/demo_fixture/mod.rs"]
mod demo_fixture;

/// A served demo ledger; the ledger's directory lives as long as this value.
pub struct Served {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// A secretariat token.
    pub token: String,
    /// The ledger (and its directory).
    pub demo: demo_fixture::DemoLedger,
}

/// Replays the demo and serves it. The server thread ends with the test process.
pub fn serve_demo() -> Served {
    let demo = demo_fixture::demo_ledger();
    let token = TokenBook::open(demo.ledger.data_dir())
        .expect("token book")
        .issue(
            &ActorId::new(ledger_demo::scenario::SECRETARIAT),
            &Role::Secretariat,
            Timestamp::from_micros(0),
        )
        .expect("a token");
    let state = web::Data::new(AppState::new(demo.ledger.clone()).expect("state"));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let config = ServerConfig {
            addr: "127.0.0.1:0".to_owned(),
            workers: Some(1),
            ..ServerConfig::default()
        };
        actix_web::rt::System::new().block_on(ledger_api::run(state, config, move |addrs| {
            let _ = tx.send(addrs[0]);
        }))
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server listens");
    Served {
        url: format!("http://{addr}"),
        token,
        demo,
    }
}

/// Runs `ledger-newsletter` with `args`.
pub fn newsletter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ledger-newsletter"))
        .args(args)
        .env_remove("LEDGER_SERVER")
        .env_remove("LEDGER_TOKEN")
        .output()
        .expect("run ledger-newsletter")
}

/// The golden files of `ledger-report`.
pub fn golden(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../crates/ledger-report/tests/golden")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The public address the golden issues link to.
pub const LINK_BASE: &str = "https://bibliotheken.example";

/// Panics with the first line where `actual` and `expected` differ.
pub fn assert_same_text(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    panic!(
        "{what} differs at line {}: expected {:?}, got {:?}",
        line + 1,
        expected.lines().nth(line),
        actual.lines().nth(line)
    );
}
