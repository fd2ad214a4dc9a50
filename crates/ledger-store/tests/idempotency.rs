//! Idempotency through the library API (`Ledger::append`): a command id is its actor's
//! own; a retry of the same command gets the first receipt, another command under an id
//! the actor used is refused with `AppendError::KeyReused` and writes nothing, another
//! actor's use of the id applies that actor's command; and the `commands` index a retry
//! is found through is re-checked at open.

mod common;

use common::*;
use ledger_core::{Command, CommandId, LibraryId, Role};
use ledger_store::{AppendError, Ledger, StoreError};

const OTHER_SECRETARIAT: &str = "secretariaat-2";

#[test]
fn an_id_reused_for_another_command_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let original = {
        let ledger = init(dir.path());
        let original = ledger.append(register("reg-1", "lib-1")).unwrap();
        let head = ledger.head();

        // Same id, same actor, another command: refused, nothing written.
        match ledger.append(register("reg-1", "lib-2")) {
            Err(AppendError::KeyReused {
                command_id,
                actor,
                stored_as,
            }) => {
                assert_eq!(command_id.as_str(), "reg-1");
                assert_eq!(actor.as_str(), SECRETARIAT);
                assert_eq!(stored_as.as_str(), "reg-1");
            }
            other => panic!("expected KeyReused, got {other:?}"),
        }
        assert_eq!(ledger.head(), head);
        assert!(!ledger
            .state()
            .libraries
            .contains_key(&ledger_core::LibraryId::new("lib-2")));

        // The same command again is a retry: the first receipt.
        let retry = ledger.append(register("reg-1", "lib-1")).unwrap();
        assert!(retry.replayed);
        assert_eq!(retry.positions, original.positions);
        assert_eq!(retry.hashes, original.hashes);
        assert_eq!(ledger.head(), head);
        original
    };

    // The digest outlives the process: after a reopen the answers are the same.
    let ledger = Ledger::open(dir.path(), options()).unwrap();
    let head = ledger.head();
    assert!(matches!(
        ledger.append(register("reg-1", "lib-2")),
        Err(AppendError::KeyReused { .. })
    ));
    assert_eq!(ledger.head(), head);
    let retry = ledger.append(register("reg-1", "lib-1")).unwrap();
    assert!(retry.replayed);
    assert_eq!(retry.hashes, original.hashes);
    assert_eq!(ledger.head(), head);
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn another_actor_using_the_same_id_gets_its_own_command_applied() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = init(dir.path());
    ledger
        .append(grant("grant-s2", OTHER_SECRETARIAT, Role::Secretariat))
        .unwrap();
    let mine = ledger.append(register("reg-1", "lib-1")).unwrap();
    let head = ledger.head();

    // The other secretariat uses the same id for its own command: applied, stored under
    // `actor/id` since the bare id is taken.
    let mut theirs = register("reg-1", "lib-2");
    theirs.actor = ledger_core::ActorId::new(OTHER_SECRETARIAT);
    let receipt = ledger.append(theirs.clone()).unwrap();
    assert!(!receipt.replayed);
    assert_eq!(
        receipt.command_id.as_str(),
        format!("{OTHER_SECRETARIAT}/reg-1")
    );
    assert_eq!(receipt.positions, vec![head.length]);
    assert_eq!(ledger.head().length, head.length + 1);
    let record = ledger.record(head.length).unwrap().unwrap();
    assert_eq!(record.record.actor.as_str(), OTHER_SECRETARIAT);
    assert_eq!(record.record.command_id, receipt.command_id);

    // Each actor's retry finds its own command; neither can reuse the id for another.
    let head = ledger.head();
    assert_eq!(
        ledger.append(register("reg-1", "lib-1")).unwrap().hashes,
        mine.hashes
    );
    assert_eq!(
        ledger.append(theirs.clone()).unwrap().hashes,
        receipt.hashes
    );
    let mut third = register("reg-1", "lib-3");
    third.actor = ledger_core::ActorId::new(OTHER_SECRETARIAT);
    match ledger.append(third) {
        Err(AppendError::KeyReused { stored_as, .. }) => {
            assert_eq!(stored_as.as_str(), format!("{OTHER_SECRETARIAT}/reg-1"));
        }
        other => panic!("expected KeyReused, got {other:?}"),
    }
    assert_eq!(ledger.head(), head);
    drop(ledger);

    // The log with both commands opens, verifies and answers the same.
    let ledger = Ledger::open(dir.path(), options()).unwrap();
    assert!(ledger.verify().unwrap().is_intact());
    assert!(ledger.append(theirs).unwrap().replayed);
    assert_eq!(ledger.head(), head);
}

#[test]
fn a_deleted_commands_entry_is_restored_at_open_so_a_retry_appends_once() {
    let dir = tempfile::tempdir().unwrap();
    // A renaming the domain would accept a second time, so a lost entry would show.
    let rename = || {
        envelope(
            "rename-1",
            SECRETARIAT,
            Command::UpdateLibrary {
                library: LibraryId::new("lib-1"),
                name: Some("Bibliotheek Aalst".into()),
                municipalities: None,
                inhabitants: None,
            },
        )
    };
    let original = {
        let ledger = init(dir.path());
        ledger.append(register("reg-1", "lib-1")).unwrap();
        let original = ledger.append(rename()).unwrap();
        ledger.append(register("reg-2", "lib-2")).unwrap();
        original
    };
    let ledger = reopen_without(dir.path(), "commands", "rename-1");
    let head = ledger.head();
    let retry = ledger.append(rename()).unwrap();
    assert!(retry.replayed);
    assert_eq!(retry.positions, original.positions);
    assert_eq!(retry.hashes, original.hashes);
    assert_eq!(ledger.head(), head, "exactly one append of rename-1");
    assert!(ledger.verify().unwrap().is_intact());
}

#[test]
fn a_command_whose_digest_is_lost_is_refused_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    drop({
        let ledger = init(dir.path());
        ledger.append(register("reg-1", "lib-1")).unwrap();
        ledger
    });
    let ledger = reopen_without(dir.path(), "digests", "reg-1");
    let head = ledger.head();
    let report = ledger.verify().unwrap();
    let problem = report
        .first_problem()
        .expect("verify names the lost digest");
    assert_eq!(problem.tree, "digests");
    assert_eq!(problem.position, Some(2));
    assert!(problem.what.contains("command reg-1"), "{}", problem.what);
    for attempt in [register("reg-1", "lib-1"), register("reg-1", "lib-2")] {
        match ledger.append(attempt) {
            Err(AppendError::Refused(StoreError::Corrupt { reason, .. })) => {
                assert!(reason.contains("digest of command reg-1"), "{reason}");
            }
            other => panic!("expected a refusal naming the lost digest, got {other:?}"),
        }
    }
    assert_eq!(ledger.head(), head);
    // Other commands are not concerned.
    ledger.append(register("reg-2", "lib-2")).unwrap();
    assert!(ledger.receipt(&CommandId::new("reg-2")).unwrap().is_some());
}

/// Deletes the entry of `command_id` from `tree` of the closed ledger in `dir`, as a
/// broken disk or a careless operator would, and opens the ledger again.
fn reopen_without(dir: &std::path::Path, tree: &str, command_id: &str) -> Ledger {
    tamper(dir, tree, |tree| {
        assert!(tree.remove(command_id.as_bytes()).unwrap().is_some());
    });
    Ledger::open(dir, options()).unwrap()
}
