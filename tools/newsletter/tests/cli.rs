//! `ledger-newsletter` against a real server over the demo ledger: the issue it writes
//! over HTTP is byte for byte the golden issue rendered from the same log in memory,
//! publishing records the issue once, and bad input ends in one line and a non-zero exit.

mod common;

use common::{assert_same_text, golden, newsletter, serve_demo, LINK_BASE};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts a failure with exit status `code` and exactly one line on stderr.
fn assert_one_line_failure(output: &std::process::Output, code: i32, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    assert!(output.stdout.is_empty(), "nothing written on failure");
}

#[test]
fn the_issue_over_http_is_the_golden_issue_byte_for_byte() {
    let served = serve_demo();
    for lang in ["nl", "en"] {
        for format in ["md", "html"] {
            let output = newsletter(&[
                "--server",
                &served.url,
                "--link-base",
                LINK_BASE,
                "--since",
                "0",
                "--lang",
                lang,
                "--format",
                format,
            ]);
            assert!(output.status.success(), "{}", stderr(&output));
            let expected = golden(&format!("newsletter.{lang}.{format}"));
            assert_same_text(
                &stdout(&output),
                &expected,
                &format!("the {lang} {format} issue (golden file newsletter.{lang}.{format})"),
            );
        }
    }
    // The same range again gives the same bytes: an issue is numbered from where it
    // starts, whatever was issued after it.
    let again = newsletter(&[
        "--server",
        &served.url,
        "--link-base",
        LINK_BASE,
        "--since",
        "0",
    ]);
    assert_eq!(stdout(&again), golden("newsletter.nl.md"));
}

#[test]
fn publishing_records_the_issue_and_the_next_issue_starts_after_it() {
    let served = serve_demo();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nb-003.html");
    let length = served.demo.ledger.head().length;
    // The demo issued two newsletters; after them only the try-out round was recorded.
    let covered = served.demo.ledger.state().newsletter_covered_to.0;
    assert!(covered < length);
    let output = newsletter(&[
        "--server",
        &served.url,
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
        "--publish",
        "--token",
        &served.token,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "the issue went to the file");
    assert!(stderr(&output).contains(&format!(
        "published nb-003 (records {covered} to {length}) at position {length}"
    )));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Nieuwsbrief Digitale Bibliotheek nr. 3"));
    // A try-out round is no news.
    assert!(html.contains("Sinds de vorige nieuwsbrief werd er niets nieuws beslist."));
    assert!(!html.contains("Proefstemming"), "{html}");
    assert_eq!(
        served.demo.ledger.head().length,
        length + 1,
        "one record appended"
    );
    let state = served.demo.ledger.state();
    assert_eq!(state.newsletter_covered_to.0, length);

    // Since the last issue: only the issue itself happened.
    let next = newsletter(&["--server", &served.url, "--since-last", "--lang", "en"]);
    assert!(next.status.success(), "{}", stderr(&next));
    let text = stdout(&next);
    assert!(
        text.starts_with("# Digital Library newsletter no. 4\n"),
        "{text}"
    );
    assert!(
        text.contains("Nothing new was decided since the previous newsletter."),
        "{text}"
    );
    assert!(
        !text.contains("## The result"),
        "nothing else to report: {text}"
    );

    // Publishing an older range again is refused by the ledger, in one line.
    let again = newsletter(&[
        "--server",
        &served.url,
        "--since",
        "0",
        "--out",
        out.to_str().unwrap(),
        "--publish",
        "--token",
        &served.token,
    ]);
    assert_one_line_failure(&again, 1, "HTTP 422");
    assert_eq!(
        served.demo.ledger.head().length,
        length + 1,
        "nothing appended"
    );
}

#[test]
fn the_editor_gives_the_title_and_the_introduction() {
    let served = serve_demo();
    let dir = tempfile::tempdir().unwrap();
    let intro = dir.path().join("intro.txt");
    std::fs::write(
        &intro,
        "Beste collega's,\n\nhet hele verhaal van het IBL-besluit.\n",
    )
    .unwrap();
    let output = newsletter(&[
        "--server",
        &served.url,
        "--since",
        "0",
        "--title",
        "Het IBL-besluit",
        "--intro",
        intro.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("# Het IBL-besluit\n\nNieuwsbrief Digitale Bibliotheek nr. 1\n\nBeste collega's,\n\nhet hele verhaal van het IBL-besluit.\n"),
        "{}",
        stdout(&output)
    );
    let missing = dir.path().join("nope.txt");
    let output = newsletter(&[
        "--server",
        &served.url,
        "--intro",
        missing.to_str().unwrap(),
    ]);
    assert_one_line_failure(&output, 2, "cannot read --intro");
}

#[test]
fn a_wrong_token_is_refused_in_one_line() {
    let served = serve_demo();
    let output = newsletter(&["--server", &served.url, "--publish", "--token", "lgt_wrong"]);
    // The issue is written first; the refusal is the one line on stderr.
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("HTTP 401"), "{err}");
}

#[test]
fn an_unknown_round_is_bad_input() {
    let served = serve_demo();
    let output = newsletter(&["--server", &served.url, "--round", "r-1999-01"]);
    assert_one_line_failure(&output, 2, "round r-1999-01 is not in the ledger");
    let output = newsletter(&["--server", &served.url, "--round", "../etc"]);
    assert_one_line_failure(&output, 2, "is not a round id");
    let svg = newsletter(&["--server", &served.url, "--round", "r-2023-05"]);
    assert!(svg.status.success());
    assert_eq!(stdout(&svg), golden("result.r-2023-05.nl.svg"));
}

#[test]
fn a_server_that_is_down_is_one_line() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let output = newsletter(&["--server", &url]);
    assert_one_line_failure(&output, 1, &format!("cannot reach the server at {url}"));
}

#[test]
fn an_invalid_since_language_or_format_is_bad_input() {
    let served = serve_demo();
    let beyond = (served.demo.ledger.head().length + 1).to_string();
    for (args, needle) in [
        (vec!["--since", "abc"], "invalid --since \"abc\""),
        (vec!["--since", "-1"], "invalid --since"),
        (vec!["--since", beyond.as_str()], "invalid --since"),
        (vec!["--lang", "fr"], "unknown language"),
        (vec!["--format", "pdf"], "unknown format"),
    ] {
        let mut all = vec!["--server", served.url.as_str()];
        all.extend(args);
        let output = newsletter(&all);
        assert_one_line_failure(&output, 2, needle);
    }
}
