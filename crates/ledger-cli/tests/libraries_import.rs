//! `ledger libraries import` with the real Statbel data from `../shared/data` (skipped,
//! with a printed reason, only when `../shared` is absent) and with malformed files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ledger(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .output()
        .expect("run ledger")
}

fn shared_csv() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/municipalities-flanders-brussels-2020.csv");
    path.exists().then_some(path)
}

fn head_of(dir: &Path) -> String {
    let out = ledger(&["verify", "--data", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn init(parent: &Path) -> PathBuf {
    let dir = parent.join("ledger");
    let out = ledger(&["init", "--data", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn statbel_municipalities_become_319_libraries() {
    let Some(csv) = shared_csv() else {
        println!("skipped: ../shared/data is not present beside the repository");
        return;
    };
    let parent = tempfile::tempdir().unwrap();
    let dir = init(parent.path());
    let out = ledger(&[
        "libraries",
        "import",
        "--data",
        dir.to_str().unwrap(),
        csv.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "registered 319 libraries with 7847398 inhabitants in total"
    );
    // Count from the log itself, not from the command's own message.
    let log = ledger(&["log", "--data", dir.to_str().unwrap(), "--json"]);
    let mut libraries = 0u64;
    let mut inhabitants = 0u64;
    for line in String::from_utf8(log.stdout).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        if record["type"] == "library_registered" {
            libraries += 1;
            inhabitants += record["body"]["inhabitants"].as_u64().unwrap();
        }
    }
    assert_eq!((libraries, inhabitants), (319, 7_847_398));
}

#[test]
fn a_malformed_row_is_named_and_nothing_is_imported() {
    let parent = tempfile::tempdir().unwrap();
    let dir = init(parent.path());
    let before = head_of(&dir);
    let file = parent.path().join("bad.csv");
    std::fs::write(
        &file,
        "nis_code,municipality_nl,province_nl,region_nl,inhabitants\n\
         11001,Aartselaar,Antwerpen,Vlaams Gewest,14427\n\
         11002,Antwerpen,Antwerpen,Vlaams Gewest,-4\n",
    )
    .unwrap();
    let out = ledger(&[
        "libraries",
        "import",
        "--data",
        dir.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    assert_eq!(head_of(&dir), before, "nothing was imported");

    std::fs::write(&file, "nis_code,municipality_nl\n11001,Aartselaar\n").unwrap();
    let out = ledger(&[
        "libraries",
        "import",
        "--data",
        dir.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
    assert_eq!(head_of(&dir), before);
}
