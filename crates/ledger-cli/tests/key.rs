//! `ledger key new`: an author's private key file is written with mode 0600, never
//! overwritten, and the printed public key is the file's own, named after the actor.
//!
//! This file must never read a key from anywhere but the file the command wrote.

use std::process::Command;

fn ledger(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .env_remove("LEDGER_SERVER")
        .env_remove("LEDGER_TOKEN")
        .output()
        .expect("run ledger")
}

#[test]
fn key_new_writes_a_private_file_and_prints_its_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lib-001.key");
    let path = file.to_str().unwrap();
    let out = ledger(&["key", "new", "--actor", "lib-001", "--out", path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let signer = ledger_tlog::NoteSigner::parse(text.trim_end()).unwrap();
    assert_eq!(printed, format!("{}\n", signer.verifier().verifier_key()));
    assert!(printed.starts_with("lib-001+"), "{printed}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A second key never replaces the first one's file.
    let again = ledger(&["key", "new", "--actor", "lib-001", "--out", path]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // An actor id that cannot name a key is refused before anything is written.
    let bad = dir.path().join("bad.key");
    let refused = ledger(&[
        "key",
        "new",
        "--actor",
        "a b",
        "--out",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(!bad.exists());
}
