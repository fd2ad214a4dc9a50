//! Mirror mode of the store: a mirror imports a primary's records byte-identical at their
//! positions only against a checkpoint signed with the primary's key, refuses everything
//! else with nothing written, resumes after a reopen, and becomes a primary again with
//! the operator's backup of the signing key.

mod common;

use std::path::Path;

use common::*;
use ledger_core::Command;
use ledger_store::layout::SIGNING_KEY_FILE;
use ledger_store::{verify, AppendError, Ledger, StoreError};
use ledger_tlog::{Checkpoint, Hash, NoteSigner, SignedCheckpoint};

const PRIMARY_URL: &str = "https://primary.example";

fn bytes_of(ledger: &Ledger, from: u64, to: u64) -> Vec<Vec<u8>> {
    ledger
        .records(from, usize::try_from(to - from).unwrap())
        .unwrap()
        .into_iter()
        .map(|sealed| sealed.bytes)
        .collect()
}

/// A primary with `n` registered libraries after its initialising record.
fn primary_with(dir: &Path, n: u32) -> Ledger {
    let ledger = init(dir);
    for i in 0..n {
        ledger
            .append(register(&format!("reg-{i}"), &format!("lib-{i}")))
            .unwrap();
    }
    ledger
}

fn new_mirror(dir: &Path, primary: &Ledger) -> Ledger {
    Ledger::init_mirror(dir, &primary.verifier_key(), PRIMARY_URL).unwrap();
    Ledger::open_mirror(dir, options(), |_, _| {}).unwrap()
}

#[test]
fn a_mirror_holds_the_primarys_records_byte_identical_and_its_checkpoint() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let primary = primary_with(dirs.0.path(), 12);
    let mirror = new_mirror(&dirs.1.path().join("m"), &primary);
    let size = primary.tree_size();

    // In two imports: the first up to 5 records with the primary's proof that they are a
    // prefix of its signed tree, the second up to the checkpoint's size.
    let proof = primary.consistency_proof(5, size).unwrap();
    mirror
        .import(&primary.checkpoint(), bytes_of(&primary, 0, 5), &proof)
        .unwrap();
    assert_eq!(mirror.head().length, 5);
    // The checkpoint is published only once the mirror holds all it covers.
    assert_eq!(mirror.tree_size(), 0);
    let head = mirror
        .import(&primary.checkpoint(), bytes_of(&primary, 5, size), &[])
        .unwrap();

    assert_eq!(head, primary.head());
    assert_eq!(mirror.checkpoint(), primary.checkpoint());
    assert_eq!(bytes_of(&mirror, 0, size), bytes_of(&primary, 0, size));
    assert_eq!(
        mirror.consistency_proof(3, size).unwrap(),
        primary.consistency_proof(3, size).unwrap()
    );
    assert_eq!(mirror.state().libraries, primary.state().libraries);
    assert!(mirror.verify().unwrap().is_intact());
    assert_eq!(mirror.mirror_of(), Some(PRIMARY_URL));

    // It decides nothing, and a primary's open refuses its directory.
    assert!(matches!(
        mirror.append(register("c-x", "lib-x")),
        Err(AppendError::Refused(StoreError::ReadOnlyMirror { primary })) if primary == PRIMARY_URL
    ));
    let mirror_dir = mirror.data_dir().to_path_buf();
    drop(mirror);
    assert!(matches!(
        Ledger::open(&mirror_dir, options()),
        Err(StoreError::IsMirror { .. })
    ));

    // `verify` checks it offline, and a reopen resumes at the same head and checkpoint.
    assert!(verify(&mirror_dir).unwrap().is_intact());
    let reopened = Ledger::open_mirror(&mirror_dir, options(), |_, _| {}).unwrap();
    assert_eq!(reopened.head(), primary.head());
    assert_eq!(reopened.checkpoint(), primary.checkpoint());
    // and takes the primary's next records.
    primary.append(register("reg-late", "lib-late")).unwrap();
    let head = reopened
        .import(
            &primary.checkpoint(),
            bytes_of(&primary, size, primary.tree_size()),
            &[],
        )
        .unwrap();
    assert_eq!(head, primary.head());
}

#[test]
fn an_import_that_does_not_check_out_writes_nothing() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let primary = primary_with(dirs.0.path(), 6);
    let mirror = new_mirror(&dirs.1.path().join("m"), &primary);
    let size = primary.tree_size();
    mirror
        .import(
            &primary.checkpoint(),
            bytes_of(&primary, 0, 3),
            &primary.consistency_proof(3, size).unwrap(),
        )
        .unwrap();
    let before = mirror.head();
    let refused = |result: Result<ledger_core::Head, StoreError>| {
        assert!(
            matches!(result, Err(StoreError::ImportRefused { .. })),
            "{result:?}"
        );
        assert_eq!(mirror.head(), before);
        assert_eq!(mirror.records(before.length, 10).unwrap(), vec![]);
    };
    let rest = bytes_of(&primary, 3, size);

    // One byte changed in a record's body: its successor no longer links to it.
    let mut altered = rest.clone();
    let last = altered[0].len() - 40;
    altered[0][last] ^= 1;
    refused(mirror.import(&primary.checkpoint(), altered, &[]));
    // A record missing: the next states another position.
    refused(mirror.import(&primary.checkpoint(), rest[1..].to_vec(), &[]));
    // A checkpoint signed with another key named after the same origin.
    let other = NoteSigner::from_seed("bibliotheken.example/ledger", [7; 32]).unwrap();
    let checkpoint = Checkpoint {
        origin: "bibliotheken.example/ledger".into(),
        size,
        root: primary.tree_root(size).unwrap(),
        extensions: Vec::new(),
    };
    let forged = SignedCheckpoint::sign(&checkpoint, &other).unwrap();
    refused(mirror.import(&forged, rest.clone(), &[]));
    // Part of the records with a proof that does not hold.
    refused(mirror.import(&primary.checkpoint(), rest[..1].to_vec(), &[Hash([1; 32])]));

    // The genuine records still go in.
    assert_eq!(
        mirror.import(&primary.checkpoint(), rest, &[]).unwrap(),
        primary.head()
    );
}

