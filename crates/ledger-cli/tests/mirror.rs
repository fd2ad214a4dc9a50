//! Mirrors, restore and fork evidence with the real binaries: `ledger serve` as the
//! primary, `ledger mirror` following it over HTTP, `ledger restore` and `ledger verify`,
//! and `ledger-audit`'s checks (its library: the binary runs the same code).
//!
//! - the disaster: writers on the primary while a mirror follows; the primary is killed
//!   and its directory deleted; a primary restored from the mirror holds every record
//!   the mirror verified, takes writes, and an auditor's remembered checkpoint accepts it;
//! - a mirror's reads equal the primary's at the same head, and writes to it are 421;
//! - a fork: a second ledger with the same key and origin makes the mirror stop and write
//!   evidence that `check-fork` confirms;
//! - SIGKILL of the mirror at random moments, 20 times: `ledger verify` passes after each,
//!   and it catches up.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ledger_audit::source::ServerSource;
use ledger_core::{ActorId, LibraryId, Role};
use ledger_store::{system_clock, Ledger, LedgerOptions, TokenBook};
use serde_json::Value;
use support::{get, post, small_ledger, vote_body, Server};

fn verifier_key(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("log-verifier.key"))
        .unwrap()
        .trim()
        .to_owned()
}

/// `ledger mirror --from URL --data DIR --key KEY` polling every 50 ms.
fn start_mirror(from: &str, dir: &Path, key: &str, extra: &[&str]) -> Server {
    let mut args: Vec<std::ffi::OsString> = vec![
        "mirror".into(),
        "--from".into(),
        from.into(),
        "--data".into(),
        dir.into(),
        "--key".into(),
        key.into(),
        "--interval-ms".into(),
        "50".into(),
    ];
    args.extend(extra.iter().map(Into::into));
    Server::run(&args)
}

/// The mirror's `/healthz` once it holds `length` records and is 0 behind (60 s at most).
fn caught_up(mirror: &str, length: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, _, health) = get(mirror, "/healthz");
        assert_eq!(status, 200);
        if health["length"].as_u64() == Some(length)
            && health["mirror"]["records_behind"].as_u64() == Some(0)
            && health["mirror"]["verified_size"].as_u64() == Some(length)
        {
            return health;
        }
        assert!(
            Instant::now() < deadline,
            "the mirror did not catch up with {length} records: {health}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ledger_cli(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .env_remove("LEDGER_DATA")
        .output()
        .expect("run ledger")
}

