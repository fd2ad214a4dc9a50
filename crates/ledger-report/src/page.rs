//! The public HTML page served at `/`: every proposal with its timeline, each round's
//! result with the infographic and a data table beside it, the remarks, and the current
//! checkpoint with the steps to verify it.
//!
//! Server-rendered and complete without JavaScript; it works on a phone (fluid layout,
//! the infographic scales, wide tables scroll in a labelled region) and aims at WCAG 2.2
//! AA: one `h1`, headings in order, a skip link, landmarks, `lang` on the page and on
//! the language switch and on the ledger's own (Dutch) texts when the page is in English,
//! captions and header scopes on tables, text contrast of at least 7:1, visible focus. This module must never emit a script, and never put a text from
//! the log on the page without escaping it.

use std::collections::BTreeMap;

use ledger_core::{ActorId, Date, LibraryId, Timestamp};
use ledger_projections::{
    DocumentView, ProposalView, ReadModel, RoundStatusView, RoundView, TimelineStep,
};
use ledger_tlog::Checkpoint;

use crate::doc::{html_table, log_lang_attr, to_html, Block};
use crate::escape::escape_html;
use crate::lang::Lang;
use crate::newsletter::{
    certification_line, decimal, outcome_line, result_table, round_heading, rule_sentence,
    warning_sentences,
};
use crate::number::{budget_sentence, euros, integer};
use crate::svg::{result_svg, turnout_sentence};
use crate::time::{brussels_date_time, calendar_date};

