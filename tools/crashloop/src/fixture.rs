//! The ledger before the first start: a secretariat, a steering member, a register of
//! libraries, one proposal and one vote round open for a year, and a token per account.
//!
//! It is written with `ledger-store` directly, while no server holds the directory. This
//! module must never touch the directory again once the loop has started.

use std::path::{Path, PathBuf};

use ledger_core::{ActorId, CommandId, Envelope, LibraryId, Role};
use ledger_store::{system_clock, Ledger, LedgerOptions, TokenBook};
use serde_json::{json, Value};

use crate::error::CrashLoopError;

/// The log's origin (the name of its signing key).
pub const ORIGIN: &str = "crashloop.example/ledger";

/// The round the writers vote in.
pub const ROUND: &str = "r-crash";

/// The secretariat's actor id.
const SECRETARIAT: &str = "sec";

/// An actor that may write, with its bearer token.
#[derive(Clone, Debug)]
pub struct Account {
    /// The actor id the token names.
    pub actor: String,
    /// The library it acts for; `None` for the secretariat.
    pub library: Option<String>,
    /// The bearer token.
    pub token: String,
}

/// What the writers and the checks need to know about the ledger.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// The data directory.
    pub data: PathBuf,
    /// The secretariat's account (files proposals).
    pub secretariat: Account,
    /// One account per library (casts votes).
    pub libraries: Vec<Account>,
    /// The log's verifier key text, read from `log-verifier.key`.
    pub verifier_key: String,
    /// Records in the log after the setup.
    pub setup_length: u64,
}

fn setup_error(what: &str, e: impl std::fmt::Display) -> CrashLoopError {
    CrashLoopError::Setup(format!("{what}: {e}"))
}

/// Creates the ledger in `data` (which must not hold one) with `libraries` libraries.
pub fn create(data: &Path, libraries: usize) -> Result<Fixture, CrashLoopError> {
    let ledger = Ledger::init(
        data,
        ORIGIN,
        ActorId::new(SECRETARIAT),
        LedgerOptions::default(),
    )
    .map_err(|e| setup_error("ledger init", e))?;
    let now = system_clock();
    // A round needs as many steering members as signatures it requires.
    let mut commands =
        vec![json!({"type": "grant_role", "actor": "m1", "role": "steering_member"})];
    for i in 0..libraries {
        commands.push(json!({
            "type": "register_library", "library": library_id(i),
            "name": format!("Bibliotheek {i}"), "municipalities": [format!("{:05}", 10_000 + i)],
            "inhabitants": 3_000 + (i as u64 * 7_919) % 60_000
        }));
        commands.push(json!({"type": "grant_role", "actor": account_id(i), "role": {"library": library_id(i)}}));
    }
    commands.push(
        json!({"type": "file_proposal", "proposal": "p-crash", "title": "Crash loop",
        "text": "The proposal the crash loop votes on.", "budget_cents_per_year": 10_000_000}),
    );
    // A year-long window, so that a long run never sees its round close.
    commands.push(
        json!({"type": "open_round", "round": ROUND, "proposal": "p-crash",
        "closes_at": now.plus_seconds(365 * 24 * 3600).to_rfc3339(),
        "rule": {"signatures_required": 1}, "signed_votes": "optional"}),
    );
    for (n, command) in commands.into_iter().enumerate() {
        append(&ledger, n, command)?;
    }
    let setup_length = ledger.head().length;
    drop(ledger);

    let book = TokenBook::open(data).map_err(|e| setup_error("token book", e))?;
    let issue = |actor: &str, role: Role| {
        book.issue(&ActorId::new(actor), &role, system_clock())
            .map_err(|e| setup_error("issuing a token", e))
    };
    let secretariat = Account {
        actor: SECRETARIAT.to_owned(),
        library: None,
        token: issue(SECRETARIAT, Role::Secretariat)?,
    };
    let libraries = (0..libraries)
        .map(|i| {
            Ok(Account {
                actor: account_id(i),
                library: Some(library_id(i)),
                token: issue(&account_id(i), Role::Library(LibraryId::new(library_id(i))))?,
            })
        })
        .collect::<Result<Vec<_>, CrashLoopError>>()?;
    let key_path = data.join("log-verifier.key");
    let verifier_key = std::fs::read_to_string(&key_path)
        .map_err(|source| CrashLoopError::Io {
            path: key_path,
            source,
        })?
        .trim()
        .to_owned();
    Ok(Fixture {
        data: data.to_owned(),
        secretariat,
        libraries,
        verifier_key,
        setup_length,
    })
}

fn library_id(i: usize) -> String {
    format!("lib-{i:03}")
}

fn account_id(i: usize) -> String {
    format!("acc-{i:03}")
}

fn append(ledger: &Ledger, n: usize, command: Value) -> Result<(), CrashLoopError> {
    let command = serde_json::from_value(command).map_err(|e| setup_error("a setup command", e))?;
    let envelope = Envelope {
        command_id: CommandId::new(format!("setup-{n}")),
        actor: ActorId::new(SECRETARIAT),
        expected_version: None,
        command,
    };
    ledger
        .append(envelope)
        .map(|_| ())
        .map_err(|e| setup_error(&format!("setup command {n}"), format!("{e:?}")))
}