fn verify_ok(dir: &Path) {
    let out = ledger_cli(&["verify".as_ref(), "--data".as_ref(), dir.as_os_str()]);
    assert!(
        out.status.success(),
        "ledger verify {}: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn length_of(url: &str) -> u64 {
    get(url, "/healthz").2["length"].as_u64().unwrap()
}

/// A vote that may meet a dead server: the receipt's positions and hashes when
/// acknowledged, `None` when the connection failed.
fn try_vote(url: &str, token: &str, key: &str, body: &Value) -> Option<(Vec<u64>, Vec<String>)> {
    let answer = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build()
        .post(&format!("{url}/v1/commands"))
        .set("Authorization", &format!("Bearer {token}"))
        .set("Idempotency-Key", key)
        .send_json(body.clone());
    let receipt: Value = answer.ok()?.into_json().ok()?;
    let positions = receipt["positions"]
        .as_array()?
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    let hashes = receipt["hashes"]
        .as_array()?
        .iter()
        .filter_map(|h| h.as_str().map(str::to_owned))
        .collect();
    Some((positions, hashes))
}

#[test]
fn a_primary_restored_from_a_mirror_keeps_every_verified_record_and_continues() {
    let root = tempfile::tempdir().unwrap();
    let primary_dir = root.path().join("primary");
    let tokens = small_ledger(&primary_dir, 8);
    let key = verifier_key(&primary_dir);
    // The operator's backup of the signing key, kept away from the primary's disk.
    let key_backup = root.path().join("operator-backup.key");
    std::fs::copy(primary_dir.join("log-signing.key"), &key_backup).unwrap();
    let primary = Server::start(&primary_dir, &[]);
    let mirror_dir = root.path().join("mirror");
    let mirror = start_mirror(&primary.url, &mirror_dir, &key, &[]);

    // Phase 1: some votes; the mirror catches up; an auditor verifies and remembers.
    for (i, token) in tokens.iter().enumerate() {
        let (status, _, _) = post(
            &primary.url,
            token,
            &format!("v1-{i}"),
            &vote_body(i, "yes"),
        );
        assert_eq!(status, 201);
    }
    caught_up(&mirror.url, length_of(&primary.url));
    let remember = root.path().join("auditor.checkpoint");
    let audit_key = ledger_audit::checkpoint::load_key(&key).unwrap();
    ledger_audit::verify::verify(
        &ServerSource::new(&primary.url),
        &audit_key,
        Some(&remember),
    )
    .unwrap();

    // Phase 2: four writers revote as fast as they can; the primary is killed meanwhile.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let sent = Arc::new(AtomicU64::new(0));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (url, stop, acknowledged, sent) = (
                primary.url.clone(),
                Arc::clone(&stop),
                Arc::clone(&acknowledged),
                Arc::clone(&sent),
            );
            let tokens = tokens.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let library = w * 2 + n % 2;
                    let choice = if n % 3 == 0 { "no" } else { "yes" };
                    let key = format!("w{w}-{n}");
                    sent.fetch_add(1, Ordering::SeqCst);
                    match try_vote(&url, &tokens[library], &key, &vote_body(library, choice)) {
                        Some(receipt) => acknowledged.lock().unwrap().push((key, receipt)),
                        None => return,
                    }
                    n += 1;
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().unwrap().len() < 150 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    primary.kill();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().unwrap();
    }
    std::fs::remove_dir_all(&primary_dir).unwrap();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let acknowledged_length = acknowledged
        .iter()
        .flat_map(|(_, (positions, _))| positions.iter().map(|p| p + 1))
        .max()
        .unwrap();
    // The mirror can fetch nothing more: what it holds now is what survived.
    std::thread::sleep(Duration::from_millis(300));
    let (_, _, health) = get(&mirror.url, "/healthz");
    let held = health["length"].as_u64().unwrap();
    assert!(health["mirror"]["last_error"].is_string(), "{health}");
    println!(
        "lag at the kill: {} of {acknowledged_length} acknowledged records not on the mirror \
         ({} writes acknowledged, {} sent); the mirror's last complete poll began {} s before",
        acknowledged_length.saturating_sub(held),
        acknowledged.len(),
        sent.load(Ordering::SeqCst),
        health["mirror"]["seconds_behind"]
    );
    let verified = health["mirror"]["verified_size"].as_u64().unwrap();
    assert!(held >= verified && verified > 0, "{health}");

    // Restore from the running mirror's URL, with the operator's key backup.
    let restored_dir = root.path().join("restored");
    let out = ledger_cli(&[
        "restore".as_ref(),
        "--from".as_ref(),
        mirror.url.as_ref(),
        "--data".as_ref(),
        restored_dir.as_os_str(),
        "--signing-key".as_ref(),
        key_backup.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    mirror.interrupt();
    verify_ok(&restored_dir);

    // Every record the mirror verified is there, at its position, byte for byte.
    {
        let mirror_ledger =
            Ledger::open_mirror(&mirror_dir, LedgerOptions::default(), |_, _| {}).unwrap();
        let restored = Ledger::open(&restored_dir, LedgerOptions::default()).unwrap();
        let size = mirror_ledger.tree_size();
        assert_eq!(size, verified);
        assert_eq!(restored.head().length, size);
        let ours = mirror_ledger.records(0, usize::MAX).unwrap();
        let theirs = restored.records(0, usize::MAX).unwrap();
        assert_eq!(ours, theirs);
        // So is every acknowledged write the mirror had, with the receipt's hashes.
        for (key, (positions, hashes)) in &acknowledged {
            if positions.iter().all(|p| *p < size) {
                for (p, h) in positions.iter().zip(hashes) {
                    assert_eq!(&theirs[*p as usize].hash.to_hex(), h, "{key} at {p}");
                }
            }
        }
        // The tokens are not in the log: the operator issues new ones.
        let book = TokenBook::open(&restored_dir).unwrap();
        drop(restored);
        let token = book
            .issue(
                &ActorId::new("acc-000"),
                &Role::Library(LibraryId::new("lib-000")),
                system_clock(),
            )
            .unwrap();
        let server = Server::start(&restored_dir, &[]);
        // A retry of a vote from before the disaster (its digest is gone with the old
        // disk) is matched by actor and stream: the original receipt, nothing appended.
        let (status, _, retry) = post(&server.url, &token, "v1-0", &vote_body(0, "yes"));
        assert_eq!(status, 200, "{retry}");
        assert_eq!(retry["replayed"], true);
        // New writes continue the log at its end.
        let (status, _, receipt) = post(&server.url, &token, "after", &vote_body(0, "no"));
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(receipt["positions"][0].as_u64(), Some(size));
        // The auditor's checkpoint from before the disaster is extended by the new log.
        ledger_audit::verify::verify(&ServerSource::new(&server.url), &audit_key, Some(&remember))
            .unwrap();
        server.interrupt();
    }
}

#[test]
fn a_mirror_answers_every_read_as_its_primary_does_and_refuses_writes() {
    let root = tempfile::tempdir().unwrap();
    let primary_dir = root.path().join("primary");
    let tokens = small_ledger(&primary_dir, 5);
    let key = verifier_key(&primary_dir);
    let primary = Server::start(&primary_dir, &[]);
    for (i, token) in tokens.iter().enumerate() {
        let choice = ["yes", "no", "abstain"][i % 3];
        assert_eq!(
            post(
                &primary.url,
                token,
                &format!("v-{i}"),
                &vote_body(i, choice)
            )
            .0,
            201
        );
    }
    let length = length_of(&primary.url);
    let mirror = start_mirror(&primary.url, &root.path().join("mirror"), &key, &[]);
    let health = caught_up(&mirror.url, length);
    assert_eq!(health["mirror"]["primary"], primary.url.as_str());
    assert_eq!(health["mirror"]["following"], true);

    let paths = [
        "/v1/rounds".to_owned(),
        "/v1/rounds/r-1".into(),
        "/v1/rounds/r-1/result".into(),
        "/v1/rounds/r-1/votes".into(),
        "/v1/rounds/r-1/not-voted".into(),
        "/v1/rounds/r-1/remarks".into(),
        "/v1/rounds/r-1/votes/lib-001/ballots".into(),
        "/v1/rounds/r-1/result.csv".into(),
        "/v1/rounds/r-1/votes.csv".into(),
        "/v1/libraries".into(),
        "/v1/libraries/lib-002".into(),
        "/v1/proposals".into(),
        "/v1/proposals/p-1".into(),
        "/v1/events".into(),
        "/v1/events?bytes=base64&limit=7".into(),
        "/v1/events/3".into(),
        format!("/v1/rounds/r-1/result?at={}", length - 2),
        "/v1/log/checkpoint".into(),
        "/v1/log/key".into(),
        "/v1/log/entries/4".into(),
        format!("/v1/log/proof/inclusion?index=3&size={length}"),
        format!("/v1/log/proof/consistency?from=2&to={length}"),
        format!("/v1/log/tile/0/000.p/{length}"),
        format!("/v1/log/tile/entries/000.p/{length}"),
    ];
    let agent = ureq::AgentBuilder::new().build();
    for path in &paths {
        let read = |base: &str| {
            let response = match agent.get(&format!("{base}{path}")).call() {
                Ok(r) => r,
                Err(ureq::Error::Status(_, r)) => r,
                Err(e) => panic!("{path}: {e}"),
            };
            let status = response.status();
            let etag = response.header("etag").map(str::to_owned);
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut response.into_reader(), &mut body).unwrap();
            (status, etag, body)
        };
        let theirs = read(&primary.url);
        assert_eq!(theirs.0, 200, "{path} on the primary");
        assert_eq!(read(&mirror.url), theirs, "{path}");
    }

    // A write to the mirror names the primary, token or not.
    let (status, content_type, problem) = post(&mirror.url, &tokens[0], "w", &vote_body(0, "no"));
    assert_eq!(status, 421);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(
        problem["type"],
        "urn:governance-ledger:problem:read-only-mirror"
    );
    assert_eq!(problem["primary"], primary.url.as_str());
    assert_eq!(length_of(&mirror.url), length);
}

