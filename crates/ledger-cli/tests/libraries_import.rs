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
    // One line per library created (its id and municipality), then the totals.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 320, "{stdout}");
    assert_eq!(lines[0], "lib-11001 Aartselaar");
    assert!(lines.contains(&"lib-44021 Gent"), "{stdout}");
    assert_eq!(
        lines[319],
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

/// A municipal merger from CSV: every row is decided first, so one bad row (an unknown
/// library) changes nothing; a good file changes every library it names.
#[test]
fn a_merger_is_applied_from_csv_all_or_nothing() {
    let parent = tempfile::tempdir().unwrap();
    let dir = init(parent.path());
    let data = dir.to_str().unwrap();
    let import = parent.path().join("import.csv");
    std::fs::write(
        &import,
        "nis_code,municipality_nl,province_nl,region_nl,inhabitants\n\
         44083,Deinze,Oost-Vlaanderen,Vlaams Gewest,33000\n\
         44034,Nevele,Oost-Vlaanderen,Vlaams Gewest,12000\n",
    )
    .unwrap();
    let out = ledger(&[
        "libraries",
        "import",
        "--data",
        data,
        import.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = head_of(&dir);

    let merger = "library,name,municipalities,inhabitants,retire_reason\n\
                  lib-44034,,,,Merged into Deinze on 2019-01-01\n\
                  lib-44083,Bibliotheek Deinze,44083;44034,45000,\n";
    let update = parent.path().join("merger.csv");
    let run_update = |content: &str| {
        std::fs::write(&update, content).unwrap();
        ledger(&[
            "libraries",
            "update",
            "--data",
            data,
            update.to_str().unwrap(),
        ])
    };
    // An unknown library on the last line: the good rows before it are not applied.
    let out = run_update(&format!("{merger}lib-99999,,,10,\n"));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("merger.csv: line 4: "), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        head_of(&dir),
        before,
        "the good first rows were not applied either"
    );

    let out = run_update(merger);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "retired lib-44034\nupdated lib-44083\nchanged 2 libraries\n"
    );
    let log = ledger(&["log", "--data", data, "--json"]);
    let last: serde_json::Value = serde_json::from_str(
        String::from_utf8(log.stdout)
            .unwrap()
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(last["type"], "library_updated", "{last}");
    assert_eq!(
        last["body"]["municipalities"],
        serde_json::json!(["44083", "44034"]),
        "{last}"
    );
    assert_eq!(last["body"]["inhabitants"], 45_000, "{last}");
}
