//! `ledger-audit verify` against tiles directories written from a real in-memory ledger:
//! an honest log passes with a report a reader can use, and each kind of tampering is
//! caught with one error line naming what is wrong.

mod common;

use std::fs;

use common::*;
use ledger_core::event::Event;
use ledger_core::Choice;
use ledger_tlog::{Checkpoint, Hash, NoteSigner};
use tempfile::TempDir;

fn verify(dir: &TempDir, extra: &[&str]) -> std::process::Output {
    let key = vkey();
    let mut args = vec![
        "verify",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--key",
        &key,
    ];
    args.extend_from_slice(extra);
    audit(&args)
}

#[test]
fn an_honest_directory_verifies_with_a_report() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    let out = assert_ok(&verify(&dir, &[]));
    let root = root(&ledger.entries, size).to_base64();
    assert!(out.contains(&format!("checkpoint: size {size}")), "{out}");
    assert!(out.contains(&format!("merkle root: {root}")), "{out}");
    assert!(
        out.contains(&format!("head BLAKE3 hash: {}", ledger.head_hex())),
        "{out}"
    );
    assert!(out.contains("rounds checked: 1"), "{out}");
    // 3 yes libraries with 911,683 inhabitants of the 990,683 represented: 92.03%.
    assert!(
        out.contains(
            "round r-2023-05: closed, adopted; yes 3 / 911683, no 0 / 0, abstain 1 / 79000, \
             cast 4 / 990683 of eligible 4 / 990683"
        ),
        "{out}"
    );
    assert!(out.contains("911683/990683 = 92.03%"), "{out}");
    assert!(out.contains("with 2 signatures"), "{out}");
    assert!(
        out.contains("hash tiles: 1 equal to the rebuilt tree, 0 not served"),
        "{out}"
    );
}

#[test]
fn a_key_given_as_a_file_works_too() {
    let ledger = sample();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, ledger.entries.len());
    let key_file = dir.path().join("ledger.vkey");
    fs::write(&key_file, format!("{}\n", vkey())).unwrap();
    let key_arg = format!("@{}", key_file.display());
    assert_ok(&audit(&[
        "verify",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--key",
        &key_arg,
    ]));
}

#[test]
fn a_flipped_byte_in_an_entry_is_named() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    let bundle_path = dir.path().join(format!("tile/entries/000.p/{size}"));
    let mut bundle = fs::read(&bundle_path).unwrap();
    bundle[entry_offset(&ledger.entries, 7) + 20] ^= 0x01;
    fs::write(&bundle_path, &bundle).unwrap();
    assert_fails(&verify(&dir, &[]), &["entry 7:", "altered"]);

    // Without hash tiles to compare with, the chain names the record: its last bytes
    // are its predecessor hash, so flipping one breaks its own link.
    fs::remove_dir_all(dir.path().join("tile/0")).unwrap();
    let mut bundle = fs::read(&bundle_path).unwrap();
    bundle[entry_offset(&ledger.entries, 7) + 20] ^= 0x01;
    let last_of_7 = entry_offset(&ledger.entries, 7) + ledger.entries[7].len() - 1;
    bundle[last_of_7] ^= 0x01;
    fs::write(&bundle_path, &bundle).unwrap();
    assert_fails(&verify(&dir, &[]), &["chain breaks at position 7"]);
}

#[test]
fn consistent_rewrites_still_fail_on_the_signed_root() {
    // A server that alters entry 7 and recomputes its hash tiles is caught by the link
    // of record 8 and, at the latest, by the signed root.
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    let note = publish(dir.path(), &ledger.entries, size);
    let mut altered = ledger.entries.clone();
    let inside = altered[7].len() - 40;
    altered[7][inside] ^= 0x01;
    write_tiles(dir.path(), &altered, size);
    fs::write(dir.path().join("checkpoint"), &note).unwrap();
    let line = assert_fails(&verify(&dir, &[]), &[]);
    assert!(
        line.contains("position 7") || line.contains("position 8"),
        "{line}"
    );
}

#[test]
fn a_checkpoint_signed_by_another_key_fails() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    write_tiles(dir.path(), &ledger.entries, size);
    let impostor = NoteSigner::from_seed(ORIGIN, [9; 32]).unwrap();
    write_checkpoint(dir.path(), &checkpoint(&ledger.entries, size), &impostor);
    assert_fails(
        &verify(&dir, &[]),
        &["checkpoint does not verify", "no verifiable signatures"],
    );

    // A key of another log, even one that signed this checkpoint, names another origin.
    let other = NoteSigner::from_seed("other.example/ledger", [9; 32]).unwrap();
    write_checkpoint(dir.path(), &checkpoint(&ledger.entries, size), &other);
    let other_key = other.verifier().verifier_key();
    let out = audit(&[
        "verify",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--key",
        &other_key,
    ]);
    assert_fails(&out, &["origin"]);
}

