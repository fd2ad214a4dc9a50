//! Golden files of what readers see from the demo's history (the May 2023 cycle on its
//! historical dates, its two newsletters and the try-out round): the public page and
//! the newsletter in Dutch and English (Markdown and HTML), the Atom feed, and the demo
//! round's infographic as SVG and PNG. The history is decided and sealed purely on the
//! scenario's own instants (`ledger_demo::record_history`, the try-out at
//! `FIXED_TRIAL_AT`), so the log, and so every byte rendered from it, is the same on
//! every run. Its first record is the one `Ledger::init` writes, so the log equals the
//! one a store replaying the demo on the same clock holds (the API and generator tests
//! compare against these files too). Set `UPDATE_GOLDEN=1` to rewrite the files after an
//! intended change, and review the diff.

use std::path::PathBuf;

use ledger_core::{ActorId, Command, CommandId, Event, RoundId, Sealed};
use ledger_demo::{record_history, HistoryError, PureReplay, Recorder, Scenario, Step};
use ledger_projections::{Digest, ReadModel};
use ledger_report::{
    render_atom, render_newsletter, render_page, result_svg, svg_to_png, Checkpoint, FeedEntry,
    FeedInput, Format, Issue, Lang, NewsletterInput, PageInput,
};

/// The public address the golden issues link to.
const LINK_BASE: &str = "https://bibliotheken.example";

/// Records the history purely, as the store would: the first command under the store's
/// own id and actor, and each step through `edit` first.
struct GoldenRecorder<F: FnMut(&mut Step)> {
    replay: PureReplay,
    edit: F,
}

impl<F: FnMut(&mut Step)> Recorder for GoldenRecorder<F> {
    type Error = HistoryError;

    fn record(&mut self, step: &Step) -> Result<(), HistoryError> {
        let mut step = step.clone();
        if matches!(step.envelope.command, Command::InitializeLedger { .. }) {
            step.envelope.command_id = CommandId::new(ledger_store::INIT_COMMAND_ID);
            step.envelope.actor = ActorId::new(ledger_store::INIT_ACTOR);
            step.envelope.expected_version = Some(0);
        }
        (self.edit)(&mut step);
        // An edited ballot is signed again by its library, as it would have sent it.
        step.envelope = ledger_demo::keys::resigned(ledger_demo::scenario::ORIGIN, &step.envelope);
        self.replay.record(&step).map_err(HistoryError::Replay)
    }

    fn state(&self) -> ledger_core::State {
        self.replay.state.clone()
    }
}

/// The demo's history as sealed records, with `edit` applied to every step first.
fn demo_log_with(edit: impl FnMut(&mut Step)) -> Vec<(Sealed, Event)> {
    let mut recorder = GoldenRecorder {
        replay: PureReplay::new(),
        edit,
    };
    record_history(
        &Scenario::may_2023(),
        &mut recorder,
        ledger_demo::FIXED_TRIAL_AT,
    )
    .expect("the demo history is accepted");
    recorder.replay.log
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

/// Where each newsletter recorded in `log` ended.
fn issued_ends(log: &[(Sealed, Event)]) -> Vec<u64> {
    log.iter()
        .filter_map(|(_, e)| match e {
            Event::NewsletterIssued(n) => Some(n.covers_to.0),
            _ => None,
        })
        .collect()
}

/// The input of the issue `ledger-newsletter --since 0` makes of the whole log, gathered
/// from a read model the same way the generator gathers it over HTTP.
fn demo_issue(log: &[(Sealed, Event)], lang: Lang) -> NewsletterInput {
    let to = log.len() as u64;
    let digest = Digest::from_log(log, 0, to).expect("digest");
    let mut model = ReadModel::as_of(log, to);
    let mut input = NewsletterInput::new(lang, Issue::starting_at(0, issued_ends(log)), digest);
    input.gather(&mut model).expect("gather");
    input.period = Some((
        log[0].0.record.recorded_at,
        log[to as usize - 1].0.record.recorded_at,
    ));
    input.checkpoint = Some(checkpoint(log, model.origin().expect("origin")));
    input.link_base = Some(LINK_BASE.to_owned());
    input
}

/// The page of the whole log, with its checkpoint, linking to `LINK_BASE`.
fn demo_page(log: &[(Sealed, Event)], lang: Lang) -> String {
    let model = ReadModel::as_of(log, log.len() as u64);
    render_page(
        &model,
        &PageInput {
            lang,
            base_url: Some(LINK_BASE.to_owned()),
            checkpoint: Some(checkpoint(log, ledger_demo::scenario::ORIGIN)),
        },
    )
}

/// The feed of the latest 50 records, as `GET /v1/feed.atom` serves it.
fn demo_feed(log: &[(Sealed, Event)]) -> String {
    let entries = log
        .iter()
        .rev()
        .take(50)
        .map(|(sealed, _)| FeedEntry {
            position: sealed.record.position.0,
            event_id: sealed
                .record
                .event_id
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            event_type: sealed.record.event_type.clone(),
            stream: sealed.record.stream.clone(),
            actor: sealed.record.actor.to_string(),
            recorded_at: sealed.record.recorded_at,
            hash: sealed.hash.to_hex(),
        })
        .collect();
    render_atom(&FeedInput {
        origin: ledger_demo::scenario::ORIGIN.to_owned(),
        started: log[0].0.record.recorded_at,
        base_url: String::new(),
        length: log.len() as u64,
        entries,
    })
}

/// The demo round's infographic in `lang`.
fn demo_svg(log: &[(Sealed, Event)], lang: Lang) -> String {
    let model = ReadModel::as_of(log, log.len() as u64);
    let result = model
        .round_result(&RoundId::new(ledger_demo::scenario::ROUND))
        .expect("the demo round");
    result_svg(&result, lang)
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
    assert_golden_text(name, &path, text);
}

/// Compares `bytes` with the golden file `name`, or rewrites it under `UPDATE_GOLDEN`.
fn assert_golden_bytes(name: &str, bytes: &[u8]) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, bytes).expect("write golden file");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_default();
    assert!(
        expected == bytes,
        "{name} differs from the golden file ({} bytes, got {}); run UPDATE_GOLDEN=1 cargo test -p ledger-report --test golden and look at the image",
        expected.len(),
        bytes.len()
    );
}

