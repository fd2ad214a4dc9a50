//! The CLI commands of the decision cycle against the real `ledger serve`: what a person
//! sees when a step succeeds, and that bad input (a bad CSV row, a missing document, a
//! budget that is not an amount, a refused grant, a correction without its reason or of
//! nothing) ends with a clear message, a non-zero exit and the served head unchanged.

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
    libraries: Vec<String>,
}

/// A small ledger (secretariat `sec`, member `m1`, three libraries, round `r-1` open)
/// served, with tokens for the secretariat and the member.
fn cycle() -> Cycle {
    let dir = tempfile::tempdir().unwrap();
    let libraries = small_ledger(dir.path(), 3);
    let book = TokenBook::open(dir.path()).unwrap();
    let secretariat = book
        .issue(&ActorId::new("sec"), &Role::Secretariat, system_clock())
        .unwrap();
    let member = book
        .issue(&ActorId::new("m1"), &Role::SteeringMember, system_clock())
        .unwrap();
    let server = Server::start(dir.path(), &[]);
    let work = tempfile::tempdir().unwrap();
    support::write_member_key(work.path());
    Cycle {
        dir,
        work,
        server,
        secretariat,
        member,
        libraries,
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
        "--live-results",
    ]));
    assert!(
        opened.starts_with("rule: yes must exceed 2/3 of the represented inhabitants (abstentions count); a quorum of 1/4 of the eligible inhabitants; 1 signature to certify\nresults: counts per choice are shown while the round is open\n"),
        "{opened}"
    );
    let (_, _, round) = get(&c.server.url, "/v1/rounds/r-2");
    assert_eq!(round["rule"]["quorum"]["denominator"], 4, "{round}");
    assert_eq!(round["live_results"], true, "{round}");
    assert_eq!(round["counts"], "shown", "{round}");
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

    // A bad last row (an unknown criterion, which only the server can judge): the
    // server refuses the whole score sheet, nothing is recorded, the line is named.
    c.write(
        "unknown.csv",
        "sheet,criterion,member,score\ns-1,impact,m1,8\ns-1,reach,m1,7\ns-2,effort,m1,6\n",
    );
    fails(
        &c.member(&["scores", "import", "unknown.csv", "--member", "m1"]),
        1,
        "unknown.csv: line 4: refused (422 Command rejected, unknown_criterion): score 3 (sheet s-2, criterion effort): unknown criterion effort; no score of this command was recorded; none of m1's 3 scores was recorded",
    );
    assert_eq!(c.head(), head, "a refused score sheet wrote nothing");

    // A token that is not --member's: refused, nothing recorded under the wrong name.
    let good = "sheet,criterion,member,score\ns-1,impact,m1,8\ns-1,reach,m1,7\ns-2,impact,other,5\ns-2,impact,m1,6\n";
    c.write("scores.csv", good);
    fails(
        &c.member(&["scores", "import", "scores.csv", "--member", "other"]),
        1,
        "scores.csv: line 4: refused (403 Forbidden, scoring_for_another_member): score 1 (sheet s-2, criterion impact): actor m1 may not score for member other",
    );
    assert_eq!(
        c.head(),
        head,
        "nothing was recorded under another member's name"
    );

    // Every member's rows in one file; only m1's are sent with m1's token, in one batch.
    let out = ok(&c.member(&["scores", "import", "scores.csv", "--member", "m1"]));
    assert!(
        out.ends_with("recorded 3 scores of m1 (1 row of other members not sent)\n"),
        "{out}"
    );
    let after = c.head();
    assert_eq!(after.0, head.0 + 3);
    // Repeating the same import replays the recorded command: no score twice.
    let again = ok(&c.member(&["scores", "import", "scores.csv", "--member", "m1"]));
    assert!(
        again.starts_with("already applied, nothing appended"),
        "{again}"
    );
    assert_eq!(c.head(), after);
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

/// Asserts a one-command success: the receipt line a person sees.
fn appended(out: &Output) -> String {
    let stdout = ok(out);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("appended command ") && l.contains("(1 record, recorded at ")),
        "{stdout}"
    );
    stdout
}

