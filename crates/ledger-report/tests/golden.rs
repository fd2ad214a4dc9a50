//! Golden files of what readers see from the demo cycle (May 2023): the newsletter in
//! Dutch and English, as Markdown and HTML, and the demo round's infographic. The cycle
//! is decided and sealed purely on the scenario's own instants, so the log, and so every
//! byte rendered from it, is the same on every run. Its first record is the one
//! `Ledger::init` writes, so the log equals the one a store replaying the demo on the
//! same clock holds (the API and generator tests compare against these files too). Set
//! `UPDATE_GOLDEN=1` to rewrite the files after an intended change, and review the diff.

use std::path::PathBuf;

use ledger_core::{ActorId, Command, CommandId, Event, RoundId, Sealed};
use ledger_demo::{PureReplay, Scenario, Step};
use ledger_projections::{Digest, ReadModel};
use ledger_report::{
    render_newsletter, render_page, result_svg, Checkpoint, Format, Issue, Lang, NewsletterInput,
    PageInput,
};

/// The public address the golden issues link to.
const LINK_BASE: &str = "https://bibliotheken.example";

/// The demo cycle as sealed records, with `edit` applied to the ballots first.
fn demo_log_with(edit: impl FnOnce(&mut Vec<Step>)) -> Vec<(Sealed, Event)> {
    let scenario = Scenario::may_2023();
    let mut replay = PureReplay::new();
    let mut votes = scenario.votes();
    edit(&mut votes);
    // An edited ballot is signed again by its library, as it would have sent it.
    for vote in &mut votes {
        vote.envelope = ledger_demo::keys::resigned(ledger_demo::scenario::ORIGIN, &vote.envelope);
    }
    let mut setup = scenario.setup();
    // The store initialises the ledger with its own command id and actor.
    setup[0].envelope.command_id = CommandId::new(ledger_store::INIT_COMMAND_ID);
    setup[0].envelope.actor = ActorId::new(ledger_store::INIT_ACTOR);
    setup[0].envelope.expected_version = Some(0);
    assert!(matches!(
        setup[0].envelope.command,
        Command::InitializeLedger { .. }
    ));
    for step in setup.iter().chain(&votes).chain([&scenario.close()]) {
        replay.record(step).expect("the demo step is accepted");
    }
    for step in scenario.after_close(&replay.state).expect("after close") {
        replay.record(&step).expect("the demo step is accepted");
    }
    replay.log
}

fn demo_log() -> Vec<(Sealed, Event)> {
    demo_log_with(|_| {})
}

/// The checkpoint of the whole log, computed here from the record bytes the way the
/// store's Merkle tree does (RFC 6962 over the stored bytes).
fn checkpoint(log: &[(Sealed, Event)], origin: &str) -> Checkpoint {
    let tree = ledger_tlog::MemoryHashStore::from_entries(log.iter().map(|(s, _)| &s.bytes[..]))
        .expect("tree");
    let size = log.len() as u64;
    Checkpoint {
        origin: origin.to_owned(),
        size,
        root: ledger_tlog::tree_root(size, &tree).expect("root"),
        extensions: Vec::new(),
    }
}

/// The input of the demo's first issue (everything up to the log's end), gathered from
/// a read model the same way the generator gathers it over HTTP.
fn demo_issue(log: &[(Sealed, Event)], lang: Lang) -> NewsletterInput {
    let to = log.len() as u64;
    let digest = Digest::from_log(log, 0, to).expect("digest");
    let mut model = ReadModel::as_of(log, to);
    let mut input = NewsletterInput::new(
        lang,
        Issue {
            number: model.newsletters().len() as u32 + 1,
        },
        digest,
    );
    input.gather(&mut model).expect("gather");
    input.period = Some((
        log[0].0.record.recorded_at,
        log[to as usize - 1].0.record.recorded_at,
    ));
    input.checkpoint = Some(checkpoint(log, model.origin().expect("origin")));
    input.link_base = Some(LINK_BASE.to_owned());
    input
}

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `text` with the golden file `name`, or rewrites it under `UPDATE_GOLDEN`.
fn assert_golden(name: &str, text: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, text).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != text {
        let line = expected
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(text.lines().count()));
        panic!(
            "{name} differs from the golden file at line {} (expected {:?}, got {:?}); run UPDATE_GOLDEN=1 cargo test -p ledger-report --test golden and review the diff",
            line + 1,
            expected.lines().nth(line),
            text.lines().nth(line)
        );
    }
}

#[test]
fn the_demo_newsletter_matches_its_golden_files() {
    let log = demo_log();
    for (lang, code) in [(Lang::Nl, "nl"), (Lang::En, "en")] {
        let input = demo_issue(&log, lang);
        for (format, ext) in [(Format::Markdown, "md"), (Format::Html, "html")] {
            let text = render_newsletter(&input, format);
            assert_golden(&format!("newsletter.{code}.{ext}"), &text);
        }
    }
}