fn assert_golden_text(name: &str, path: &std::path::Path, text: &str) {
    let expected = std::fs::read_to_string(path).unwrap_or_default();
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
fn the_demo_page_feed_and_infographic_match_their_golden_files() {
    let log = demo_log();
    for (lang, code) in [(Lang::Nl, "nl"), (Lang::En, "en")] {
        assert_golden(&format!("page.{code}.html"), &demo_page(&log, lang));
        let svg = demo_svg(&log, lang);
        assert_golden(&format!("result.r-2023-05.{code}.svg"), &svg);
        assert_golden_bytes(
            &format!("result.r-2023-05.{code}.png"),
            &svg_to_png(&svg).expect("the infographic renders"),
        );
    }
    assert_golden("feed.atom", &demo_feed(&log));
}

/// Every phrase the libraries' review of the first versions asked to see gone (issue
/// 18), none of which may come back in any output.
const GONE: [&str; 21] = [
    "1 bibliotheek gaven",
    "gaven een opmerking bij hun stem in stemronde",
    "advies aan Vlaamse overheid",
    "om beurten bij ja-",
    "Wie het document heeft, kan nagaan",
    "zijn BLAKE3-hash is",
    "weegt zoveel als de inwoners",
    "alleen-aanvullend",
    "Kiesgerechtigd",
    "kiesgerechtigd",
    "Resultaat gecertificeerd",
    "EUR 200",
    "gewogen score",
    "2 of the 2 signatures on the tally required",
    "Wat er veranderde in het register",
    "Rollen: 304 toegekend",
    "tot en met 845",
    "0 tot 8",
    "curl ",
    "Proefstemming: probeer de schrijf-API uit\n",
    "(record ",
];

#[test]
fn no_listed_phrase_is_in_any_golden_file() {
    let dir = golden_path("");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("the golden directory") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "png") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("a golden text file");
        for phrase in GONE {
            // The page shows the commands of "Zelf controleren" on purpose.
            if phrase == "curl " && name.starts_with("page.") {
                continue;
            }
            assert!(!text.contains(phrase), "{name} still says {phrase:?}");
        }
        checked += 1;
    }
    assert_eq!(checked, 9, "page ×2, newsletter ×4, SVG ×2, feed");
}