#[test]
fn a_promoted_mirror_continues_the_log_with_the_same_key() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let primary = primary_with(dirs.0.path(), 4);
    let key = std::fs::read_to_string(dirs.0.path().join(SIGNING_KEY_FILE)).unwrap();
    let mirror_dir = dirs.1.path().join("m");
    let mirror = new_mirror(&mirror_dir, &primary);
    let size = primary.tree_size();
    mirror
        .import(&primary.checkpoint(), bytes_of(&primary, 0, size), &[])
        .unwrap();
    let copy_dir = dirs.1.path().join("copy");
    // Restoring from a mirror's directory goes through a copy that checks every record.
    let copy = mirror.copy_mirror(&copy_dir, options()).unwrap();
    assert_eq!(copy.head(), primary.head());
    drop(copy);
    drop(mirror);
    let primary_head = primary.head();
    let primary_checkpoint = primary.checkpoint();
    let original = primary
        .receipt(&ledger_core::CommandId::new("reg-2"))
        .unwrap()
        .unwrap();
    drop(primary);

    // Another key: refused, and the directory is still a mirror.
    let wrong = NoteSigner::from_seed("bibliotheken.example/ledger", [9; 32])
        .unwrap()
        .signer_key();
    assert!(matches!(
        Ledger::promote_mirror(&copy_dir, &wrong, options()),
        Err(StoreError::SigningKey { .. })
    ));
    assert!(Ledger::open_mirror(&copy_dir, options(), |_, _| {}).is_ok());

    let restored = Ledger::promote_mirror(&copy_dir, &key, options()).unwrap();
    assert_eq!(restored.head(), primary_head);
    assert_eq!(restored.checkpoint(), primary_checkpoint);
    assert!(restored.verify().unwrap().is_intact());
    // A retry of a command from before the restore, whose digest the new primary does not
    // have: matched by actor and stream, it gets its original receipt.
    let retry = restored.append(register("reg-2", "lib-2")).unwrap();
    assert!(retry.replayed);
    assert_eq!(retry.positions, original.positions);
    assert_eq!(retry.hashes, original.hashes);
    // The same id for a command on another stream is refused, nothing written.
    assert!(matches!(
        restored.append(register("reg-2", "lib-other")),
        Err(AppendError::KeyReused { .. })
    ));
    assert_eq!(restored.head(), primary_head);
    // New commands continue the log under the same key.
    let receipt = restored
        .append(envelope(
            "after",
            SECRETARIAT,
            Command::RegisterLibrary {
                library: ledger_core::LibraryId::new("lib-new"),
                name: "Nieuw".into(),
                municipalities: vec![ledger_core::NisCode("11999".into())],
                inhabitants: 10,
            },
        ))
        .unwrap();
    assert_eq!(receipt.positions, vec![primary_head.length]);
    let verifier = ledger_tlog::NoteVerifier::parse(&restored.verifier_key()).unwrap();
    let signed = SignedCheckpoint::open(
        &restored.checkpoint(),
        verifier.name(),
        std::slice::from_ref(&verifier),
    )
    .unwrap();
    assert_eq!(signed.checkpoint.size, primary_head.length + 1);
}

#[test]
fn a_mirror_made_again_after_an_interrupted_init_or_over_a_primary() {
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let primary = primary_with(dirs.0.path(), 1);
    let key = primary.verifier_key();
    let dir = dirs.1.path().join("m");
    Ledger::init_mirror(&dir, &key, PRIMARY_URL).unwrap();
    // As if the process died before `mirror-of` reached the disk.
    tamper(&dir, "meta", |meta| {
        meta.remove(ledger_store::layout::MIRROR_OF_KEY).unwrap();
    });
    Ledger::init_mirror(&dir, &key, "https://other.example").unwrap();
    let mirror = Ledger::open_mirror(&dir, options(), |_, _| {}).unwrap();
    assert_eq!(mirror.mirror_of(), Some("https://other.example"));
    drop(mirror);
    // A primary's directory, or a mirror of another key, is never taken over.
    drop(primary);
    assert!(matches!(
        Ledger::init_mirror(dirs.0.path(), &key, PRIMARY_URL),
        Err(StoreError::AlreadyExists { .. })
    ));
    let other = NoteSigner::from_seed("bibliotheken.example/ledger", [4; 32])
        .unwrap()
        .verifier()
        .verifier_key();
    assert!(matches!(
        Ledger::init_mirror(&dir, &other, PRIMARY_URL),
        Err(StoreError::AlreadyExists { .. })
    ));
}
