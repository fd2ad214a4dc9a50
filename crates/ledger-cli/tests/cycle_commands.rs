//! The CLI commands of the decision cycle against the real `ledger serve`: what a person
//! sees when a step succeeds, and that bad input (a bad CSV row, a missing document, a
//! budget that is not an amount, a refused grant) ends with a clear message, a non-zero
//! exit and the served head unchanged.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use ledger_core::{ActorId, Role};
use ledger_store::{system_clock, TokenBook};
use support::{get, served_head, small_ledger, Server};

/// Runs `ledger ARGS` against `server` with `token` (if any) in the environment.
fn ledger(args: &[&str], server: &str, token: Option<&str>, cwd: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ledger"));
    command
        .args(args)
        .current_dir(cwd)
        .env("LEDGER_SERVER", server)
        .env_remove("LEDGER_TOKEN")
        .env_remove("LEDGER_DATA");
    if let Some(token) = token {
        command.env("LEDGER_TOKEN", token);
    }
    command.output().expect("run ledger")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout {}\nstderr {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Asserts a failure with `code` whose one-line message contains `needle`.
fn fails(out: &Output, code: i32, needle: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr {stderr}");
    assert!(stderr.starts_with("ledger: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
}

struct Cycle {
    dir: tempfile::TempDir,
    work: tempfile::TempDir,
    server: Server,
    secretariat: String,
    member: String,
}

/// A small ledger (secretariat `sec`, member `m1`, three libraries, round `r-1` open)
/// served, with tokens for the secretariat and the member.
fn cycle() -> Cycle {
    let dir = tempfile::tempdir().unwrap();
    small_ledger(dir.path(), 3);
    let book = TokenBook::open(dir.path()).unwrap();
    let secretariat = book
        .issue(&ActorId::new("sec"), &Role::Secretariat, system_clock())
        .unwrap();
    let member = book
        .issue(&ActorId::new("m1"), &Role::SteeringMember, system_clock())
        .unwrap();
    let server = Server::start(dir.path(), &[]);
    Cycle {
        dir,
        work: tempfile::tempdir().unwrap(),
        server,
        secretariat,
        member,
    }
}

impl Cycle {
    fn run(&self, args: &[&str], token: &str) -> Output {
        ledger(args, &self.server.url, Some(token), self.work.path())
    }
    fn sec(&self, args: &[&str]) -> Output {
        self.run(args, &self.secretariat)
    }
    fn member(&self, args: &[&str]) -> Output {
        self.run(args, &self.member)
    }
    fn write(&self, name: &str, content: &str) {
        std::fs::write(self.work.path().join(name), content).unwrap();
    }
    fn head(&self) -> (u64, String) {
        served_head(&self.server.url)
    }
    fn file_proposal(&self, id: &str, budget_per_year: &str) -> Output {
        self.sec(&[
            "proposal",
            "file",
            "--proposal",
            id,
            "--title",
            "E-books",
            "--text",
            "Buy e-book licences together.",
            "--budget-per-year",
            budget_per_year,
        ])
    }
}

#[test]
fn proposals_are_filed_amended_and_withdrawn_with_budgets_in_euros() {
    let c = cycle();
    ok(&c.file_proposal("p-2", "1250.50"));
    let (_, _, view) = get(&c.server.url, "/v1/proposals/p-2");
    assert_eq!(view["budget_cents_per_year"], 125_050, "{view}");

    let head = c.head();
    let bad = c.sec(&[
        "proposal",
        "amend",
        "--proposal",
        "p-2",
        "--budget-per-year",
        "12,50",
    ]);
    fails(&bad, 2, "--budget-per-year must be an amount in euros");
    fails(
        &c.sec(&["proposal", "amend", "--proposal", "p-2"]),
        2,
        "nothing to amend",
    );
    assert_eq!(c.head(), head, "a refused amendment appended nothing");

    ok(&c.sec(&[
        "proposal",
        "amend",
        "--proposal",
        "p-2",
        "--title",
        "Shared e-books",
    ]));
    ok(&c.sec(&[
        "proposal",
        "withdraw",
        "--proposal",
        "p-2",
        "--reason",
        "Merged into p-1.",
    ]));
    let (_, _, view) = get(&c.server.url, "/v1/proposals/p-2");
    assert_eq!(view["title"], "Shared e-books", "{view}");
    assert_eq!(view["withdrawn"], true, "{view}");
    assert_eq!(view["withdrawal_reason"], "Merged into p-1.", "{view}");
}

#[test]
fn a_round_opens_with_its_rule_printed_and_is_annulled_with_a_reason() {
    let c = cycle();
    ok(&c.file_proposal("p-2", "100"));
    let head = c.head();
    let open = |extra: &[&str]| {
        let mut args = vec!["round", "open", "--round", "r-2", "--proposal", "p-2"];
        args.extend_from_slice(extra);
        c.sec(&args)
    };
    fails(&open(&["--closes-in", "2w"]), 2, "--closes-in must be");
    fails(
        &open(&["--closes-in", "1d", "--quorum", "1/0"]),
        2,
        "--quorum must be a fraction",
    );
    assert_eq!(c.head(), head);
    let opened = ok(&open(&[
        "--closes-in",
        "1d",
        "--threshold",
        "2/3",
        "--quorum",
        "1/4",
        "--signatures",
        "1",
    ]));
    assert!(
        opened.starts_with("rule: yes must exceed 2/3 of the represented inhabitants (abstentions count); a quorum of 1/4 of the eligible inhabitants; 1 signature to certify\n"),
        "{opened}"
    );
    let (_, _, round) = get(&c.server.url, "/v1/rounds/r-2");
    assert_eq!(round["rule"]["quorum"]["denominator"], 4, "{round}");
    ok(&c.sec(&[
        "round",
        "annul",
        "--round",
        "r-2",
        "--reason",
        "Wrong proposal text.",
    ]));
    let (_, _, round) = get(&c.server.url, "/v1/rounds/r-2");
    assert_eq!(round["status"], "annulled", "{round}");
}

#[test]
fn a_decision_records_the_documents_blake3_and_hash_prints_it() {
    let c = cycle();
    c.write("besluit.pdf", "Beheersovereenkomst, artikel 12.\n");
    let hash = ok(&ledger(&["hash", "besluit.pdf"], "", None, c.work.path()));
    let expected = blake3::hash(b"Beheersovereenkomst, artikel 12.\n")
        .to_hex()
        .to_string();
    assert_eq!(hash, format!("{expected}  besluit.pdf\n"));

    let head = c.head();
    let decision = |period_start: &str, document: &str| {
        c.sec(&[
            "decision",
            "record",
            "--decision",
            "d-1",
            "--advice",
            "a-1",
            "--verdict",
            "approved",
            "--amount-per-year",
            "200000",
            "--period-start",
            period_start,
            "--period-end",
            "2028-12-31",
            "--document",
            document,
        ])
    };
    fails(
        &decision("2024-01-01", "missing.pdf"),
        2,
        "cannot read missing.pdf",
    );
    fails(
        &decision("2024-13-01", "besluit.pdf"),
        2,
        "--period-start must be a date",
    );
    // The server refuses a decision on an advice that does not exist: exit 1, nothing written.
    let unknown = decision("2024-01-01", "besluit.pdf");
    fails(&unknown, 1, "refused (422");
    assert_eq!(c.head(), head);
}

#[test]
fn scores_from_csv_are_checked_whole_before_anything_is_sent() {
    let c = cycle();
    ok(&c.sec(&[
        "sheet",
        "file",
        "--sheet",
        "s-1",
        "--title",
        "E-books",
        "--summary",
        "Licences.",
        "--budget-per-year",
        "90000",
    ]));
    ok(&c.sec(&[
        "sheet",
        "file",
        "--sheet",
        "s-2",
        "--proposal",
        "p-1",
        "--title",
        "Pass",
        "--summary",
        "One pass.",
        "--budget-per-year",
        "65000",
    ]));
    ok(&c.member(&[
        "criteria",
        "set",
        "--criterion",
        "impact:60:Impact",
        "--criterion",
        "reach:40:Reach",
    ]));
    let head = c.head();
    // The last row is bad: nothing of the member's rows before it may be sent.
    c.write(
        "bad.csv",
        "sheet,criterion,member,score\ns-1,impact,m1,8\ns-1,reach,m1,7\ns-2,impact,m1,11\n",
    );
    fails(
        &c.member(&["scores", "import", "bad.csv", "--member", "m1"]),
        2,
        "bad.csv: line 4: score \"11\" is not a whole number from 0 to 10; nothing was sent",
    );
    c.write(
        "twice.csv",
        "sheet,criterion,member,score\ns-1,impact,m1,8\ns-1,impact,m1,7\n",
    );
    fails(
        &c.member(&["scores", "import", "twice.csv", "--member", "m1"]),
        2,
        "line 3: a second score of m1 for sheet s-1 on criterion impact (the first is on line 2)",
    );
    assert_eq!(c.head(), head, "a bad file sent nothing");

    // Every member's rows in one file; only m1's are sent with m1's token.
    let good = "sheet,criterion,member,score\ns-1,impact,m1,8\ns-1,reach,m1,7\ns-2,impact,other,5\ns-2,impact,m1,6\n";
    c.write("scores.csv", good);
    let out = ok(&c.member(&["scores", "import", "scores.csv", "--member", "m1"]));
    assert!(
        out.ends_with("recorded 3 scores of m1 (1 rows of other members not sent)\n"),
        "{out}"
    );
    let after = c.head();
    assert_eq!(after.0, head.0 + 3);
    // Repeating the same import replays the recorded rows: no score twice.
    ok(&c.member(&["scores", "import", "scores.csv", "--member", "m1"]));
    assert_eq!(c.head(), after);
    // A token that is not --member's: one score is recorded under the token's actor,
    // read back, and the rest is not sent.
    let before = c.head();
    fails(
        &c.member(&["scores", "import", "scores.csv", "--member", "other"]),
        2,
        "the token acts as m1, not as --member other: the score of scores.csv: line 4 was recorded as m1's",
    );
    assert_eq!(c.head().0, before.0 + 1);
    ok(&c.member(&["priorities", "decide", "s-2", "s-1"]));
    let head = c.head();
    fails(
        &c.member(&["priorities", "decide", "s-1", "s-1"]),
        1,
        "refused (422",
    );
    assert_eq!(c.head(), head);
}

#[test]
fn token_issue_grants_the_role_in_the_same_step_or_names_the_command() {
    let c = cycle();
    let data = c.dir.path().to_str().unwrap().to_owned();
    let grant = [
        "token",
        "issue",
        "--data",
        &data,
        "--actor",
        "acc-new",
        "--role",
        "library:lib-001",
        "--grant",
    ];
    let head = c.head();
    // A steering member may not grant roles: the grant is refused and no token issued.
    let refused = c.member(&grant);
    fails(&refused, 1, "refused (403");
    assert!(refused.stdout.is_empty());
    assert_eq!(c.head(), head);
    let book = TokenBook::open(c.dir.path()).unwrap();
    assert!(!book
        .list()
        .unwrap()
        .iter()
        .any(|e| e.actor.as_str() == "acc-new"));

    let issued = c.sec(&grant);
    let token = ok(&issued).trim().to_owned();
    assert!(text(&issued.stderr).contains("granted acc-new the role library:lib-001 in the log"));
    // The new token votes at once.
    ok(&c.run(
        &["vote", "--round", "r-1", "--library", "lib-001", "yes"],
        &token,
    ));

    let plain = c.sec(&[
        "token",
        "issue",
        "--data",
        &data,
        "--actor",
        "m2",
        "--role",
        "steering_member",
    ]);
    ok(&plain);
    assert!(
        text(&plain.stderr)
            .contains("the secretariat runs: ledger role grant --actor m2 --role steering_member"),
        "{}",
        text(&plain.stderr)
    );
    ok(&c.sec(&[
        "role",
        "grant",
        "--actor",
        "m2",
        "--role",
        "steering_member",
    ]));
    fails(
        &c.sec(&["role", "grant", "--actor", "m2", "--role", "boss"]),
        2,
        "--role must be",
    );
}

#[test]
fn newsletter_covers_up_to_the_served_log_and_libraries_are_listed() {
    let c = cycle();
    let (size, _) = c.head();
    ok(&c.sec(&[
        "newsletter",
        "issue",
        "--newsletter",
        "n-1",
        "--title",
        "Nieuwsbrief 1",
        "--from",
        "0",
    ]));
    // Without --to the issue covers the whole log as served before it.
    let (_, _, event) = get(&c.server.url, &format!("/v1/events/{size}"));
    assert_eq!(event["type"], "newsletter_issued", "{event}");
    assert_eq!(event["body"]["covers_to"], size, "{event}");
    let head = c.head();
    fails(
        &c.sec(&[
            "newsletter",
            "issue",
            "--newsletter",
            "n-2",
            "--title",
            "Nieuwsbrief 2",
            "--from",
            "0",
        ]),
        1,
        "refused (422",
    );
    assert_eq!(c.head(), head);

    let list = ok(&ledger(
        &["libraries", "list"],
        &c.server.url,
        None,
        c.work.path(),
    ));
    assert_eq!(
        list,
        "lib-000 1000 10000 Bibliotheek 0\nlib-001 1037 10001 Bibliotheek 1\nlib-002 1074 10002 Bibliotheek 2\n"
    );
}