#[test]
fn a_tampered_checkpoint_root_fails() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    let note = publish(dir.path(), &ledger.entries, size);
    // Edited in place: the signature no longer matches.
    let honest = root(&ledger.entries, size).to_base64();
    let forged = Hash([0x42; 32]).to_base64();
    fs::write(
        dir.path().join("checkpoint"),
        note.replace(&honest, &forged),
    )
    .unwrap();
    assert_fails(&verify(&dir, &[]), &["invalid signature"]);
    // Re-signed with the real key: the signature holds, the entries do not match.
    let mut lying = checkpoint(&ledger.entries, size);
    lying.root = Hash([0x42; 32]);
    write_checkpoint(dir.path(), &lying, &signer());
    assert_fails(
        &verify(&dir, &[]),
        &[&format!("entries rebuild to root {honest}"), &forged],
    );
}

#[test]
fn a_checkpoint_larger_than_the_entries_fails_without_panicking() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    write_tiles(dir.path(), &ledger.entries, size);
    let mut lying = checkpoint(&ledger.entries, size);
    lying.size = size as u64 + 1;
    write_checkpoint(dir.path(), &lying, &signer());
    assert_fails(&verify(&dir, &[]), &["does not serve tile/entries/000.p/"]);

    lying.size = 1 << 41;
    write_checkpoint(dir.path(), &lying, &signer());
    assert_fails(&verify(&dir, &[]), &["claims 2199023255552 entries"]);
}

#[test]
fn malformed_files_fail_with_one_line() {
    let ledger = sample();
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);

    let bundle_path = dir.path().join(format!("tile/entries/000.p/{size}"));
    let bundle = fs::read(&bundle_path).unwrap();
    fs::write(&bundle_path, &bundle[..bundle.len() - 3]).unwrap();
    assert_fails(&verify(&dir, &[]), &["malformed entry bundle"]);
    // One extra entry is more than the tile's width.
    let mut longer = bundle.clone();
    longer.extend_from_slice(&[0, 1, 0xff]);
    fs::write(&bundle_path, &longer).unwrap();
    assert_fails(&verify(&dir, &[]), &["holds", "expected"]);
    fs::write(&bundle_path, &bundle).unwrap();

    let tile_path = dir.path().join(format!("tile/0/000.p/{size}"));
    let mut tile = fs::read(&tile_path).unwrap();
    tile.extend_from_slice(&[0; 32]);
    fs::write(&tile_path, &tile).unwrap();
    assert_fails(&verify(&dir, &[]), &["tile/0/000"]);
    fs::remove_file(&tile_path).unwrap();

    for garbage in ["", "not a note", "\n\n", "a\n1\nAAAA\n\n\u{2014} x AAAA\n"] {
        fs::write(dir.path().join("checkpoint"), garbage).unwrap();
        assert_fails(&verify(&dir, &[]), &["checkpoint"]);
    }
    fs::write(dir.path().join("checkpoint"), vec![0xff; 100_000]).unwrap();
    assert_fails(&verify(&dir, &[]), &["checkpoint"]);

    let out = audit(&[
        "verify",
        "--tiles",
        dir.path().to_str().unwrap(),
        "--key",
        "nonsense",
    ]);
    assert_fails(&out, &["--key"]);
}

#[test]
fn a_false_tally_at_the_close_is_caught_even_in_a_consistent_log() {
    // The server writes a round_closed whose tally lies (one more yes inhabitant), seals
    // and signs it properly: only the recount can tell.
    let mut ledger = Ledger::registered(&LIBRARIES);
    ledger.open_round();
    ledger.vote("lib-antwerpen", Choice::Yes);
    ledger.vote("lib-gent", Choice::No);
    ledger.vote("lib-brugge", Choice::Yes);
    ledger.vote("lib-hasselt", Choice::No);
    let close_position = ledger.entries.len();
    ledger.submit_altered(
        "secretariaat",
        ledger_core::Command::CloseRound {
            round: ledger_core::RoundId::new(ROUND),
        },
        |events| {
            if let Some(Event::RoundClosed(closed)) = events.first_mut() {
                closed.tally.yes.inhabitants += 1;
            }
        },
    );
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, ledger.entries.len());
    assert_fails(
        &verify(&dir, &[]),
        &[
            &format!("position {close_position}: round r-2023-05 closed with tally"),
            "yes 2 / 647757",
            "recount to",
            "yes 2 / 647756",
        ],
    );
}

#[test]
fn a_certification_of_another_digest_is_caught() {
    let mut ledger = Ledger::registered(&LIBRARIES);
    ledger.open_round();
    for (library, _, _) in LIBRARIES {
        ledger.vote(library, Choice::Yes);
    }
    ledger.close_round();
    let position = ledger.entries.len();
    let digest = ledger.digest();
    ledger.submit_altered(
        "member-a",
        ledger_core::Command::SignCertification {
            round: ledger_core::RoundId::new(ROUND),
            tally_digest: digest,
            signature: None,
        },
        |events| {
            if let Some(Event::CertificationSigned(signed)) = events.first_mut() {
                signed.tally_digest = "0".repeat(64);
            }
        },
    );
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, ledger.entries.len());
    assert_fails(
        &verify(&dir, &[]),
        &[
            &format!("position {position}: member-a signed digest 0000"),
            "recount's digest",
        ],
    );
}

