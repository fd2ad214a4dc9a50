//! A server over a damaged chain (issue 9, tampering at rest): `ledger serve` starts in
//! quarantine, says on stderr where the chain breaks, keeps serving the checked records
//! before the damage to readers, and refuses every write and the transparency log with a
//! 503 problem naming the position; it writes nothing (every file of the directory keeps
//! its name and bytes, through start, reads, refused writes and a graceful stop), and
//! `ledger verify` names the same first bad position.

mod support;
// What the directory holds, file by file and tree by tree: the store's own helper.
#[path = "../../ledger-store/tests/common/directory.rs"]
mod directory;

use std::path::Path;
use std::process::Command;

use directory::{assert_files_unchanged, dump, owned_files};
use ledger_store::layout::{position_key, EVENTS_TREE};
use ledger_store::Cache;
use support::{get, post, served_head, small_ledger, vote_body, Server};

const LIBRARIES: usize = 6;

/// Every key and value of the `events` tree of the closed database, in key order.
fn events_of(dir: &Path) -> Vec<(Vec<u8>, Vec<u8>)> {
    dump(dir)
        .into_iter()
        .filter(|((tree, _), _)| tree.as_slice() == EVENTS_TREE.as_bytes())
        .map(|((_, key), value)| (key, value))
        .collect()
}

/// Applies `change` to the `events` tree of the closed database, as an attacker or a
/// broken disk would.
fn tamper(dir: &Path, change: impl FnOnce(&sled::Tree)) {
    let db = sled::open(dir).unwrap();
    let events = db.open_tree(EVENTS_TREE).unwrap();
    change(&events);
    db.flush().unwrap();
}

/// A ledger with every library's vote in it, closed; returns the tokens and the
/// position of the third vote (the one that gets damaged).
fn voted_ledger(dir: &Path) -> (Vec<String>, u64) {
    let tokens = small_ledger(dir, LIBRARIES);
    let server = Server::start(dir, &[]);
    let mut third = 0;
    for (i, token) in tokens.iter().enumerate() {
        let (status, _, receipt) =
            post(&server.url, token, &format!("v-{i}"), &vote_body(i, "yes"));
        assert_eq!(status, 201, "{receipt}");
        if i == 2 {
            third = receipt["positions"][0].as_u64().unwrap();
        }
    }
    server.kill();
    (tokens, third)
}

fn assert_quarantine_answers(dir: &Path, tokens: &[String], damaged: u64) {
    // The server that wrote the votes left a projection snapshot (saved at its start):
    // the quarantined one must neither replace it nor write a temporary file beside it.
    assert!(dir.join(Cache::Projections.file_name()).is_file());
    let trees_before = dump(dir);
    let files_before = owned_files(dir);
    let server = Server::start(dir, &[]);
    let url = server.url.clone();

    // Readers: the records before the damage, the projections folded from them.
    let (length, _) = served_head(&url);
    assert_eq!(length, damaged);
    let (status, _, result) = get(&url, "/v1/rounds/r-1/result");
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["cast"]["libraries"].as_u64(), Some(2), "{result}");
    let (status, _, _) = get(&url, "/v1/proposals/p-1");
    assert_eq!(status, 200);

    // Writers: a 503 problem that names the position, for every token.
    for (i, token) in tokens.iter().enumerate() {
        let (status, content_type, problem) =
            post(&url, token, &format!("after-{i}"), &vote_body(i, "no"));
        assert_eq!(status, 503, "{problem}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(
            problem["type"],
            "urn:governance-ledger:problem:ledger-damaged"
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains(&format!("damaged at position {damaged}")),
            "{detail}"
        );
    }
    // The transparency log signs nothing over a damaged chain and says why.
    for path in [
        "/v1/log/checkpoint",
        "/v1/log/entries/0",
        "/v1/log/proof/inclusion?index=0&size=1",
    ] {
        let (status, _, problem) = get(&url, path);
        assert_eq!(status, 503, "{path}: {problem}");
        assert_eq!(
            problem["type"],
            "urn:governance-ledger:problem:ledger-damaged"
        );
    }
    // The operator is told at start.
    let said = server.stderr();
    assert!(
        said.contains(&format!("damaged at position {damaged}")),
        "stderr: {said}"
    );
    // Stopped as an operator would (Ctrl-C), so its shutdown runs too.
    server.interrupt();

    // Nothing was written, and `ledger verify` names the same position.
    assert_eq!(
        dump(dir),
        trees_before,
        "the quarantined server changed the database"
    );
    assert_files_unchanged(&files_before, &owned_files(dir), "the quarantined server");
    let verify = Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(["verify", "--data"])
        .arg(dir)
        .output()
        .unwrap();
    assert_ne!(verify.status.code(), Some(0));
    let report = String::from_utf8_lossy(&verify.stdout).into_owned()
        + &String::from_utf8_lossy(&verify.stderr);
    assert!(report.contains(&format!("position {damaged}")), "{report}");
}

#[test]
fn a_flipped_byte_keeps_reads_of_the_prefix_and_refuses_writes_naming_it() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger");
    let (tokens, third) = voted_ledger(&dir);
    tamper(&dir, |events| {
        let mut bytes = events.get(position_key(third)).unwrap().unwrap().to_vec();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x40;
        events.insert(position_key(third), bytes).unwrap();
    });
    assert_quarantine_answers(&dir, &tokens, third);
}

#[test]
fn a_deleted_record_keeps_reads_of_the_prefix_and_refuses_writes_naming_it() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger");
    let (tokens, third) = voted_ledger(&dir);
    tamper(&dir, |events| {
        events.remove(position_key(third)).unwrap();
    });
    assert_quarantine_answers(&dir, &tokens, third);
}

#[test]
fn an_injected_record_keeps_reads_of_the_prefix_and_refuses_writes_naming_it() {
    // A copy of an earlier vote stored again at the next free position: it decodes but
    // states the wrong position and predecessor.
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger");
    let (tokens, third) = voted_ledger(&dir);
    let end = events_of(&dir).len() as u64;
    tamper(&dir, |events| {
        let copy = events.get(position_key(third)).unwrap().unwrap();
        events.insert(position_key(end), copy).unwrap();
    });
    // The first vote at `third` is intact; the damage is the injected record at `end`.
    let trees_before = dump(&dir);
    let files_before = owned_files(&dir);
    let server = Server::start(&dir, &[]);
    let (length, _) = served_head(&server.url);
    assert_eq!(length, end);
    let (status, _, problem) = post(&server.url, &tokens[0], "after", &vote_body(0, "no"));
    assert_eq!(status, 503, "{problem}");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("damaged at position {end}")));
    server.interrupt();
    assert_eq!(dump(&dir), trees_before);
    assert_files_unchanged(&files_before, &owned_files(&dir), "the quarantined server");
}