#[test]
fn the_demo_newsletter_speaks_to_the_libraries() {
    let log = demo_log();
    let nl = render_newsletter(&demo_issue(&log, Lang::Nl), Format::Markdown);
    for expected in [
        "# Nieuwsbrief Digitale Bibliotheek nr. 1",
        "Bedankt aan alle 190 bibliotheken die hun stem uitbrachten!",
        "De meerderheid ging akkoord: 92% van het vertegenwoordigde inwonersaantal stemde in met het voorstel",
        "In deze nieuwsbrief lees je",
        "Uitkomst: **aangenomen**",
        "€ 200.000 per jaar",
        "Bekrachtigd door de stuurgroep op 22 juni 2023: An Peeters en Bart Claes ondertekenden de telling",
        "afwisselend uit ja-, nee- en onthoudingsstemmen",
        "Met deze BLAKE3-hash kan je controleren dat het om hetzelfde document gaat",
        "## Wat gebeurt er verder?",
        "## Zelf controleren",
        "(score 80 op 100)",
    ] {
        assert!(nl.contains(expected), "the Dutch issue lacks {expected:?}");
    }
    for absent in [
        "Proefstemming",
        "(r-2023-05)",
        "stemronde r-2023-05",
        "p-2023",
        "stuurgroep-an",
        "record",
    ] {
        assert!(!nl.contains(absent), "the Dutch issue shows {absent:?}");
    }
    let en = render_newsletter(&demo_issue(&log, Lang::En), Format::Markdown);
    for expected in [
        "# Digital Library newsletter no. 1",
        "Thank you to all 190 libraries that cast their vote!",
        "Outcome: **adopted**",
        "92% voted yes",
        "€200,000 a year",
        "## What happens next?",
    ] {
        assert!(
            en.contains(expected),
            "the English issue lacks {expected:?}"
        );
    }
    // The footer names the checkpoint the issue was made from.
    let cp = checkpoint(&log, ledger_demo::scenario::ORIGIN);
    assert!(nl.contains(&format!("wortel `{}`", cp.root.to_base64())));
    // Mail gets the PNG by URL and inline styles, never an inline SVG.
    let html = render_newsletter(&demo_issue(&log, Lang::Nl), Format::Html);
    assert!(!html.contains("<svg"), "no inline SVG in mail");
    assert!(html.contains(&format!(
        "<img src=\"{LINK_BASE}/v1/rounds/r-2023-05/result.png?lang=nl\""
    )));
    assert!(html.contains("<p style=\""));
}

#[test]
fn an_editorial_frame_replaces_the_default_title_and_intro() {
    let log = demo_log();
    let mut input = demo_issue(&log, Lang::Nl);
    input.title = Some("Het IBL-besluit, van stemming tot prioriteiten".to_owned());
    input.intro = Some("Beste collega's,\n\nhier is het <hele> verhaal.\n".to_owned());
    let md = render_newsletter(&input, Format::Markdown);
    assert!(md.starts_with("# Het IBL-besluit, van stemming tot prioriteiten\n\nNieuwsbrief Digitale Bibliotheek nr. 1\n\nBeste collega's,\n\nhier is het \\<hele> verhaal.\n"), "{md}");
    assert!(!md.contains("In deze nieuwsbrief lees je"));
    let html = render_newsletter(&input, Format::Html);
    assert!(html.contains("<title>Het IBL-besluit, van stemming tot prioriteiten</title>"));
    assert!(html.contains("hier is het &lt;hele&gt; verhaal."));
}

#[test]
fn issues_are_numbered_from_where_they_start() {
    let log = demo_log();
    let ends = issued_ends(&log);
    assert_eq!(ends.len(), 2);
    assert_eq!(Issue::starting_at(0, ends.clone()).number, 1);
    assert_eq!(Issue::starting_at(ends[0], ends.clone()).number, 2);
    assert_eq!(Issue::starting_at(ends[1], ends.clone()).number, 3);
}

#[test]
fn the_same_log_gives_the_same_bytes() {
    let (a, b) = (demo_log(), demo_log());
    let render =
        |log: &[(Sealed, Event)]| render_newsletter(&demo_issue(log, Lang::Nl), Format::Html);
    assert_eq!(render(&a), render(&b));
    assert_eq!(demo_page(&a, Lang::Nl), demo_page(&b, Lang::Nl));
}

#[test]
fn the_infographic_names_the_round_and_leads_with_the_share() {
    let log = demo_log();
    let nl = demo_svg(&log, Lang::Nl);
    assert!(nl.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\""));
    assert!(nl.contains("role=\"img\""));
    assert!(nl.contains("font-weight=\"bold\">Stemronde mei 2023: de IBL-middelen centraal"));
    assert!(nl.contains("8 mei 2023 tot en met 31 mei 2023"));
    assert!(nl.contains("font-size=\"56\" font-weight=\"bold\" fill=\"#0072B2\">92%</text>"));
    assert!(nl.contains("190 van 300 bibliotheken stemden"));
    // The threshold line stays inside the bars' track; every label is right-aligned
    // beyond it, so the line crosses none.
    let line_x: u64 = nl
        .split("<line x1=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|x| x.parse().ok())
        .expect("a threshold line");
    assert!(line_x < 370, "{line_x}");
    assert!(
        nl.contains("<text x=\"584\" y=\"")
            && nl.contains("text-anchor=\"end\">302.053 inwoners (6%)</text>")
    );
    assert!(nl.contains("text-anchor=\"end\">71.475 inwoners (1%)</text>"));
}

