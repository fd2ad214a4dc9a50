//! `ledger init` shows the verifier key, and `ledger export-tiles` writes exactly the
//! C2SP tlog-tiles the server serves under `/v1/log/`, byte for byte, so a mirror of the
//! export and the server are interchangeable for a reader.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use actix_web::test::{call_service, init_service, read_body, TestRequest};
use actix_web::web;
use ledger_api::{test_app, AppState};
use ledger_core::{ActorId, Command, CommandId, Envelope, LibraryId, NisCode};
use ledger_store::{Durability, Ledger, LedgerOptions};
use ledger_tlog::{tiles_for_size, NoteVerifier, SignedCheckpoint, TileKind, TileRef};

const ORIGIN: &str = "bibliotheken.example/ledger";

fn ledger_cli(args: &[&str]) -> Output {
    Process::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A closed ledger of 2 + `libraries` records.
fn ledger_with(dir: &Path, libraries: u32) {
    let options = LedgerOptions {
        durability: Durability::None,
        ..LedgerOptions::default()
    };
    let ledger = Ledger::init(dir, ORIGIN, ActorId::new("secretariaat"), options).unwrap();
    for i in 0..libraries {
        ledger
            .append(Envelope {
                command_id: CommandId::new(format!("reg-{i}")),
                actor: ActorId::new("secretariaat"),
                expected_version: None,
                command: Command::RegisterLibrary {
                    library: LibraryId::new(format!("lib-{i}")),
                    name: format!("Bibliotheek {i}"),
                    municipalities: vec![NisCode(format!("{:05}", 10_000 + i))],
                    inhabitants: 1_000,
                },
            })
            .unwrap();
    }
}

/// Every file under `dir`, as paths relative to it with `/` separators.
fn files(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                let parts: Vec<_> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(parts.join("/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn init_prints_the_verifier_key_it_signs_with() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger");
    let output = ledger_cli(&["init", "--data", dir.to_str().unwrap(), "--origin", ORIGIN]);
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    let key = text
        .lines()
        .find_map(|line| line.strip_prefix("verifier key "))
        .expect("init prints the verifier key");
    let verifier = NoteVerifier::parse(key).unwrap();
    assert_eq!(verifier.name(), ORIGIN);
    let file = std::fs::read_to_string(dir.join("log-verifier.key")).unwrap();
    assert_eq!(file.trim_end(), key);
    assert!(
        !text.contains("PRIVATE+KEY"),
        "the signing key is never printed"
    );

    // An origin that is a valid checkpoint line but cannot name a key is an input error.
    let other = parent.path().join("other");
    let output = ledger_cli(&["init", "--data", other.to_str().unwrap(), "--origin", "a+b"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(!other.exists());
}

#[actix_web::test]
async fn exported_tiles_equal_the_served_ones_byte_for_byte() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger");
    let out = parent.path().join("tiles");
    ledger_with(&dir, 298);
    let output = ledger_cli(&[
        "export-tiles",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");

    let ledger = Ledger::open(&dir, LedgerOptions::default()).unwrap();
    let size = ledger.tree_size();
    assert_eq!(size, 300);
    // Exactly the tiles of the tree, the checkpoint and the key: nothing half-written.
    let mut expected: BTreeSet<String> = ["checkpoint".to_owned(), "key".to_owned()].into();
    for tile in tiles_for_size(size) {
        expected.insert(tile.path());
        if tile.kind() == (TileKind::Hashes { level: 0 }) {
            let bundle = TileRef::new(TileKind::Entries, tile.index(), tile.width()).unwrap();
            expected.insert(bundle.path());
        }
    }
    let written = files(&out);
    assert_eq!(written, expected);

    let state = web::Data::new(AppState::new(ledger.clone()).unwrap());
    let app = init_service(test_app(state)).await;
    for file in &written {
        let response = call_service(
            &app,
            TestRequest::get()
                .uri(&format!("/v1/log/{file}"))
                .to_request(),
        )
        .await;
        assert!(response.status().is_success(), "{file}");
        let served = read_body(response).await;
        let exported = std::fs::read(out.join(file)).unwrap();
        assert!(served.as_ref() == exported.as_slice(), "{file} differs");
    }

    // The exported checkpoint verifies with the exported key.
    let key = std::fs::read_to_string(out.join("key")).unwrap();
    let verifier = NoteVerifier::parse(key.trim_end()).unwrap();
    let note = std::fs::read_to_string(out.join("checkpoint")).unwrap();
    let checkpoint = SignedCheckpoint::open(&note, ORIGIN, &[verifier]).unwrap();
    assert_eq!(checkpoint.checkpoint.size, size);
    drop(app);
    drop(ledger);

    // The same directory takes a later export of the same log, not one of another log.
    let other = parent.path().join("other");
    ledger_with(&other, 1);
    let output = ledger_cli(&[
        "export-tiles",
        "--data",
        other.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(
        std::fs::read_to_string(out.join("checkpoint")).unwrap(),
        note
    );
    let again = ledger_cli(&[
        "export-tiles",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(again.status.success(), "{again:?}");
}