#[test]
fn remember_accepts_growth_and_catches_forks_and_shrinking() {
    let ledger = sample();
    let n2 = ledger.entries.len();
    let n1 = n2 - 6;
    let dir = TempDir::new().unwrap();
    let state = TempDir::new().unwrap();
    let file = state.path().join("last-checkpoint");
    let file_arg = file.to_str().unwrap();

    let note1 = publish(dir.path(), &ledger.entries, n1);
    let out = assert_ok(&verify(&dir, &["--remember", file_arg]));
    assert!(out.contains("no earlier checkpoint"), "{out}");
    assert_eq!(fs::read_to_string(&file).unwrap(), note1);

    let note2 = publish(dir.path(), &ledger.entries, n2);
    let out = assert_ok(&verify(&dir, &["--remember", file_arg]));
    assert!(
        out.contains(&format!("extends the remembered size {n1}")),
        "{out}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), note2);

    // A fork of the same length: Hasselt's vote differs, everything is properly signed.
    let fork = sample_with(Choice::No);
    assert_eq!(fork.entries.len(), n2);
    let forked = TempDir::new().unwrap();
    publish(forked.path(), &fork.entries, n2);
    let old_root = root(&ledger.entries, n2).to_base64();
    let new_root = root(&fork.entries, n2).to_base64();
    assert_fails(
        &verify(&forked, &["--remember", file_arg]),
        &[
            "the log forked",
            &format!("remembered size {n2} root {old_root}"),
            &format!("now size {n2} root {new_root}"),
        ],
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        note2,
        "file kept on failure"
    );

    // The shrunk log.
    let shrunk = TempDir::new().unwrap();
    publish(shrunk.path(), &ledger.entries, n1);
    assert_fails(
        &verify(&shrunk, &["--remember", file_arg]),
        &[
            "the log shrank",
            &format!("remembered size {n2}"),
            &format!("now size {n1}"),
        ],
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        note2,
        "file kept on failure"
    );
}

#[test]
fn remember_catches_a_grown_log_whose_past_was_rewritten() {
    let ledger = sample();
    let fork = sample_with(Choice::No);
    let n2 = ledger.entries.len();
    // The fork differs from Hasselt's vote (position 20) on; remember a size after it.
    let n1 = 22;
    assert_eq!(root(&ledger.entries, 20), root(&fork.entries, 20));
    assert_ne!(root(&ledger.entries, 21), root(&fork.entries, 21));
    let state = TempDir::new().unwrap();
    let file = state.path().join("last-checkpoint");
    let file_arg = file.to_str().unwrap();
    let honest = TempDir::new().unwrap();
    publish(honest.path(), &ledger.entries, n1);
    assert_ok(&verify(&honest, &["--remember", file_arg]));

    let rewritten = TempDir::new().unwrap();
    publish(rewritten.path(), &fork.entries, n2);
    assert_fails(
        &verify(&rewritten, &["--remember", file_arg]),
        &[
            "the log forked",
            "consistency proof",
            &format!("from {n1} to {n2}"),
        ],
    );
}

#[test]
fn a_remembered_checkpoint_must_verify_too() {
    let ledger = sample();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, ledger.entries.len());
    let file = dir.path().join("remembered");
    fs::write(&file, "forged\n").unwrap();
    assert_fails(
        &verify(&dir, &["--remember", file.to_str().unwrap()]),
        &["remembered checkpoint"],
    );
}

#[test]
fn an_empty_log_verifies() {
    let dir = TempDir::new().unwrap();
    let empty = Checkpoint {
        origin: ORIGIN.into(),
        size: 0,
        root: ledger_tlog::EMPTY_ROOT,
        extensions: Vec::new(),
    };
    write_checkpoint(dir.path(), &empty, &signer());
    let out = assert_ok(&verify(&dir, &[]));
    assert!(out.contains("checkpoint: size 0"), "{out}");
    assert!(out.contains("rounds checked: 0"), "{out}");
}

#[test]
fn a_certification_withdrawn_and_given_again_verifies() {
    let mut ledger = sample();
    ledger.submit(
        "member-a",
        ledger_core::Command::WithdrawCertification {
            round: ledger_core::RoundId::new(ROUND),
            reason: "Gent's first vote was counted.".into(),
        },
    );
    ledger.sign("member-b");
    ledger.sign("member-a");
    let size = ledger.entries.len();
    let dir = TempDir::new().unwrap();
    publish(dir.path(), &ledger.entries, size);
    let out = assert_ok(&verify(&dir, &[]));
    assert!(out.contains("rounds checked: 1"), "{out}");
    assert!(out.contains("with 2 signatures"), "{out}");
}
