//! What the server-level fault tests share: a small ledger with libraries, their tokens
//! and an open round, the real `ledger serve` as a child process, and plain HTTP calls
//! that return the status and body whatever the status is.
//!
//! It must never hide a failure of the server: a server that does not print its address
//! fails the test, and every answer is returned as it came.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ledger_core::{ActorId, CommandId, Envelope, LibraryId, Role};
use ledger_store::{system_clock, Ledger, LedgerOptions, TokenBook};
use serde_json::{json, Value};

/// The real `ledger serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `ledger serve --data DIR --addr 127.0.0.1:0 EXTRA...` and waits for its
    /// `listening on URL` line.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let mut args: Vec<std::ffi::OsString> = vec!["serve".into(), "--data".into()];
        args.push(dir.into());
        args.extend(extra.iter().map(Into::into));
        Server::run(&args)
    }

    /// Starts `ledger ARGS... --addr 127.0.0.1:0` (`serve`, `mirror`) and waits for its
    /// `listening on URL` line.
    pub fn run(args: &[std::ffi::OsString]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ledger"))
            .args(args)
            .args(["--addr", "127.0.0.1:0"])
            .env_remove("LEDGER_SERVER")
            .env_remove("LEDGER_TOKEN")
            .env_remove("LEDGER_DATA")
            .env_remove("LEDGER_PUBLIC_URL")
            .env_remove("LEDGER_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start ledger serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().expect("stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = err_pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                eprint!("{text}");
                sink.lock().unwrap().push_str(&text);
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = lines.by_ref().map_while(Result::ok).find_map(|line| {
            line.strip_prefix("listening on ")
                .map(|u| u.trim().to_owned())
        });
        let Some(url) = url else {
            let _ = child.wait();
            panic!(
                "ledger serve did not print `listening on URL`; stderr:\n{}",
                stderr.lock().unwrap()
            );
        };
        std::thread::spawn(move || for _ in lines {});
        Server { child, url, stderr }
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stops the server as Ctrl-C does (SIGINT, so its shutdown runs) and waits up to
    /// 30 s for it to exit successfully.
    pub fn interrupt(mut self) {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -INT failed");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            match self.child.try_wait().expect("wait for ledger serve") {
                Some(status) => {
                    assert!(status.success(), "ledger serve exited with {status}");
                    return;
                }
                None if std::time::Instant::now() > deadline => {
                    panic!("ledger serve did not stop within 30 s of SIGINT")
                }
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    /// Kills the server (SIGKILL) and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new ledger in `dir`: secretariat `sec`, steering member `m1` (its demo author key
/// registered: [`write_member_key`]), `libraries` libraries `lib-000`.. with accounts
/// `acc-000`.., a proposal and round `r-1` open for a day on the system clock, taking
/// unsigned votes. Returns one token per library, in order.
pub fn small_ledger(dir: &Path, libraries: usize) -> Vec<String> {
    let ledger = Ledger::init(
        dir,
        "faults.example/ledger",
        ActorId::new("sec"),
        LedgerOptions::default(),
    )
    .expect("init");
    let closes_at = system_clock().plus_seconds(86_400).to_rfc3339();
    let mut commands = Vec::new();
    for i in 0..libraries {
        commands.push(json!({
            "type": "register_library", "library": format!("lib-{i:03}"),
            "name": format!("Bibliotheek {i}"), "municipalities": [format!("{:05}", 10_000 + i)],
            "inhabitants": 1_000 + 37 * i as u64
        }));
        commands.push(json!({"type": "grant_role", "actor": format!("acc-{i:03}"), "role": {"library": format!("lib-{i:03}")}}));
    }
    commands.push(json!({"type": "file_proposal", "proposal": "p-1", "title": "Digital services", "text": "Spend the micro-subsidies centrally.", "budget_cents_per_year": 20_000_000}));
    commands.push(json!({"type": "open_round", "round": "r-1", "proposal": "p-1", "closes_at": closes_at, "rule": {"signatures_required": 1}, "signed_votes": "optional"}));
    register_member_key(&ledger, "faults.example/ledger");
    for (n, command) in commands.into_iter().enumerate() {
        ledger
            .append(Envelope {
                command_id: CommandId::new(format!("setup-{n}")),
                actor: ActorId::new("sec"),
                expected_version: None,
                command: serde_json::from_value(command).expect("command"),
            })
            .expect("setup command");
    }
    let book = TokenBook::open(dir).expect("token book");
    let now = system_clock();
    (0..libraries)
        .map(|i| {
            let role = Role::Library(LibraryId::new(format!("lib-{i:03}")));
            book.issue(&ActorId::new(format!("acc-{i:03}")), &role, now)
                .expect("token")
        })
        .collect()
}

/// Registers the demo author key of member `m1` (`ledger_demo::keys`, public and
/// demo-only) on behalf of m1 by the secretariat `sec`, which grants m1 its role first.
pub fn register_member_key(ledger: &Ledger, origin: &str) {
    let append = |id: &str, actor: &str, command: ledger_core::Command| {
        ledger
            .append(Envelope {
                command_id: CommandId::new(id),
                actor: ActorId::new(actor),
                expected_version: None,
                command,
            })
            .expect("setup command");
    };
    append(
        "setup-m1",
        "sec",
        serde_json::from_value(
            json!({"type": "grant_role", "actor": "m1", "role": "steering_member"}),
        )
        .expect("command"),
    );
    let id = CommandId::new("setup-key-m1");
    let key = ledger_demo::keys::registration_in(origin, "m1", &id).expect("demo key");
    append(id.as_str(), "sec", key);
}

/// Writes m1's demo key file (as `ledger key new` writes one) to `dir/m1.key`, for
/// `ledger certify --key m1.key`.
pub fn write_member_key(dir: &Path) {
    let signer = ledger_demo::keys::demo_signer("m1").expect("demo key");
    std::fs::write(dir.join("m1.key"), format!("{}\n", signer.signer_key())).expect("m1.key");
}

/// The body of a vote of library `i` in round `r-1`.
pub fn vote_body(i: usize, choice: &str) -> Value {
    json!({"type": "cast_vote", "round": "r-1", "library": format!("lib-{i:03}"), "choice": choice, "remark": format!("Remark of library {i}.")})
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// POSTs a command; returns the status, the content type and the body as JSON.
pub fn post(url: &str, token: &str, key: &str, body: &Value) -> (u16, String, Value) {
    let answer = agent()
        .post(&format!("{url}/v1/commands"))
        .set("Authorization", &format!("Bearer {token}"))
        .set("Idempotency-Key", key)
        .send_json(body.clone());
    answer_of(answer, &format!("POST {key}"))
}

/// GETs `path`; returns the status, the content type and the body as JSON (or as a JSON
/// string when it is not JSON).
pub fn get(url: &str, path: &str) -> (u16, String, Value) {
    answer_of(agent().get(&format!("{url}{path}")).call(), path)
}

fn answer_of(answer: Result<ureq::Response, ureq::Error>, what: &str) -> (u16, String, Value) {
    let response = match answer {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(e) => panic!("{what}: {e}"),
    };
    let status = response.status();
    let content_type = response.content_type().to_owned();
    let text = response.into_string().expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, content_type, body)
}

/// The number of records the server shows in `/v1/events` and the hash of the last one.
pub fn served_head(url: &str) -> (u64, String) {
    let mut count = 0u64;
    let mut last = String::new();
    let mut path = "/v1/events?limit=500".to_owned();
    loop {
        let (status, _, page) = get(url, &path);
        assert_eq!(status, 200, "{page}");
        for item in page["items"].as_array().expect("items") {
            count += 1;
            last = item["hash"].as_str().expect("hash").to_owned();
        }
        match page["next"].as_str() {
            Some(next) => path = format!("/v1/events?limit=500&after={next}"),
            None => return (count, last),
        }
    }
}