#[test]
fn the_demo_newsletter_states_the_result_the_libraries_saw() {
    let log = demo_log();
    let nl = render_newsletter(&demo_issue(&log, Lang::Nl), Format::Markdown);
    for expected in [
        "# Nieuwsbrief Digitale Bibliotheek nr. 1",
        "Uitkomst: **aangenomen**",
        "92% stemde ja",
        "190 van 300 bibliotheken stemden",
        "EUR 200.000 per jaar",
        "Gecertificeerd op",
        "stuurgroep-an en stuurgroep-bart",
        "## Uit de opmerkingen",
        "## Zelf controleren",
    ] {
        assert!(nl.contains(expected), "the Dutch issue lacks {expected:?}");
    }
    let en = render_newsletter(&demo_issue(&log, Lang::En), Format::Markdown);
    for expected in [
        "# Digital Library newsletter no. 1",
        "Outcome: **adopted**",
        "92% voted yes",
        "190 of 300 libraries voted",
        "EUR 200,000 a year",
    ] {
        assert!(
            en.contains(expected),
            "the English issue lacks {expected:?}"
        );
    }
    // The footer names the checkpoint the issue was made from.
    let cp = checkpoint(&log, ledger_demo::scenario::ORIGIN);
    assert!(nl.contains(&format!(
        "met grootte {} en wortel `{}`",
        cp.size,
        cp.root.to_base64()
    )));
}

#[test]
fn the_same_log_gives_the_same_bytes() {
    let (a, b) = (demo_log(), demo_log());
    let render =
        |log: &[(Sealed, Event)]| render_newsletter(&demo_issue(log, Lang::Nl), Format::Html);
    assert_eq!(render(&a), render(&b));
}

#[test]
fn the_demo_round_infographic_matches_its_golden_files() {
    let log = demo_log();
    let model = ReadModel::as_of(&log, log.len() as u64);
    let result = model
        .round_result(&RoundId::new(ledger_demo::scenario::ROUND))
        .expect("the demo round");
    for (lang, code) in [(Lang::Nl, "nl"), (Lang::En, "en")] {
        let svg = result_svg(&result, lang);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("stroke-dasharray"), "the threshold line");
        assert_golden(&format!("result.r-2023-05.{code}.svg"), &svg);
    }
    let nl = result_svg(&result, Lang::Nl);
    assert!(nl.contains("190 van 300 bibliotheken stemden"));
    assert!(nl.contains("(92%)"));
}

#[test]
fn a_remark_with_a_script_stays_text_on_the_page_and_in_the_issue() {
    const EVIL: &str = "<script>alert(\"x\")</script> & <b>vet</b>";
    let log = demo_log_with(|votes| {
        // The first yes remark that stands is always quoted in the issue.
        let later = |k: usize, votes: &[Step]| {
            let library = match &votes[k].envelope.command {
                Command::CastVote { library, .. } => library.clone(),
                _ => unreachable!(),
            };
            votes[k + 1..].iter().any(|s| {
                matches!(&s.envelope.command, Command::CastVote { library: l, .. } if *l == library)
            })
        };
        let k = (0..votes.len())
            .find(|&k| {
                matches!(
                    &votes[k].envelope.command,
                    Command::CastVote {
                        choice: ledger_core::Choice::Yes,
                        remark: Some(_),
                        ..
                    }
                ) && !later(k, votes)
            })
            .expect("a standing yes remark");
        if let Command::CastVote { remark, .. } = &mut votes[k].envelope.command {
            *remark = Some(EVIL.to_owned());
        }
    });
    let model = ReadModel::as_of(&log, log.len() as u64);
    let page = render_page(&model, &PageInput::default());
    let issue = render_newsletter(&demo_issue(&log, Lang::Nl), Format::Html);
    let markdown = render_newsletter(&demo_issue(&log, Lang::Nl), Format::Markdown);
    for html in [&page, &issue] {
        assert!(!html.contains("<script"), "a script tag got through");
        assert!(!html.contains("<b>vet"), "a tag got through");
        assert!(html.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;"
        ));
    }
    assert!(
        markdown.contains("\\<script>alert(\"x\")\\</script> \\& \\<b>vet\\</b>"),
        "{markdown}"
    );
}

#[test]
fn the_page_shows_the_demo_round_with_its_table_and_remarks() {
    let log = demo_log();
    let model = ReadModel::as_of(&log, log.len() as u64);
    let cp = checkpoint(&log, ledger_demo::scenario::ORIGIN);
    for lang in [Lang::Nl, Lang::En] {
        let page = render_page(
            &model,
            &PageInput {
                lang,
                base_url: Some(LINK_BASE.to_owned()),
                checkpoint: Some(cp.clone()),
            },
        );
        assert!(page.starts_with("<!doctype html>\n<html lang=\""));
        assert_eq!(page.matches("<h1>").count(), 1);
        assert!(!page.contains("<script"));
        assert!(page.contains("<table>") && page.contains("<th scope=\"col\">"));
        assert!(page.contains(&cp.root.to_base64()));
        assert!(page.contains("92%"));
        let (voted, switch) = match lang {
            Lang::Nl => ("190 van 300 bibliotheken stemden", "href=\"/?lang=en\""),
            Lang::En => ("190 of 300 libraries voted", "href=\"/?lang=nl\""),
        };
        assert!(page.contains(voted), "{voted}");
        assert!(page.contains(switch));
    }
}