/// The style sheet of the page and of the HTML newsletter (no external resources).
pub(crate) const STYLE: &str = r#":root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #1a1a1a; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0b57a4; }
a:focus-visible, [tabindex]:focus-visible, summary:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
h1 { font-size: 1.75rem; line-height: 1.2; }
h2 { font-size: 1.4rem; line-height: 1.25; margin-top: 2.5rem; border-top: 1px solid #bdbdbd; padding-top: 1rem; }
h3 { font-size: 1.15rem; margin-top: 1.75rem; }
h4 { font-size: 1rem; margin-top: 1.5rem; }
figure { margin: 1rem 0; }
figure.infographic svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #3d3d3d; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.95rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.25rem; }
th, td { border-bottom: 1px solid #bdbdbd; padding: 0.35rem 0.4rem; text-align: left; vertical-align: top; }
thead th { vertical-align: bottom; }
td.num { text-align: right; white-space: nowrap; }
blockquote { margin: 0; padding: 0.25rem 1rem; border-left: 4px solid #0072B2; background: #f3f3f3; }
blockquote p { margin: 0.5rem 0; }
ul.remarks { list-style: none; padding: 0; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9rem; }
code { overflow-wrap: anywhere; }
pre { background: #f3f3f3; padding: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: #ffffff; padding: 0.5rem; z-index: 1; }
dl.checkpoint dt { font-weight: bold; }
dl.checkpoint dd { margin: 0 0 0.5rem 0; overflow-wrap: anywhere; }
footer { margin-top: 3rem; padding-bottom: 2rem; border-top: 1px solid #bdbdbd; }
"#;

/// What the page needs besides the read model.
#[derive(Clone, Debug, Default)]
pub struct PageInput {
    /// The page's language (`?lang=en` switches to English).
    pub lang: Lang,
    /// The public address of the server, for the verification commands; `None` shows a
    /// placeholder.
    pub base_url: Option<String>,
    /// The latest signed checkpoint, when the server publishes one.
    pub checkpoint: Option<Checkpoint>,
}

struct Html {
    out: String,
}

impl Html {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    /// `<tag>escaped text</tag>` on one line.
    fn element(&mut self, tag: &str, text: &str) {
        self.line(&format!("<{tag}>{}</{tag}>", escape_html(text)));
    }
}

/// Text from the log, escaped, and marked as Dutch on a page in another language.
fn log_text(text: &str, lang: Lang) -> String {
    match log_lang_attr(lang) {
        attr if attr.is_empty() => escape_html(text),
        attr => format!("<span{attr}>{}</span>", escape_html(text)),
    }
}

fn time(ts: Timestamp, lang: Lang) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        escape_html(&ts.to_rfc3339()),
        escape_html(&brussels_date_time(ts, lang))
    )
}

/// `1 voorstel`, `2 voorstellen`.
fn counted(n: u64, one: &str, many: &str, lang: Lang) -> String {
    format!("{} {}", integer(n, lang), if n == 1 { one } else { many })
}

fn anchor(prefix: &str, id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{safe}")
}

/// Linked documents as a list: the title links to the address (only `http(s)://`, which
/// `decide` requires; anything else a damaged log might hold is shown as text), then the
/// BLAKE3 hash a reader checks a downloaded copy against.
fn document_list(h: &mut Html, documents: &[DocumentView], lang: Lang) {
    if documents.is_empty() {
        return;
    }
    h.line("<ul class=\"documents\">");
    for d in documents {
        let title = if d.url.starts_with("https://") || d.url.starts_with("http://") {
            format!(
                "<a href=\"{}\">{}</a>",
                escape_html(&d.url),
                log_text(&d.title, lang)
            )
        } else {
            format!("{} ({})", log_text(&d.title, lang), escape_html(&d.url))
        };
        h.line(&format!(
            "<li>{title}, {} <code>{}</code></li>",
            escape_html(lang.pick("BLAKE3-hash:", "BLAKE3 hash:")),
            escape_html(&d.document_blake3)
        ));
    }
    h.line("</ul>");
}

/// "Superseded by record N. Reason: ...", above what a correction replaced.
fn superseded_note(h: &mut Html, position: u64, reason: &str, lang: Lang) {
    let by = match lang {
        Lang::Nl => format!("Vervangen door record {position}. Reden:"),
        Lang::En => format!("Superseded by record {position}. Reason:"),
    };
    h.line(&format!(
        "<p class=\"superseded\">{} {}</p>",
        escape_html(&by),
        log_text(reason, lang)
    ));
}

/// A decision's terms: "EUR 200.000 per jaar, van 1 januari 2024 tot en met 31 december
/// 2028. Document: BO 2024."
fn decision_terms(cents: u64, period: (Date, Date), reference: &str, lang: Lang) -> String {
    match lang {
        Lang::Nl => format!(
            "{} per jaar, van {} tot en met {}. Document: {reference}.",
            euros(cents, lang),
            calendar_date(period.0, lang),
            calendar_date(period.1, lang),
        ),
        Lang::En => format!(
            "{} a year, from {} to {}. Document: {reference}.",
            euros(cents, lang),
            calendar_date(period.0, lang),
            calendar_date(period.1, lang),
        ),
    }
}

/// One timeline step as a sentence.
fn step_text(step: &TimelineStep, lang: Lang) -> String {
    let mut text = lang.step(step.step).to_owned();
    if let Some(round) = &step.round {
        text.push_str(&format!(" ({round})"));
    }
    if let Some(outcome) = step.outcome {
        text.push_str(&format!(": {}", lang.outcome(outcome)));
    }
    if let Some(verdict) = step.verdict {
        text.push_str(&format!(": {}", lang.verdict(verdict)));
    }
    text
}

/// Renders the page for `model` as of its head.
pub fn render_page(model: &ReadModel, input: &PageInput) -> String {
    let lang = input.lang;
    let mut h = Html { out: String::new() };
    let title = lang.pick(
        "Beslissingen van de openbare bibliotheken",
        "Decisions of the public libraries",
    );
    h.line("<!doctype html>");
    h.line(&format!("<html lang=\"{}\">", lang.tag()));
    h.line("<head>");
    h.line("<meta charset=\"utf-8\">");
    h.line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.element("title", title);
    h.line(&format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/v1/feed.atom\" title=\"{}\">",
        lang.pick("Alle gebeurtenissen (Atom)", "All events (Atom)")
    ));
    h.line(&format!(
        "<link rel=\"alternate\" hreflang=\"{}\" href=\"/?lang={}\">",
        lang.other().tag(),
        lang.other().code()
    ));
    h.line(&format!("<style>\n{STYLE}</style>"));
    h.line("</head>");
    h.line("<body>");
    h.line(&format!(
        "<a class=\"skip\" href=\"#main\">{}</a>",
        lang.pick("Naar de inhoud", "Skip to content")
    ));
    h.line("<header>");
    h.element("h1", title);
    let overview = model.overview();
    h.element(
        "p",
        &match lang {
            Lang::Nl => format!(
                "De openbare bibliotheken van Vlaanderen en Brussel beslissen samen; de stem van elke bibliotheek weegt zoveel als de inwoners die ze vertegenwoordigt. Dit register houdt elke stap bij en iedereen kan het controleren. Het telt {} records: {}, {}, {}.",
                integer(overview.head.length, lang),
                counted(overview.proposals, "voorstel", "voorstellen", lang),
                counted(overview.rounds, "stemronde", "stemrondes", lang),
                counted(overview.active_libraries, "bibliotheek", "bibliotheken", lang)
            ),
            Lang::En => format!(
                "The public libraries of Flanders and Brussels decide together; each library's vote weighs as many inhabitants as it represents. This ledger keeps every step and anyone can check it. It holds {} records: {}, {}, {}.",
                integer(overview.head.length, lang),
                counted(overview.proposals, "proposal", "proposals", lang),
                counted(overview.rounds, "vote round", "vote rounds", lang),
                counted(overview.active_libraries, "library", "libraries", lang)
            ),
        },
    );
    h.line(&format!(
        "<nav aria-label=\"{}\"><p><a href=\"/?lang={}\" hreflang=\"{}\" lang=\"{}\">{}</a></p></nav>",
        lang.pick("Taal", "Language"),
        lang.other().code(),
        lang.other().tag(),
        lang.other().tag(),
        lang.pick("English", "Nederlands")
    ));
    h.line("</header>");
    h.line("<main id=\"main\">");

    // Newest proposal first: readers come for the latest decision.
    let mut proposals: Vec<&ProposalView> = model.proposals().values().collect();
    proposals
        .sort_by_key(|p| std::cmp::Reverse(p.timeline.first().map(|s| s.position).unwrap_or(0)));
    if proposals.is_empty() {
        h.element(
            "p",
            lang.pick(
                "Er zijn nog geen voorstellen.",
                "There are no proposals yet.",
            ),
        );
    }
    for proposal in proposals {
        proposal_section(&mut h, model, proposal, lang);
    }
    h.raw(&crate::keys::page_section(model, lang));
    verify_section(&mut h, model, input);
    h.line("</main>");
    h.line("<footer>");
    h.line(&format!(
        "<p>{} <a href=\"/v1/feed.atom\">{}</a> · <a href=\"/openapi.json\">{}</a> · <a href=\"/v1/log/checkpoint\">{}</a></p>",
        lang.pick("Volg en hergebruik:", "Follow and reuse:"),
        lang.pick("Atom-feed van alle gebeurtenissen", "Atom feed of every event"),
        lang.pick("API-beschrijving (OpenAPI)", "API description (OpenAPI)"),
        lang.pick("huidig checkpoint", "current checkpoint"),
    ));
    h.line("</footer>");
    h.line("</body>");
    h.line("</html>");
    h.out
}

fn proposal_section(h: &mut Html, model: &ReadModel, proposal: &ProposalView, lang: Lang) {
    let id = anchor("p", proposal.id.as_str());
    h.line(&format!("<section aria-labelledby=\"{id}\">"));
    h.line(&format!(
        "<h2 id=\"{id}\">{}</h2>",
        log_text(&proposal.title, lang)
    ));
    h.element(
        "p",
        &match lang {
            Lang::Nl => format!(
                "Voorstel {} van de stuurgroep. {} Stand van zaken: {}.",
                proposal.id,
                budget_sentence(proposal.budget_cents_per_year, lang),
                lang.step(proposal.status).to_lowercase()
            ),
            Lang::En => format!(
                "Proposal {} of the steering group. {} Status: {}.",
                proposal.id,
                budget_sentence(proposal.budget_cents_per_year, lang),
                lang.step(proposal.status).to_lowercase()
            ),
        },
    );
    h.line(&format!(
        "<details><summary>{}</summary><p{}>{}</p></details>",
        lang.pick("Tekst van het voorstel", "Text of the proposal"),
        log_lang_attr(lang),
        escape_html(&proposal.text)
    ));
    if let Some(reason) = &proposal.withdrawal_reason {
        h.line(&format!(
            "<p>{} {}</p>",
            lang.pick("Ingetrokken:", "Withdrawn:"),
            log_text(reason, lang)
        ));
    }
    if !proposal.documents.is_empty() {
        h.element("h3", lang.pick("Documenten", "Documents"));
        document_list(h, &proposal.documents, lang);
    }
    h.element("h3", lang.pick("Tijdlijn", "Timeline"));
    h.line("<ol>");
    for step in &proposal.timeline {
        let reason = step
            .reason
            .as_deref()
            .map(|r| format!(" {} {}", lang.pick("Reden:", "Reason:"), log_text(r, lang)))
            .unwrap_or_default();
        h.line(&format!(
            "<li>{}: {}{reason} <a href=\"/v1/events/{}\">(record {})</a></li>",
            time(step.recorded_at, lang),
            escape_html(&step_text(step, lang)),
            step.position,
            step.position
        ));
    }
    h.line("</ol>");
    for round in proposal.rounds.iter().filter_map(|r| model.rounds().get(r)) {
        round_section(h, model, round, lang);
    }
    for advice in proposal.advice.iter().filter_map(|a| model.advice().get(a)) {
        h.element(
            "h3",
            &format!("{} {}", lang.pick("Advies", "Advice"), advice.id),
        );
        h.line(&format!(
            "<p>{} {}:</p>",
            time(advice.recorded_at, lang),
            escape_html(&match lang {
                Lang::Nl => format!(
                    "advies aan {} op basis van stemronde {}",
                    advice.recipient, advice.round
                ),
                Lang::En => format!(
                    "advice to {} based on vote round {}",
                    advice.recipient, advice.round
                ),
            })
        ));
        h.line(&format!(
            "<blockquote{}><p>{}</p></blockquote>",
            log_lang_attr(lang),
            escape_html(&advice.text)
        ));
        // Oldest first: each earlier text with the correction that replaced it.
        for old in &advice.superseded {
            superseded_note(h, old.position, &old.reason, lang);
            h.line(&format!(
                "<blockquote{}><p><del>{}</del></p></blockquote>",
                log_lang_attr(lang),
                escape_html(&old.text)
            ));
        }
    }
    for decision in proposal
        .decisions
        .iter()
        .filter_map(|d| model.decisions().get(d))
    {
        h.element(
            "h3",
            lang.pick("Beslissing van de overheid", "Government decision"),
        );
        h.line(&format!(
            "<p>{}: <strong>{}</strong>, {}</p>",
            time(decision.recorded_at, lang),
            escape_html(lang.verdict(decision.verdict)),
            escape_html(&decision_terms(
                decision.amount_cents_per_year,
                (decision.period_start, decision.period_end),
                &decision.document_reference,
                lang
            ))
        ));
        h.line(&format!(
            "<p>{} <code>{}</code></p>",
            escape_html(lang.pick(
                "BLAKE3-hash van het document:",
                "BLAKE3 hash of the document:"
            )),
            escape_html(&decision.document_blake3)
        ));
        for old in &decision.superseded {
            superseded_note(h, old.position, &old.reason, lang);
            h.line(&format!(
                "<p><del>{}, {} BLAKE3 {}</del></p>",
                escape_html(lang.verdict(old.verdict)),
                escape_html(&decision_terms(
                    old.amount_cents_per_year,
                    (old.period_start, old.period_end),
                    &old.document_reference,
                    lang
                )),
                escape_html(&old.document_blake3)
            ));
        }
    }
    let sheets: Vec<_> = proposal
        .sheets
        .iter()
        .filter_map(|s| model.sheets().get(s))
        .collect();
    if !sheets.is_empty() {
        h.element("h3", lang.pick("Projectfiches", "Project sheets"));
        let mut ranked = sheets;
        ranked.sort_by_key(|s| (s.rank.unwrap_or(u32::MAX), s.position));
        h.line("<ul>");
        for sheet in ranked {
            let rank = sheet
                .rank
                .map(|r| format!("{} {r}: ", lang.pick("Prioriteit", "Priority")))
                .unwrap_or_default();
            let total = sheet
                .weighted_total
                .as_ref()
                .map(|t| {
                    format!(
                        "; {} {}",
                        lang.pick("gewogen score", "weighted score"),
                        decimal(&t.decimal, lang)
                    )
                })
                .unwrap_or_default();
            h.line(&format!(
                "<li>{}{} {}",
                escape_html(&rank),
                log_text(&sheet.title, lang),
                escape_html(&format!(
                    "({} {}{total})",
                    euros(sheet.budget_cents_per_year, lang),
                    lang.pick("per jaar", "a year")
                ))
            ));
            document_list(h, &sheet.documents, lang);
            h.line("</li>");
        }
        h.line("</ul>");
    }
    h.line("</section>");
}

fn round_section(h: &mut Html, model: &ReadModel, round: &RoundView, lang: Lang) {
    let result = round.result();
    let id = anchor("r", round.id.as_str());
    h.line(&format!("<section aria-labelledby=\"{id}\">"));
    h.line(&format!(
        "<h3 id=\"{id}\">{}</h3>",
        escape_html(&round_heading(&round.id, round.title.as_deref(), lang))
    ));
    let window = match round.status {
        RoundStatusView::Open => lang.pick("Stemmen kan van", "Voting is open from"),
        _ => lang.pick("Stemmen kon van", "Voting was open from"),
    };
    h.line(&format!(
        "<p>{} {} {} {}. {} {}.</p>",
        window,
        time(round.opens_at, lang),
        lang.pick("tot", "to"),
        time(round.closes_at, lang),
        lang.pick("Status:", "Status:"),
        escape_html(lang.round_status(round.status))
    ));
    h.line("<figure class=\"infographic\">");
    h.raw(&result_svg(&result, lang));
    h.line(&format!(
        "<figcaption>{}</figcaption>",
        escape_html(&match lang {
            Lang::Nl => format!(
                "Infographic stemronde {}. De tabel hieronder bevat dezelfde cijfers.",
                round.id
            ),
            Lang::En => format!(
                "Infographic of vote round {}. The table below holds the same figures.",
                round.id
            ),
        })
    ));
    h.line("</figure>");
    h.raw(&html_table(&result_table(&result, lang)));
    let paragraph = |line| to_html(&[Block::Para(line)], lang);
    h.raw(&paragraph(outcome_line(&result, lang)));
    h.element("p", &rule_sentence(&result, lang));
    for warning in warning_sentences(&result, lang) {
        h.line(&format!(
            "<p class=\"warning\"><strong>{}</strong> {}</p>",
            escape_html(lang.pick("Let op:", "Warning:")),
            escape_html(&warning)
        ));
    }
    h.element("p", &turnout_sentence(&result, lang));
    if round.status != RoundStatusView::Open {
        let names: BTreeMap<ActorId, String> = round
            .certification
            .iter()
            .flat_map(|c| &c.signers)
            .filter_map(|a| model.actor_name(a).map(|n| (a.clone(), n.to_owned())))
            .collect();
        h.raw(&paragraph(certification_line(round, &result, &names, lang)));
    }
    if let Some(annulment) = &round.annulment {
        h.line(&format!(
            "<p>{} {}</p>",
            lang.pick("Geannuleerd:", "Annulled:"),
            log_text(&annulment.reason, lang)
        ));
    }
    h.line(&format!(
        "<p>{} <a href=\"/v1/rounds/{r}/result\">JSON</a> · <a href=\"/v1/rounds/{r}/result.csv\">CSV</a> · <a href=\"/v1/rounds/{r}/votes.csv\">{}</a> · <a href=\"/v1/rounds/{r}/result.svg?lang={}\">SVG</a></p>",
        lang.pick("De cijfers als", "The figures as"),
        lang.pick("alle stemmen (CSV)", "every vote (CSV)"),
        lang.code(),
        r = escape_html(round.id.as_str()),
    ));
    remarks(h, model, round, lang);
    h.line("</section>");
}

fn remarks(h: &mut Html, model: &ReadModel, round: &RoundView, lang: Lang) {
    let standing: Vec<_> = round.remarks.iter().filter(|r| !r.superseded).collect();
    let replaced = round.remarks.len() - standing.len();
    h.element(
        "h4",
        &format!(
            "{} ({})",
            lang.pick("Opmerkingen", "Remarks"),
            integer(standing.len() as u64, lang)
        ),
    );
    if standing.is_empty() {
        h.element("p", lang.pick("Geen opmerkingen.", "No remarks."));
        return;
    }
    if replaced > 0 {
        h.element(
            "p",
            &match lang {
                Lang::Nl => format!(
                    "{} eerdere opmerkingen staan niet meer hieronder: die bibliotheken stemden later opnieuw. Ze blijven in het register.",
                    integer(replaced as u64, lang)
                ),
                Lang::En => format!(
                    "{} earlier remarks are no longer listed: those libraries voted again later. They stay in the ledger.",
                    integer(replaced as u64, lang)
                ),
            },
        );
    }
    h.line("<ul class=\"remarks\">");
    for remark in standing {
        let name = library_name(model, &remark.library);
        let choice = round
            .votes
            .get(&remark.library)
            .map(|v| lang.choice(v.choice).to_lowercase())
            .unwrap_or_default();
        h.line(&format!(
            "<li><figure class=\"remark\"><blockquote{}><p>{}</p></blockquote><figcaption>— {} ({}), {} <a href=\"/v1/events/{}\">(record {})</a></figcaption></figure></li>",
            log_lang_attr(lang),
            escape_html(&remark.text),
            escape_html(&name),
            escape_html(&choice),
            time(remark.recorded_at, lang),
            remark.position,
            remark.position
        ));
    }
    h.line("</ul>");
}

fn library_name(model: &ReadModel, id: &LibraryId) -> String {
    model
        .libraries()
        .get(id)
        .map(|l| l.name.clone())
        .unwrap_or_else(|| id.to_string())
}

fn verify_section(h: &mut Html, model: &ReadModel, input: &PageInput) {
    let lang = input.lang;
    let base = input
        .base_url
        .as_deref()
        .map(|b| b.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| "https://SERVER".to_owned());
    h.line("<section aria-labelledby=\"verify\">");
    h.line(&format!(
        "<h2 id=\"verify\">{}</h2>",
        lang.pick("Zelf controleren", "Check it yourself")
    ));
    h.element(
        "p",
        lang.pick(
            "Dit register is alleen-aanvullend: niets wordt gewijzigd of gewist. Elke record bevat de hash van de vorige (BLAKE3), en alle records samen vormen een Merkle-boom (RFC 6962). De server ondertekent regelmatig een checkpoint: de grootte van het register en de wortel van die boom. Wie een checkpoint bewaart, kan later bewijzen dat niets van wat erin stond veranderd is.",
            "This ledger is append-only: nothing is changed or deleted. Every record holds the hash of the one before it (BLAKE3), and all records together form a Merkle tree (RFC 6962). The server regularly signs a checkpoint: the size of the ledger and the root of that tree. Whoever keeps a checkpoint can later prove that nothing it covered has changed.",
        ),
    );
    h.line("<dl class=\"checkpoint\">");
    let row = |h: &mut Html, term: &str, value: &str| {
        h.line(&format!(
            "<dt>{}</dt><dd><code>{}</code></dd>",
            escape_html(term),
            escape_html(value)
        ));
    };
    match &input.checkpoint {
        Some(cp) => {
            row(h, lang.pick("Oorsprong", "Origin"), &cp.origin);
            row(
                h,
                lang.pick("Grootte (records)", "Size (records)"),
                &cp.size.to_string(),
            );
            row(
                h,
                lang.pick("Wortel (SHA-256, base64)", "Root (SHA-256, base64)"),
                &cp.root.to_base64(),
            );
        }
        None => {
            if let Some(origin) = model.origin() {
                row(h, lang.pick("Oorsprong", "Origin"), origin);
            }
        }
    }
    let head = model.head();
    row(
        h,
        lang.pick("Records in het register", "Records in the ledger"),
        &head.length.to_string(),
    );
    row(
        h,
        lang.pick(
            "Hash van de laatste record (BLAKE3)",
            "Hash of the last record (BLAKE3)",
        ),
        &head.hash,
    );
    h.line("</dl>");
    if input.checkpoint.is_none() {
        h.element(
            "p",
            lang.pick(
                "Er is nog geen ondertekend checkpoint beschikbaar.",
                "No signed checkpoint is available yet.",
            ),
        );
    }
    h.element(
        "p",
        lang.pick(
            "Zo controleer je alles zonder de server te vertrouwen, met het programma ledger-audit:",
            "To check everything without trusting the server, use the ledger-audit program:",
        ),
    );
    let size = input
        .checkpoint
        .as_ref()
        .map(|c| c.size)
        .unwrap_or(head.length);
    let last = size.saturating_sub(1);
    let commands = [
        format!("curl -s {base}/v1/log/checkpoint"),
        format!("curl -s {base}/v1/log/key > ledger.vkey"),
        format!("ledger-audit verify --server {base} --key @ledger.vkey --remember checkpoint.txt"),
        format!(
            "ledger-audit prove --server {base} --index {last} --key @ledger.vkey --out proof.json"
        ),
    ];
    h.line(&format!(
        "<pre><code>{}</code></pre>",
        commands
            .iter()
            .map(|c| escape_html(c))
            .collect::<Vec<_>>()
            .join("\n")
    ));
    h.line("<ol>");
    for step in [
        lang.pick(
            "Het checkpoint toont oorsprong, grootte en wortel, met de handtekening van het register.",
            "The checkpoint shows origin, size and root, with the ledger's signature.",
        ),
        lang.pick(
            "De sleutel is de publieke verificatiesleutel van het register.",
            "The key is the ledger's public verifier key.",
        ),
        lang.pick(
            "verify controleert de handtekening, elke record, de keten, de boom en elke telling, en bewaart het checkpoint; de volgende keer bewijst het dat het nieuwe register een voortzetting is van het oude.",
            "verify checks the signature, every record, the chain, the tree and every tally, and keeps the checkpoint; next time it proves that the new ledger continues the old one.",
        ),
        lang.pick(
            "prove maakt een bewijs dat één record (bijvoorbeeld een stem) in het register staat, dat iedereen offline kan nakijken met ledger-audit check-proof.",
            "prove makes a proof that one record (a vote, say) is in the ledger, which anyone can check offline with ledger-audit check-proof.",
        ),
    ] {
        h.element("li", step);
    }
    h.line("</ol>");
    h.line("</section>");
}
