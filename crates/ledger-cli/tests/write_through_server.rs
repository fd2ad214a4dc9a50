//! End to end through the real `ledger serve`: 190 libraries vote at the same time over
//! HTTP, each with its own token, and every vote is sent twice at once with the same
//! Idempotency-Key; the secretariat closes the round and a member certifies it with the
//! CLI as a client. The log holds each vote once, the result matches the votes sent, and
//! the chain verifies after the server is killed.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use ledger_core::{ActorId, CommandId, Envelope, Role, Timestamp};
use ledger_store::{system_clock, Ledger, LedgerOptions, TokenBook};
use serde_json::{json, Value};

const VOTERS: usize = 190;

/// Kills the server when the test ends, whatever happens.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(["serve", "--data"])
        .arg(dir)
        .args(["--addr", "127.0.0.1:0"])
        .env_remove("LEDGER_SERVER")
        .env_remove("LEDGER_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start ledger serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("listening on ")
                .map(|u| u.trim().to_owned())
        })
        .expect("ledger serve printed `listening on URL`");
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, url }
}

/// Runs the `ledger` binary against `server` with `token` in the environment.
fn ledger(args: &[&str], server: &str, token: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(args)
        .env("LEDGER_SERVER", server)
        .env("LEDGER_TOKEN", token)
        .env_remove("LEDGER_DATA")
        .output()
        .expect("run ledger")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn choice_of(i: usize) -> &'static str {
    match i % 10 {
        0 => "no",
        7 => "abstain",
        _ => "yes",
    }
}

fn inhabitants_of(i: usize) -> u64 {
    2_000 + (i as u64 * 7_919) % 90_000
}

/// The ledger before the server starts: a secretariat, one member, 190 libraries with
/// their accounts, and a round open for an hour on the system clock.
fn setup(dir: &Path) -> u64 {
    let ledger = Ledger::init(
        dir,
        "e2e.example/ledger",
        ActorId::new("sec"),
        LedgerOptions::default(),
    )
    .expect("init");
    let now = system_clock();
    let closes_at = now.plus_seconds(3600).to_rfc3339();
    let mut commands =
        vec![json!({"type": "grant_role", "actor": "m1", "role": "steering_member"})];
    for i in 0..VOTERS {
        commands.push(json!({
            "type": "register_library", "library": format!("lib-{i:03}"),
            "name": format!("Bibliotheek {i}"), "municipalities": [format!("{:05}", 10_000 + i)],
            "inhabitants": inhabitants_of(i)
        }));
        commands.push(json!({"type": "grant_role", "actor": format!("acc-{i:03}"), "role": {"library": format!("lib-{i:03}")}}));
    }
    commands.push(json!({"type": "file_proposal", "proposal": "p-1", "title": "Digital services", "text": "Spend the micro-subsidies centrally.", "budget_cents_per_year": 20_000_000}));
    commands.push(json!({"type": "open_round", "round": "r-1", "proposal": "p-1", "closes_at": closes_at, "rule": {"signatures_required": 1}, "signed_votes": "optional"}));
    // Appends from a few threads share fsyncs (group commit), which keeps the setup short.
    let chunks: Vec<Vec<(usize, Value)>> = {
        let numbered: Vec<(usize, Value)> = commands.into_iter().enumerate().collect();
        let (independent, rest) = numbered.split_at(1 + 2 * VOTERS);
        let mut by_thread = vec![Vec::new(); 4];
        for (n, item) in independent.iter().enumerate() {
            by_thread[n % 4].push(item.clone());
        }
        by_thread.push(rest.to_vec());
        by_thread
    };
    let (parallel, last) = chunks.split_at(4);
    std::thread::scope(|scope| {
        for chunk in parallel {
            let ledger = ledger.clone();
            scope.spawn(move || {
                for (n, command) in chunk {
                    append(&ledger, *n, command.clone());
                }
            });
        }
    });
    for (n, command) in &last[0] {
        append(&ledger, *n, command.clone());
    }
    // m1's (public, demo-only) author key, registered by the secretariat on its behalf:
    // a certification counts only with the member's own signature.
    let id = CommandId::new("setup-key-m1");
    let key = ledger_demo::keys::registration_in("e2e.example/ledger", "m1", &id).expect("key");
    ledger
        .append(Envelope {
            command_id: id,
            actor: ActorId::new("sec"),
            expected_version: None,
            command: key,
        })
        .expect("key registration");
    ledger.head().length
}