/// The proposal's timeline steps that carry a reason, in order.
fn corrections(c: &Cycle) -> Vec<(String, String)> {
    let (_, _, proposal) = get(&c.server.url, "/v1/proposals/p-1");
    proposal["timeline"]
        .as_array()
        .expect("a timeline")
        .iter()
        .filter_map(|s| {
            Some((
                s["step"].as_str()?.to_owned(),
                s["reason"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[test]
fn a_round_opens_with_a_title_and_its_window_changes_with_a_reason() {
    let c = cycle();
    let first = system_clock().plus_seconds(10 * 86_400).to_rfc3339();
    let later = system_clock().plus_seconds(24 * 86_400).to_rfc3339();
    ok(&c.file_proposal("p-2", "100"));
    ok(&c.sec(&[
        "round",
        "open",
        "--round",
        "r-2",
        "--proposal",
        "p-2",
        "--title",
        "Stemronde mei 2023",
        "--closes-at",
        &first,
        "--signatures",
        "1",
    ]));
    let (_, _, result) = get(&c.server.url, "/v1/rounds/r-2/result");
    assert_eq!(result["title"], "Stemronde mei 2023", "{result}");

    let head = c.head();
    let change = |extra: &[&str]| {
        let mut args = vec!["round", "change-window", "--round", "r-2"];
        args.extend_from_slice(extra);
        c.sec(&args)
    };
    fails(
        &change(&["--closes-at", "22/05/2099", "--reason", "x"]),
        2,
        "--closes-at must be an RFC 3339 time",
    );
    fails(
        &change(&["--closes-in", "3w", "--reason", "x"]),
        2,
        "--closes-in must be",
    );
    let missing_reason = change(&["--closes-in", "3d"]);
    assert_eq!(missing_reason.status.code(), Some(2));
    assert!(text(&missing_reason.stderr).contains("--reason"));
    // Unknown round: the server refuses, nothing is written.
    fails(
        &c.sec(&[
            "round",
            "change-window",
            "--round",
            "r-9",
            "--closes-in",
            "3d",
            "--reason",
            "x",
        ]),
        1,
        "refused (",
    );
    assert_eq!(c.head(), head, "refused window changes appended nothing");

    appended(&change(&[
        "--closes-at",
        &later,
        "--reason",
        "Pinksteren: two more weeks.",
    ]));
    let (_, _, round) = get(&c.server.url, "/v1/rounds/r-2");
    assert_eq!(round["closes_at"], later.as_str(), "{round}");
    assert_eq!(
        round["window_changes"][0]["previous_closes_at"],
        first.as_str(),
        "{round}"
    );
    let (_, _, proposal) = get(&c.server.url, "/v1/proposals/p-2");
    assert!(
        proposal["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["step"] == "window_changed" && s["reason"] == "Pinksteren: two more weeks."),
        "{proposal}"
    );
}

#[test]
fn corrections_are_new_records_with_their_reasons_and_never_edits() {
    let c = cycle();
    for (i, token) in c.libraries.iter().enumerate() {
        let library = format!("lib-{i:03}");
        ok(&c.run(
            &["vote", "--round", "r-1", "--library", &library, "yes"],
            token,
        ));
    }
    ok(&c.member(&["round", "close", "--round", "r-1"]));
    ok(&c.member(&["certify", "--key", "m1.key", "--round", "r-1"]));

    let head = c.head();
    fails(
        &c.member(&[
            "certification",
            "withdraw",
            "--round",
            "r-9",
            "--reason",
            "x",
        ]),
        1,
        "refused (",
    );
    assert_eq!(c.head(), head);
    appended(&c.member(&[
        "certification",
        "withdraw",
        "--round",
        "r-1",
        "--reason",
        "Signed the wrong digest.",
    ]));
    let (_, _, result) = get(&c.server.url, "/v1/rounds/r-1/result");
    assert_eq!(result["certified"], false, "{result}");
    ok(&c.member(&["certify", "--key", "m1.key", "--round", "r-1"]));

    ok(&c.sec(&[
        "advice",
        "send",
        "--advice",
        "a-1",
        "--round",
        "r-1",
        "--recipient",
        "Vlaamse overheid",
        "--text",
        "Adopt it.",
    ]));
    let head = c.head();
    fails(
        &c.sec(&[
            "advice",
            "correct",
            "--advice",
            "a-1",
            "--text-file",
            "missing.txt",
            "--reason",
            "x",
        ]),
        2,
        "cannot read missing.txt",
    );
    fails(
        &c.sec(&[
            "advice", "correct", "--advice", "a-9", "--text", "y", "--reason", "x",
        ]),
        1,
        "refused (",
    );
    let no_reason = c.sec(&["advice", "correct", "--advice", "a-1", "--text", "y"]);
    assert_eq!(no_reason.status.code(), Some(2));
    assert_eq!(c.head(), head, "refused corrections appended nothing");
    c.write("advies.txt", "Adopt it from 2024.");
    appended(&c.sec(&[
        "advice",
        "correct",
        "--advice",
        "a-1",
        "--text-file",
        "advies.txt",
        "--reason",
        "The year was missing.",
    ]));

    c.write("besluit.pdf", "Besluit.\n");
    c.write("besluit-2.pdf", "Besluit, gewijzigd.\n");
    let decide = |sub: &str, id_flag: &str, id: &str, amount: &str, document: &str| {
        let mut args = vec!["decision", sub, "--decision", "d-1"];
        if sub == "record" {
            args.extend_from_slice(&["--advice", "a-1"]);
        }
        args.extend_from_slice(&[
            "--verdict",
            "approved",
            "--amount-per-year",
            amount,
            "--period-start",
            "2024-01-01",
            "--period-end",
            "2028-12-31",
            "--document",
            document,
        ]);
        if !id_flag.is_empty() {
            args.extend_from_slice(&[id_flag, id]);
        }
        c.sec(&args)
    };
    ok(&decide("record", "", "", "200000", "besluit.pdf"));
    let head = c.head();
    fails(
        &decide("amend", "--reason", "x", "12,5", "besluit-2.pdf"),
        2,
        "--amount-per-year must be an amount in euros",
    );
    fails(
        &decide("amend", "--reason", "x", "150000", "missing.pdf"),
        2,
        "cannot read missing.pdf",
    );
    assert_eq!(c.head(), head);
    let amended = appended(&decide(
        "amend",
        "--reason",
        "The government lowered the amount.",
        "150000",
        "besluit-2.pdf",
    ));
    let digest = blake3::hash(b"Besluit, gewijzigd.\n").to_hex().to_string();
    assert!(
        amended.starts_with(&format!("document besluit-2.pdf: BLAKE3 {digest}\n")),
        "{amended}"
    );

    assert_eq!(
        corrections(&c),
        [
            ("certification_withdrawn", "Signed the wrong digest."),
            ("advice_superseded", "The year was missing."),
            ("decision_amended", "The government lowered the amount."),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    // The earlier records stay in the log as they were.
    let (_, _, events) = get(&c.server.url, "/v1/events?limit=500");
    let items = events["items"].as_array().unwrap();
    let body = |kind: &str| {
        items
            .iter()
            .find(|e| e["type"] == kind)
            .map(|e| e["body"].clone())
            .unwrap_or_else(|| panic!("no {kind} in {events}"))
    };
    assert_eq!(body("advice_sent")["text"], "Adopt it.");
    assert_eq!(body("advice_superseded")["text"], "Adopt it from 2024.");
    assert_eq!(
        body("government_decision_recorded")["amount_cents_per_year"],
        20_000_000
    );
}

#[test]
fn actors_get_names_and_documents_are_linked_with_the_files_blake3() {
    let c = cycle();
    appended(&c.sec(&[
        "actor",
        "name",
        "--actor",
        "m1",
        "--name",
        "An Peeters (stuurgroep)",
    ]));
    let head = c.head();
    fails(
        &c.member(&["actor", "name", "--actor", "m1", "--name", "Someone"]),
        1,
        "refused (403",
    );
    assert_eq!(c.head(), head, "a member may not name actors");

    c.write("nota.pdf", "Nota aan de stuurgroep.\n");
    let link = |subject: &[&str], url: &str, file: &str| {
        let mut args = vec!["document", "link"];
        args.extend_from_slice(subject);
        args.extend_from_slice(&["--title", "Nota", "--url", url, "--file", file]);
        c.sec(&args)
    };
    fails(
        &link(
            &["--proposal", "p-1"],
            "https://bibliotheken.example/nota.pdf",
            "missing.pdf",
        ),
        2,
        "cannot read missing.pdf",
    );
    fails(
        &link(
            &["--proposal", "p-1"],
            "ftp://bibliotheken.example/nota.pdf",
            "nota.pdf",
        ),
        1,
        "refused (422",
    );
    fails(
        &link(
            &["--sheet", "s-9"],
            "https://bibliotheken.example/nota.pdf",
            "nota.pdf",
        ),
        1,
        "refused (",
    );
    let both = link(
        &["--proposal", "p-1", "--sheet", "s-1"],
        "https://bibliotheken.example/nota.pdf",
        "nota.pdf",
    );
    assert_eq!(both.status.code(), Some(2));
    assert_eq!(c.head(), head, "refused links appended nothing");

    let linked = appended(&link(
        &["--proposal", "p-1"],
        "https://bibliotheken.example/nota.pdf",
        "nota.pdf",
    ));
    let digest = blake3::hash(b"Nota aan de stuurgroep.\n")
        .to_hex()
        .to_string();
    assert!(
        linked.starts_with(&format!("document nota.pdf: BLAKE3 {digest}\n")),
        "{linked}"
    );
    let (_, _, proposal) = get(&c.server.url, "/v1/proposals/p-1");
    assert_eq!(
        proposal["documents"][0]["document_blake3"],
        digest.as_str(),
        "{proposal}"
    );
    assert_eq!(
        proposal["documents"][0]["url"], "https://bibliotheken.example/nota.pdf",
        "{proposal}"
    );
}