/// A second primary with the first one's key and origin, but its own history after a
/// shared prefix: copies of one directory taking different writes.
#[test]
fn a_primary_showing_two_histories_stops_the_mirror_with_evidence_that_checks() {
    let root = tempfile::tempdir().unwrap();
    let a_dir = root.path().join("a");
    let tokens = small_ledger(&a_dir, 4);
    let b_dir = root.path().join("b");
    copy_dir(&a_dir, &b_dir);
    let key = verifier_key(&a_dir);
    let a = Server::start(&a_dir, &[]);
    let b = Server::start(&b_dir, &[]);
    for (i, token) in tokens.iter().enumerate().take(2) {
        assert_eq!(
            post(&a.url, token, &format!("a-{i}"), &vote_body(i, "yes")).0,
            201
        );
    }
    for (i, token) in tokens.iter().enumerate() {
        assert_eq!(
            post(&b.url, token, &format!("b-{i}"), &vote_body(i, "no")).0,
            201
        );
    }
    let mirror_dir = root.path().join("mirror");
    let evidence = root.path().join("fork.json");
    let evidence_arg = evidence.to_str().unwrap();
    let mirror = start_mirror(
        &a.url,
        &mirror_dir,
        &key,
        &["--fork-evidence", evidence_arg],
    );
    let a_length = length_of(&a.url);
    caught_up(&mirror.url, a_length);
    mirror.interrupt();
    let a_checkpoint = get(&a.url, "/v1/log/checkpoint").2;

    // The same mirror, now pointed at B (a primary that forked).
    let mirror = start_mirror(
        &b.url,
        &mirror_dir,
        &key,
        &["--fork-evidence", evidence_arg],
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let health = loop {
        let health = get(&mirror.url, "/healthz").2;
        if health["mirror"]["following"] == false {
            break health;
        }
        assert!(Instant::now() < deadline, "no fork found: {health}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(health["mirror"]["stopped"]
        .as_str()
        .unwrap()
        .contains("fork.json"));
    // It keeps serving what it verified.
    assert_eq!(health["length"].as_u64(), Some(a_length));
    assert_eq!(get(&mirror.url, "/v1/log/checkpoint").2, a_checkpoint);
    assert!(mirror.stderr().contains("FORK"));
    // Writes are sent to the primary it follows now.
    let (status, _, problem) = post(&mirror.url, &tokens[0], "w", &vote_body(0, "no"));
    assert_eq!(
        (status, problem["primary"].as_str()),
        (421, Some(b.url.as_str()))
    );

    let file = ledger_audit::fork::read(&evidence).unwrap();
    let trusted = ledger_audit::checkpoint::load_key(&key).unwrap();
    let checked = ledger_audit::fork::check(&file, &trusted).unwrap();
    assert_eq!(checked.verified.size, a_length);
    assert_eq!(checked.served.size, length_of(&b.url));
    let divergent = file.divergent.clone().unwrap();
    assert!(divergent.index < a_length);
    assert!(checked
        .to_string()
        .contains(&format!("entry {}", divergent.index)));

    // Evidence that was altered, or checked with another key, proves nothing.
    let mut altered = file.clone();
    if let Some(entry) = &mut altered.divergent {
        entry.served_leaf_hash = entry.verified_leaf_hash.clone();
    }
    assert!(ledger_audit::fork::check(&altered, &trusted).is_err());
    let other = ledger_tlog::NoteSigner::from_seed(trusted.name(), [3; 32]).unwrap();
    assert!(ledger_audit::fork::check(&file, &other.verifier()).is_err());
}

#[test]
fn a_mirror_killed_at_random_moments_verifies_and_catches_up() {
    let root = tempfile::tempdir().unwrap();
    let primary_dir = root.path().join("primary");
    let tokens = small_ledger(&primary_dir, 8);
    let key = verifier_key(&primary_dir);
    let primary = Server::start(&primary_dir, &["--rate-limit", "0"]);
    // A backlog of about 1,500 records, so that imports of several chunks are cut short.
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let (url, token) = (primary.url.clone(), tokens[i].clone());
            std::thread::spawn(move || {
                for n in 0..190 {
                    let choice = if n % 2 == 0 { "yes" } else { "no" };
                    let key = format!("backlog-{i}-{n}");
                    assert!(try_vote(&url, &token, &key, &vote_body(i, choice)).is_some());
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    // And a writer that keeps going while the mirror is killed.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (url, token, stop) = (primary.url.clone(), tokens[0].clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                try_vote(&url, &token, &format!("live-{n}"), &vote_body(0, "yes")).unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };

    let mirror_dir = root.path().join("mirror");
    // A fixed seed: the moments are random, the run is repeatable.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut held = 0;
    for cycle in 0..20 {
        let mirror = start_mirror(&primary.url, &mirror_dir, &key, &[]);
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::thread::sleep(Duration::from_millis(state % 250));
        mirror.kill();
        verify_ok(&mirror_dir);
        let ledger = Ledger::open_mirror(&mirror_dir, LedgerOptions::default(), |_, _| {})
            .unwrap_or_else(|e| panic!("cycle {cycle}: {e}"));
        let now = ledger.head().length;
        assert!(
            now >= held,
            "cycle {cycle}: the mirror went back from {held} to {now}"
        );
        held = now;
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let mirror = start_mirror(&primary.url, &mirror_dir, &key, &[]);
    caught_up(&mirror.url, length_of(&primary.url));
    println!("after 20 kills the mirror held {held} records, then caught up");
    mirror.interrupt();
    verify_ok(&mirror_dir);
}

fn copy_dir(from: &Path, to: &PathBuf) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// README.md's "Mirrors and backups" block, run line by line against a real primary
/// (its URL in place of `https://ledger.example.be`, in a scratch directory holding the
/// verifier key and the operator's key backup): the mirror is started, caught up and
/// stopped; every other line must succeed.
#[test]
fn the_readme_mirror_commands_run() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let section = readme
        .split("## Mirrors and backups")
        .nth(1)
        .expect("README.md has a Mirrors and backups section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block");
    let lines: Vec<&str> = block.lines().filter(|l| l.starts_with("ledger ")).collect();
    assert!(lines.len() >= 4, "{block}");

    let root = tempfile::tempdir().unwrap();
    let primary_dir = root.path().join("primary");
    let tokens = small_ledger(&primary_dir, 3);
    let work = root.path().join("work");
    std::fs::create_dir_all(work.join("safe")).unwrap();
    std::fs::copy(
        primary_dir.join("log-verifier.key"),
        work.join("log-verifier.key"),
    )
    .unwrap();
    std::fs::copy(
        primary_dir.join("log-signing.key"),
        work.join("safe/log-signing.key"),
    )
    .unwrap();
    let primary = Server::start(&primary_dir, &[]);
    assert_eq!(
        post(&primary.url, &tokens[1], "v", &vote_body(1, "yes")).0,
        201
    );
    let length = length_of(&primary.url);
    for line in lines {
        let words: Vec<String> = line
            .split_whitespace()
            .skip(1)
            .map(|w| w.replace("https://ledger.example.be", &primary.url))
            .collect();
        if words[0] == "mirror" {
            let mut args: Vec<std::ffi::OsString> = words.iter().map(Into::into).collect();
            // Relative paths are the scratch directory's.
            for arg in &mut args {
                let text = arg.to_string_lossy().into_owned();
                if let Some(file) = text.strip_prefix('@') {
                    *arg = format!("@{}", work.join(file).display()).into();
                } else if text == "mirror-data" {
                    *arg = work.join(text).into();
                }
            }
            let mirror = Server::run(&args);
            caught_up(&mirror.url, length);
            mirror.interrupt();
            continue;
        }
        let out = Command::new(env!("CARGO_BIN_EXE_ledger"))
            .args(&words)
            .current_dir(&work)
            .env_remove("LEDGER_DATA")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{line}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let restored = Ledger::open(&work.join("ledger-data"), LedgerOptions::default()).unwrap();
    assert_eq!(restored.head().length, length);
}

/// A mirror whose primary cannot be reached serves an empty log, says so at `/healthz`,
/// and has no checkpoint to serve yet (503, not an empty note).
#[test]
fn a_mirror_that_never_reached_its_primary_says_so() {
    let root = tempfile::tempdir().unwrap();
    let primary_dir = root.path().join("primary");
    small_ledger(&primary_dir, 1);
    let key = verifier_key(&primary_dir);
    // Nothing listens on the discard port.
    let mirror = start_mirror("http://127.0.0.1:9", &root.path().join("m"), &key, &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let health = loop {
        let health = get(&mirror.url, "/healthz").2;
        if health["mirror"]["last_error"].is_string() {
            break health;
        }
        assert!(Instant::now() < deadline, "{health}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(health["length"], 0);
    assert_eq!(health["mirror"]["following"], true);
    assert_eq!(health["mirror"]["seconds_behind"], Value::Null);
    let (status, content_type, problem) = get(&mirror.url, "/v1/log/checkpoint");
    assert_eq!(
        (status, content_type.as_str()),
        (503, "application/problem+json")
    );
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("has not verified a checkpoint"));
    assert!(mirror
        .stderr()
        .contains("poll of http://127.0.0.1:9 failed"));
}