fn append(ledger: &Ledger, n: usize, command: Value) {
    // A grant needs its library registered first: retry once the other thread caught up.
    for _ in 0..200 {
        let envelope = Envelope {
            command_id: CommandId::new(format!("setup-{n}")),
            actor: ActorId::new("sec"),
            expected_version: None,
            command: serde_json::from_value(command.clone()).expect("command"),
        };
        match ledger.append(envelope) {
            Ok(_) => return,
            Err(ledger_store::AppendError::Rejected(ledger_core::Rejection::Unknown {
                ..
            })) => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("setup {n}: {e:?}"),
        }
    }
    panic!("setup {n} never found its library");
}

/// Sends one vote; returns the status and the answer.
fn vote(url: &str, token: &str, key: &str, body: &Value) -> (u16, Value) {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build();
    let answer = agent
        .post(&format!("{url}/v1/commands"))
        .set("Authorization", &format!("Bearer {token}"))
        .set("Idempotency-Key", key)
        .send_json(body.clone());
    match answer {
        Ok(response) => (response.status(), response.into_json().expect("receipt")),
        Err(ureq::Error::Status(status, response)) => {
            (status, response.into_json().unwrap_or(Value::Null))
        }
        Err(e) => panic!("{key}: {e}"),
    }
}

fn get(url: &str) -> Value {
    ureq::get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .into_json()
        .expect("JSON")
}

