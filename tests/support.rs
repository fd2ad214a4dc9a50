//! Helpers shared by the system tests: writing and copying fixture ledgers.
//!
//! A fixture ledger is a data directory written by one version of the code and
//! committed; every later version must open it, verify it and read the same numbers.
//! This module must never modify a committed fixture in place: tests work on a copy.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ledger_core::{
    ActorId, Choice, Command, CommandId, Envelope, LibraryId, NisCode, ProposalId, Role, RoundId,
    Timestamp,
};
use ledger_store::{system_clock, Ledger, LedgerOptions};

/// The committed fixture written by format version 1 of the record.
pub fn fixture_v1() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/ledger-v1")
}

/// Copies a fixture directory (flat files plus `blobs/`) to a fresh temporary directory.
pub fn copy_fixture(from: &Path) -> std::io::Result<tempfile::TempDir> {
    let temp = tempfile::tempdir()?;
    copy_dir(from, temp.path())?;
    Ok(temp)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn envelope(n: &mut u32, actor: &str, command: Command) -> Envelope {
    *n += 1;
    Envelope {
        command_id: CommandId::new(format!("fixture-{n:03}")),
        actor: ActorId::new(actor),
        expected_version: None,
        command,
    }
}

/// The origin of the ledger [`write_fixture`] writes.
pub const FIXTURE_ORIGIN: &str = "fixture.ledger.local/v1";

/// The libraries of the fixture: id, NIS code, inhabitants, and how each votes.
pub const LIBRARIES: [(&str, &str, i128, Option<Choice>); 6] = [
    ("lib-a", "11001", 529_247, Some(Choice::Yes)),
    ("lib-b", "11002", 14_427, Some(Choice::No)),
    ("lib-c", "11004", 13_372, Some(Choice::Abstain)),
    ("lib-d", "11005", 18_555, Some(Choice::Yes)),
    ("lib-e", "11007", 20_139, None),
    ("lib-f", "11008", 35_123, Some(Choice::Yes)),
];

/// Writes a short but complete decision cycle with today's code into `dir`, with a
/// real-time vote window of `window` (the fixture's timestamps are the real ones).
pub fn write_fixture(dir: &Path, window: Duration) -> Result<Ledger, String> {
    let clock = Arc::new(Mutex::new(None::<Timestamp>));
    let options = LedgerOptions {
        clock: {
            let clock = Arc::clone(&clock);
            Arc::new(move || {
                clock
                    .lock()
                    .ok()
                    .and_then(|c| *c)
                    .unwrap_or_else(system_clock)
            })
        },
        ..LedgerOptions::default()
    };
    let ledger = Ledger::init(dir, FIXTURE_ORIGIN, ActorId::new("secretariaat"), options)
        .map_err(|e| e.to_string())?;
    let mut n = 0;
    let mut run = |actor: &str, command: Command| {
        // Members sign with their demo keys (registered below): a certification needs it.
        let id = CommandId::new(format!("fixture-{:03}", n + 1));
        let command = ledger_demo::keys::signed_in(FIXTURE_ORIGIN, actor, &id, command);
        let envelope = envelope(&mut n, actor, command);
        ledger
            .append(envelope)
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    };
    for member in ["lid-an", "lid-bart"] {
        run(
            "secretariaat",
            Command::GrantRole {
                actor: ActorId::new(member),
                role: Role::SteeringMember,
            },
        )?;
        let id = CommandId::new(format!("key-{member}"));
        let key =
            ledger_demo::keys::registration_in(FIXTURE_ORIGIN, member, &id).ok_or("no demo key")?;
        ledger
            .append(Envelope {
                command_id: id,
                actor: ActorId::new(member),
                expected_version: None,
                command: key,
            })
            .map_err(|e| format!("{e:?}"))?;
    }
    for (id, nis, inhabitants, _) in LIBRARIES {
        run(
            "secretariaat",
            Command::RegisterLibrary {
                library: LibraryId::new(id),
                name: format!("Bibliotheek {id}"),
                municipalities: vec![NisCode(nis.into())],
                inhabitants,
            },
        )?;
        run(
            "secretariaat",
            Command::GrantRole {
                actor: ActorId::new(id),
                role: Role::Library(LibraryId::new(id)),
            },
        )?;
    }
    run(
        "lid-an",
        Command::FileProposal {
            proposal: ProposalId::new("p-fixture"),
            title: "Digitale diensten centraal".into(),
            text: "Fixture proposal.".into(),
            budget_cents_per_year: 20_000_000,
            trial: false,
        },
    )?;
    let closes_at = system_clock().plus_seconds(i64::try_from(window.as_secs()).unwrap_or(2));
    run(
        "secretariaat",
        Command::OpenRound {
            title: None,
            round: RoundId::new("r-fixture"),
            proposal: ProposalId::new("p-fixture"),
            opens_at: None,
            closes_at,
            rule: None,
            trial: false,
            live_results: false,
            signed_votes: Some(ledger_core::SignedVotes::Optional),
        },
    )?;
    for (id, _, _, choice) in LIBRARIES {
        if let Some(choice) = choice {
            run(
                id,
                Command::CastVote {
                    round: RoundId::new("r-fixture"),
                    library: LibraryId::new(id),
                    choice,
                    remark: Some(format!("Stem van {id}.")),
                    signature: None,
                },
            )?;
        }
    }
    while system_clock() < closes_at {
        std::thread::sleep(Duration::from_millis(50));
    }
    run(
        "secretariaat",
        Command::CloseRound {
            round: RoundId::new("r-fixture"),
        },
    )?;
    let digest = ledger
        .state()
        .rounds
        .get(&RoundId::new("r-fixture"))
        .map(|r| r.tally().digest(&r.id))
        .ok_or("round missing")?;
    for member in ["lid-an", "lid-bart"] {
        run(
            member,
            Command::SignCertification {
                round: RoundId::new("r-fixture"),
                tally_digest: digest.clone(),
                signature: None,
            },
        )?;
    }
    Ok(ledger)
}