#[test]
fn a_remark_with_a_script_stays_text_on_the_page_and_in_the_issue() {
    const EVIL: &str = "<script>alert(\"x\")</script> & <b>vet</b>";
    let target = {
        let votes = Scenario::may_2023().votes();
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
                ) && !later(k, &votes)
            })
            .expect("a standing yes remark");
        votes[k].envelope.command_id.clone()
    };
    let log = demo_log_with(|step| {
        if step.envelope.command_id == target {
            if let Command::CastVote { remark, .. } = &mut step.envelope.command {
                *remark = Some(EVIL.to_owned());
            }
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
fn the_page_leads_with_the_decided_round_and_keeps_the_trial_last() {
    let log = demo_log();
    for lang in [Lang::Nl, Lang::En] {
        let page = demo_page(&log, lang);
        assert!(page.starts_with("<!doctype html>\n<html lang=\""));
        assert_eq!(page.matches("<h1").count(), 1);
        assert!(!page.contains("<script"));
        let h1 = page.find("<h1").unwrap();
        let first_heading = page[h1..].split('>').nth(1).unwrap_or_default();
        assert!(
            page[h1..].contains("Stemronde mei 2023: de IBL-middelen"),
            "{first_heading}"
        );
        assert!(
            !page[..h1].contains("<h2"),
            "nothing comes before the round"
        );
        let trial = page.find("Proefstemming").expect("the trial is listed");
        let verify = page.find("id=\"verify\"").unwrap();
        assert!(
            h1 < trial && trial < verify,
            "the trial comes after the decision"
        );
        assert!(
            page.rfind("<h2").unwrap() == page.rfind("<h2 id=\"verify\"").unwrap(),
            "Zelf controleren is last"
        );
        assert!(page.contains("<table") && page.contains("<th scope=\"col\">"));
        let (headline, next) = match lang {
            Lang::Nl => (
                "92% van het vertegenwoordigde inwonersaantal stemde in; 190 bibliotheken brachten hun stem uit.",
                "Wat gebeurt er verder?",
            ),
            Lang::En => (
                "92% of the represented inhabitants agreed; 190 libraries cast their vote.",
                "What happens next?",
            ),
        };
        assert!(
            page.contains(&format!("<p class=\"lead\">{headline}</p>")),
            "{headline}"
        );
        assert!(page.contains(next));
        assert!(page.contains("Cultuurconnect"));
        // A page of remarks, not all of them.
        let remarks = &page[page.find("id=\"remarks\"").unwrap()..];
        let remarks = &remarks[..remarks.find("</section>").unwrap()];
        assert_eq!(remarks.matches("<figure class=\"remark\">").count(), 6);
        assert!(page.contains("/v1/rounds/r-2023-05/remarks"));
    }
    let nl = demo_page(&log, Lang::Nl);
    for expected in [
        "Criteria voor de projectfiches: vastgelegd op 19 september 2023.",
        "in de beheersovereenkomst met Cultuurconnect: vastgelegd op 15 november 2023.",
        "telt voor 40% mee",
        "Stemgerechtigd",
        "In dit register kan je enkel toevoegen, niets wijzigen of wissen.",
        "telt mee naar het aantal inwoners dat ze vertegenwoordigt",
    ] {
        assert!(nl.contains(expected), "the page lacks {expected:?}");
    }
}

/// A key the secretariat registered on a library's behalf is spelled out in the
/// newsletter with both names, never with the accounts' ids.
#[test]
fn a_key_registered_on_a_librarys_behalf_names_the_library_and_the_sender() {
    let scenario = Scenario::may_2023();
    let library = &scenario.libraries()[0];
    let owner = library.id.as_str().to_owned();
    let log = demo_log_with(|step| {
        if let Command::RegisterAuthorKey { actor, .. } = &step.envelope.command {
            if actor.as_str() == owner {
                step.envelope.actor = ActorId::new(ledger_demo::scenario::SECRETARIAT);
            }
        }
    });
    let nl = render_newsletter(&demo_issue(&log, Lang::Nl), Format::Markdown);
    let expected = format!(
        "{}: sleutel {} geregistreerd door {}, namens de eigenaar.",
        library.name,
        ledger_demo::keys::demo_signer(&owner)
            .expect("demo key")
            .verifier()
            .verifier_key()
            .split('+')
            .nth(1)
            .expect("key id"),
        ledger_demo::scenario::SECRETARIAT_NAME,
    );
    assert!(nl.contains(&expected), "{expected:?} not in {nl}");
    assert!(
        nl.contains("303 auteurs registreerden zelf hun sleutel."),
        "{nl}"
    );
}
