//! Ledgers written by earlier versions must open, verify and read the same with today's
//! code. `fixtures/ledger-v1` was written by the first version of the record format (see
//! `expected.txt` beside it for its head and checkpoint). Regenerate only when a new
//! fixture version is added, never to make this test pass:
//! `cargo test -p ledger-system-tests --test fixture_compat -- --ignored write_new_fixture`.

use std::collections::BTreeMap;

use ledger_core::{ActorId, Command, CommandId, Envelope, Role, RoundId};
use ledger_projections::ReadModel;
use ledger_store::{verify, AppendError, Ledger, LedgerOptions};
use ledger_system_tests::{copy_fixture, fixture_v1, write_fixture};

fn expected() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(fixture_v1().with_file_name("ledger-v1.expected.txt"))
        .expect("the fixture's expected values");
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn the_v1_fixture_opens_verifies_and_reads_the_same() {
    let want = expected();
    let copy = copy_fixture(&fixture_v1()).expect("copy the fixture");
    let report = verify(copy.path()).expect("verify runs");
    assert!(report.is_intact(), "{:?}", report.first_problem());
    assert_eq!(report.head.length.to_string(), want["length"]);
    assert_eq!(report.head.hash.to_hex(), want["head"]);

    let ledger = Ledger::open(copy.path(), LedgerOptions::default()).expect("open");
    assert_eq!(ledger.head().hash.to_hex(), want["head"]);
    let checkpoint = ledger_tlog::SignedCheckpoint::open(
        &ledger.checkpoint(),
        "fixture.ledger.local/v1",
        &[ledger_tlog::NoteVerifier::parse(&want["verifier"]).expect("verifier key")],
    )
    .expect("the checkpoint verifies with the committed key");
    assert_eq!(checkpoint.checkpoint.size.to_string(), want["length"]);
    assert_eq!(checkpoint.checkpoint.root.to_base64(), want["root"]);

    let records = ledger.records(0, 10_000).expect("read the log");
    let mut model = ReadModel::new();
    for sealed in &records {
        let event = sealed.record.event().expect("every stored event decodes");
        model.apply(sealed, &event);
    }
    let result = model
        .round_result(&RoundId::new("r-fixture"))
        .expect("the fixture's round");
    assert_eq!(result.cast.libraries.to_string(), want["cast_libraries"]);
    let yes = result.yes.expect("a certified round shows its counts");
    assert_eq!(yes.inhabitants.to_string(), want["yes_inhabitants"]);
    assert!(result.certified);
}

/// The fixture's commands were appended before command digests were kept: a retry of
/// one is still answered with its receipt, the same id used for a command on another
/// stream is refused, and neither writes anything.
#[test]
fn commands_of_the_v1_fixture_keep_their_idempotency() {
    let copy = copy_fixture(&fixture_v1()).expect("copy the fixture");
    let ledger = Ledger::open(copy.path(), LedgerOptions::default()).expect("open");
    let head = ledger.head();
    let grant = |member: &str| Envelope {
        command_id: CommandId::new("fixture-001"),
        actor: ActorId::new("secretariaat"),
        expected_version: None,
        command: Command::GrantRole {
            actor: ActorId::new(member),
            role: Role::SteeringMember,
        },
    };
    let stored = ledger
        .receipt(&CommandId::new("fixture-001"))
        .expect("read")
        .expect("the fixture's first grant");
    let retry = ledger.append(grant("lid-an")).expect("a retry is answered");
    assert!(retry.replayed);
    assert_eq!(retry.positions, stored.positions);
    assert_eq!(retry.hashes, stored.hashes);
    assert!(matches!(
        ledger.append(grant("lid-x")),
        Err(AppendError::KeyReused { .. })
    ));
    assert_eq!(ledger.head(), head);
    drop(ledger);
    let report = verify(copy.path()).expect("verify runs");
    assert!(report.is_intact(), "{:?}", report.first_problem());
    assert_eq!(report.head, head);
}

/// Writes a new fixture into `target/` for a human to inspect and commit as the next
/// version; never run by CI.
#[test]
#[ignore = "writes a new fixture; run by hand when a format version is added"]
fn write_new_fixture() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/new-fixture");
    let _ = std::fs::remove_dir_all(&out);
    let ledger = write_fixture(&out, std::time::Duration::from_secs(2)).expect("write");
    let head = ledger.head();
    let state = ledger.state();
    let round = &state.rounds[&RoundId::new("r-fixture")];
    let tally = round.tally();
    let checkpoint = ledger_tlog::SignedCheckpoint::open(
        &ledger.checkpoint(),
        "fixture.ledger.local/v1",
        &[ledger_tlog::NoteVerifier::parse(&ledger.verifier_key()).expect("key")],
    )
    .expect("checkpoint");
    let text = format!(
        "length {}\nhead {}\nroot {}\nverifier {}\ncast_libraries {}\nyes_inhabitants {}\n",
        head.length,
        head.hash.to_hex(),
        checkpoint.checkpoint.root.to_base64(),
        ledger.verifier_key().trim(),
        tally.cast.libraries,
        tally.yes.inhabitants,
    );
    std::fs::write(out.with_file_name("new-fixture.expected.txt"), text).expect("write expected");
}