#[test]
fn one_hundred_ninety_libraries_vote_concurrently_and_retries_never_append_twice() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("ledger");
    let setup_length = setup(&dir);
    let data = dir.to_str().unwrap();

    // Tokens: the libraries' from the library crate, the secretariat's from the CLI.
    let book = TokenBook::open(&dir).unwrap();
    let issued_at: Timestamp = system_clock();
    let library_tokens: Vec<String> = (0..VOTERS)
        .map(|i| {
            let role = Role::Library(ledger_core::LibraryId::new(format!("lib-{i:03}")));
            book.issue(&ActorId::new(format!("acc-{i:03}")), &role, issued_at)
                .unwrap()
        })
        .collect();
    let issue = |actor: &str, role: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_ledger"))
            .args([
                "token", "issue", "--data", data, "--actor", actor, "--role", role,
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let token = text(&output.stdout).trim().to_owned();
        assert!(
            token.starts_with("lgt_") && !token.contains('\n'),
            "{token}"
        );
        token
    };
    let secretariat = issue("sec", "secretariat");

    let server = serve(&dir);
    let url = server.url.clone();
    // Issued while the server holds the ledger: the server picks it up.
    let member = issue("m1", "steering_member");

    // Every library sends its vote twice at the same moment with the same key; five of
    // them vote with the CLI instead, and repeat the command.
    let cli_voters = [3usize, 47, 100, 150, 189];
    let start = Arc::new(Barrier::new(
        2 * (VOTERS - cli_voters.len()) + cli_voters.len(),
    ));
    let answers: Vec<(usize, u16, Value)> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (i, token) in library_tokens.iter().enumerate() {
            let body = json!({"type": "cast_vote", "round": "r-1", "library": format!("lib-{i:03}"), "choice": choice_of(i), "remark": format!("Remark of library {i}.")});
            let key = format!("vote-{i:03}");
            let copies = if cli_voters.contains(&i) { 1 } else { 2 };
            for _ in 0..copies {
                let (start, url, body, key) =
                    (Arc::clone(&start), url.clone(), body.clone(), key.clone());
                let cli = cli_voters.contains(&i);
                handles.push(
                    scope.spawn(move || {
                        start.wait();
                        if cli {
                            let library = format!("lib-{i:03}");
                            let args = [
                                "vote",
                                "--round",
                                "r-1",
                                "--library",
                                &library,
                                choice_of(i),
                                "--idempotency-key",
                                &key,
                            ];
                            let first = ledger(&args, &url, token);
                            assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
                            assert!(
                                text(&first.stdout).starts_with(&format!("appended command {key}"))
                            );
                            let again = ledger(&args, &url, token);
                            assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
                            assert!(text(&again.stdout)
                                .starts_with("already applied, nothing appended:"));
                            (i, 0, Value::Null)
                        } else {
                            let (status, receipt) = vote(&url, token, &key, &body);
                            (i, status, receipt)
                        }
                    }),
                );
            }
        }
        handles
            .into_iter()
            .map(|h| h.join().expect("voter"))
            .collect()
    });

    let mut by_library: BTreeMap<usize, Vec<(u16, Value)>> = BTreeMap::new();
    for (i, status, receipt) in answers {
        if status != 0 {
            by_library.entry(i).or_default().push((status, receipt));
        }
    }
    assert_eq!(by_library.len(), VOTERS - cli_voters.len());
    let mut positions = std::collections::BTreeSet::new();
    for (i, pair) in &by_library {
        let mut statuses: Vec<u16> = pair.iter().map(|(s, _)| *s).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201], "library {i}: one append, one replay");
        let (a, b) = (&pair[0].1, &pair[1].1);
        for field in ["command_id", "positions", "hashes", "recorded_at"] {
            assert_eq!(
                a[field], b[field],
                "library {i}: the retry got the first receipt"
            );
        }
        assert!(positions.insert(a["positions"][0].as_u64().unwrap()));
    }
    let health = get(&format!("{url}/healthz"));
    assert_eq!(
        health["length"].as_u64(),
        Some(setup_length + VOTERS as u64),
        "each vote appended exactly once"
    );

    // The CLI as a client: refusals first, then the secretariat closes, a member certifies.
    let wrong_library = ledger(
        &["vote", "--round", "r-1", "--library", "lib-002", "yes"],
        &url,
        &library_tokens[1],
    );
    assert_eq!(wrong_library.status.code(), Some(1));
    assert!(
        text(&wrong_library.stderr).contains("refused (403"),
        "{}",
        text(&wrong_library.stderr)
    );
    let bad_token = ledger(
        &["round", "close", "--round", "r-1"],
        &url,
        "lgt_not-a-token",
    );
    assert_eq!(bad_token.status.code(), Some(1));
    assert!(text(&bad_token.stderr).contains("refused (401"));
    let member_opens = ledger(
        &[
            "round",
            "open",
            "--round",
            "r-2",
            "--proposal",
            "p-1",
            "--closes-at",
            "2099-01-01T00:00:00Z",
        ],
        &url,
        &member,
    );
    assert_eq!(member_opens.status.code(), Some(1));
    assert!(text(&member_opens.stderr).contains("not_permitted"));
    assert_eq!(get(&format!("{url}/healthz"))["length"], health["length"]);

    let close = ledger(&["round", "close", "--round", "r-1"], &url, &secretariat);
    assert_eq!(close.status.code(), Some(0), "{}", text(&close.stderr));
    let key_file = parent.path().join("m1.key");
    let signer = ledger_demo::keys::demo_signer("m1").expect("demo key");
    std::fs::write(&key_file, format!("{}\n", signer.signer_key())).unwrap();
    let certify = ledger(
        &[
            "certify",
            "--key",
            key_file.to_str().unwrap(),
            "--round",
            "r-1",
        ],
        &url,
        &member,
    );
    assert_eq!(certify.status.code(), Some(0), "{}", text(&certify.stderr));
    let shown = text(&certify.stdout);
    assert!(shown.contains("round r-1: closed"), "{shown}");
    assert!(
        shown.ends_with("signatures with yours: 1 of 1 required; the round is certified\n"),
        "{shown}"
    );
    assert!(shown.contains("tally digest "), "{shown}");

    // The result is what the libraries sent.
    let result = get(&format!("{url}/v1/rounds/r-1/result"));
    assert_eq!(result["certified"], true);
    assert_eq!(result["cast"]["libraries"], VOTERS);
    for choice in ["yes", "no", "abstain"] {
        let voters: Vec<usize> = (0..VOTERS).filter(|i| choice_of(*i) == choice).collect();
        assert_eq!(result[choice]["libraries"], voters.len(), "{choice}");
        let inhabitants: u64 = voters.iter().map(|i| inhabitants_of(*i)).sum();
        assert_eq!(result[choice]["inhabitants"], inhabitants, "{choice}");
    }
    assert!(shown.contains(&format!(
        "tally digest {}",
        result["tally_digest"].as_str().unwrap()
    )));

    // Revoking a token while the server runs stops it at once.
    let revoke = Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(["token", "revoke", "--data", data, "--actor", "m1"])
        .output()
        .unwrap();
    assert_eq!(revoke.status.code(), Some(0), "{}", text(&revoke.stderr));
    let after = ledger(
        &["certify", "--round", "r-1", "--digest", "00"],
        &url,
        &member,
    );
    assert!(
        text(&after.stderr).contains("refused (401"),
        "{}",
        text(&after.stderr)
    );

    // Nothing was lost or doubled: after a hard stop the chain verifies at that length.
    let length = get(&format!("{url}/healthz"))["length"].as_u64().unwrap();
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(30);
    let verified = loop {
        let output = Command::new(env!("CARGO_BIN_EXE_ledger"))
            .args(["verify", "--data", data])
            .output()
            .unwrap();
        if output.status.code() != Some(3) || Instant::now() > deadline {
            break output;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );
    assert!(
        text(&verified.stdout).contains(&format!("length {length}")),
        "{}",
        text(&verified.stdout)
    );
}
