//! The public HTML page served at `/`, written the way the steering group would tell the
//! decision: it leads with the latest decided round (its title as the page's heading, one
//! headline sentence, the infographic), then what happens next (advice, criteria, sheets,
//! the government's decision, priorities), then the details (the proposal, the figures,
//! a page of remarks with a link to all, the timeline), the other proposals, the try-out
//! rounds (marked as such, never first), and "Zelf controleren" last.
//!
//! Server-rendered and complete without JavaScript; it works on a phone (fluid layout,
//! the infographic scales, wide tables scroll in a labelled region) and aims at WCAG 2.2
//! AA: one `h1`, headings in order, a skip link, landmarks, `lang` on the page and on
//! the language switch and on the ledger's own (Dutch) texts when the page is in English,
//! captions and header scopes on tables, text contrast of at least 7:1, visible focus.
//! Built only from `doc.rs` blocks (which escape). This module must never emit a script,
//! never write markup itself, and never import `newsletter.rs`.

use std::collections::BTreeMap;

use ledger_core::{ActorId, Date, LibraryId, Timestamp};
use ledger_projections::{
    CountsView, DocumentView, OutcomeView, ProposalView, ReadModel, RoundStatusView, RoundView,
    TimelineStep,
};
use ledger_tlog::Checkpoint;

use crate::doc::{
    html_document, log, para, text, Block, Document, HeadLink, Inline, Line, Medium, STYLE,
};
use crate::lang::Lang;
use crate::next::{criteria_list, Progress, Stage};
use crate::number::{budget_sentence, euros, integer, score_out_of_100};
use crate::remarks::{remarks_intro, select_remarks, REMARKS_PER_ROUND};
use crate::round_text::{
    certification_line, outcome_line, result_table, rule_sentence, warning_sentences,
};
use crate::svg::{
    counts_at_close, describe, headline_sentence, result_svg, round_name, standing_sentence,
    turnout_sentence, voting_days,
};
use crate::time::{brussels_date, brussels_date_time, calendar_date};

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

fn plain(s: impl Into<String>) -> Block {
    Block::Para(vec![text(s)])
}

fn link(s: impl Into<String>, href: impl Into<String>) -> Inline {
    Inline::Link {
        text: s.into(),
        href: href.into(),
    }
}

fn time(ts: Timestamp, lang: Lang) -> Inline {
    Inline::Time {
        datetime: ts.to_rfc3339(),
        text: brussels_date(ts, lang),
    }
}

fn heading(level: u8, line: Line, id: Option<String>) -> Block {
    Block::Heading {
        level,
        text: line,
        id,
    }
}

/// A section whose heading (level `level`) is labelled by `id`.
fn section(id: String, level: u8, title: Line, mut blocks: Vec<Block>) -> Block {
    blocks.insert(0, heading(level, title, Some(id.clone())));
    Block::Section { id, blocks }
}

fn anchor(prefix: &str, id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{safe}")
}

/// The round the page leads with: the latest closed round that is not a try-out, on a
/// proposal that is not one either (by the position it closed at).
fn lead_round(model: &ReadModel) -> Option<&RoundView> {
    model
        .rounds()
        .values()
        .filter(|r| !r.trial && r.status == RoundStatusView::Closed)
        .filter(|r| !model.proposals().get(&r.proposal).is_some_and(|p| p.trial))
        .max_by_key(|r| r.closing.as_ref().map(|c| c.position).unwrap_or(0))
}

/// Renders the page for `model` as of its head.
pub fn render_page(model: &ReadModel, input: &PageInput) -> String {
    let lang = input.lang;
    let site = lang.pick(
        "Beslissingen van de openbare bibliotheken",
        "Decisions of the public libraries",
    );
    let lead = lead_round(model);
    let mut main = Vec::new();
    let title = match lead {
        Some(round) => {
            lead_blocks(&mut main, model, round, input);
            format!("{} – {site}", round_name(&round.result(), lang))
        }
        None => {
            main.push(heading(1, vec![text(site)], None));
            main.push(plain(lang.pick(
                "Er is nog geen stemronde afgesloten.",
                "No vote round has closed yet.",
            )));
            site.to_owned()
        }
    };
    other_proposals(&mut main, model, lead.map(|r| &r.proposal), lang);
    trial_rounds(&mut main, model, lang);
    main.push(how_it_works(model, lang));
    let name = |id: &ActorId| {
        model
            .actor_name(id)
            .map(str::to_owned)
            .or_else(|| {
                model
                    .libraries()
                    .get(&LibraryId::new(id.as_str()))
                    .map(|l| l.name.clone())
            })
            .unwrap_or_else(|| id.to_string())
    };
    let keys = crate::keys::page_blocks(model.author_keys(), &name, lang);
    if !keys.is_empty() {
        main.push(section(
            "keys".to_owned(),
            2,
            vec![text(lang.pick("Sleutels van auteurs", "Author keys"))],
            keys,
        ));
    }
    main.push(verify_section(model, input));
    let header = vec![
        Block::Para(vec![Inline::Strong(site.to_owned())]),
        Block::Nav {
            label: lang.pick("Taal", "Language").to_owned(),
            text: lang.pick("English", "Nederlands").to_owned(),
            href: format!("/?lang={}", lang.other().code()),
            tag: lang.other().tag(),
        },
    ];
    let footer = vec![para(vec![
        text(lang.pick("Volg en hergebruik: ", "Follow and reuse: ")),
        link(
            lang.pick(
                "Atom-feed van alle gebeurtenissen",
                "Atom feed of every event",
            ),
            "/v1/feed.atom",
        ),
        text(" · "),
        link(
            lang.pick("API-beschrijving (OpenAPI)", "API description (OpenAPI)"),
            "/openapi.json",
        ),
        text(" · "),
        link(
            lang.pick("huidig checkpoint", "current checkpoint"),
            "/v1/log/checkpoint",
        ),
    ])];
    html_document(&Document {
        lang,
        title,
        links: vec![
            HeadLink {
                rel: "alternate",
                href: "/v1/feed.atom".to_owned(),
                hreflang: None,
                media_type: Some("application/atom+xml"),
                title: Some(
                    lang.pick("Alle gebeurtenissen (Atom)", "All events (Atom)")
                        .to_owned(),
                ),
            },
            HeadLink {
                rel: "alternate",
                href: format!("/?lang={}", lang.other().code()),
                hreflang: Some(lang.other().tag()),
                media_type: None,
                title: None,
            },
        ],
        header,
        main,
        footer,
        medium: Medium::Page,
        style: STYLE,
    })
}

/// The lead: the round's title, the headline, the infographic, what happens next, then
/// the proposal, the figures, the remarks and the timeline.
fn lead_blocks(main: &mut Vec<Block>, model: &ReadModel, round: &RoundView, input: &PageInput) {
    let lang = input.lang;
    let result = round.result();
    let proposal = model.proposals().get(&round.proposal);
    // A title is the ledger's (Dutch) text; a round without one is named in `lang`.
    let name = round_name(&result, lang);
    let name = if round.title.is_some() {
        log(name)
    } else {
        text(name)
    };
    main.push(heading(1, vec![name], Some(anchor("r", round.id.as_str()))));
    if let Some(sentence) = headline_sentence(&result, lang) {
        main.push(Block::Lead(vec![text(sentence)]));
    }
    let mut status = vec![text(lang.pick("Voorstel “", "Proposal “"))];
    status.push(log(proposal
        .map(|p| p.title.clone())
        .unwrap_or_else(|| round.proposal.to_string())));
    status.push(text(match lang {
        Lang::Nl => format!(
            "” van de stuurgroep Digitale Bibliotheek: {}. De bibliotheken stemden van {}.",
            lang.outcome(result.outcome),
            voting_days(&result, lang)
        ),
        Lang::En => format!(
            "” of the steering group Digitale Bibliotheek: {}. The libraries voted from {}.",
            lang.outcome(result.outcome),
            voting_days(&result, lang)
        ),
    }));
    if let Some(c) = &round.certification {
        status.push(text(lang.pick(
            " Het resultaat werd bekrachtigd door de stuurgroep op ",
            " The steering group confirmed the result on ",
        )));
        status.push(time(c.recorded_at, lang));
        status.push(text("."));
    }
    main.push(para(status));
    main.push(Block::Figure {
        svg: result_svg(&result, lang),
        src: None,
        alt: describe(&result, lang),
        caption: lang
            .pick(
                "De uitslag in beeld. De tabel onder “De cijfers” bevat dezelfde cijfers.",
                "The result at a glance. The table under “The figures” holds the same figures.",
            )
            .to_owned(),
    });
    if let Some(proposal) = proposal {
        if result.outcome == OutcomeView::Adopted {
            let stages = progress(model, proposal).stages(lang);
            main.push(section(
                "next".to_owned(),
                2,
                vec![text(
                    lang.pick("Wat gebeurt er verder?", "What happens next?"),
                )],
                vec![Block::Numbered(
                    stages.into_iter().map(|s| vec![text(s)]).collect(),
                )],
            ));
        }
        main.push(proposal_section(model, proposal, round, lang));
    }
    main.push(figures_section(model, round, lang));
    main.push(remarks_section(model, round, lang));
    if let Some(proposal) = proposal {
        main.push(Block::Details {
            summary: lang
                .pick("Tijdlijn van het voorstel", "Timeline of the proposal")
                .to_owned(),
            blocks: vec![timeline(model, proposal, lang)],
        });
    }
}

/// Which steps after the vote were taken, and when, for `proposal`.
fn progress(model: &ReadModel, proposal: &ProposalView) -> Progress {
    let mut progress = Progress::from_timeline(&proposal.timeline);
    if proposal.sheets.is_empty() {
        return progress;
    }
    if let Some(at) = model.criteria().recorded_at {
        progress.take(Stage::Criteria, Some(at));
    }
    let sheets: Vec<_> = proposal
        .sheets
        .iter()
        .filter_map(|s| model.sheets().get(s))
        .collect();
    if let Some(first) = sheets.iter().map(|s| s.recorded_at).min() {
        progress.take(Stage::Sheets, Some(first));
    }
    if let Some(p) = model.priorities() {
        if sheets.iter().any(|s| s.rank.is_some()) {
            progress.take(Stage::Priorities, Some(p.recorded_at));
        }
    }
    progress
}

/// The proposal: its text, budget and documents, the advice, the government's decision,
/// the criteria and the project sheets with their priorities.
fn proposal_section(
    model: &ReadModel,
    proposal: &ProposalView,
    lead: &RoundView,
    lang: Lang,
) -> Block {
    let mut blocks = vec![
        para(vec![log(proposal.title.clone())]),
        plain(budget_sentence(proposal.budget_cents_per_year, lang)),
        Block::Details {
            summary: lang
                .pick("Tekst van het voorstel", "Text of the proposal")
                .to_owned(),
            blocks: vec![para(vec![log(proposal.text.clone())])],
        },
    ];
    if let Some(reason) = &proposal.withdrawal_reason {
        blocks.push(para(vec![
            text(lang.pick("Ingetrokken: ", "Withdrawn: ")),
            log(reason.clone()),
        ]));
    }
    documents(&mut blocks, &proposal.documents, lang);
    let others: Vec<&RoundView> = proposal
        .rounds
        .iter()
        .filter(|r| **r != lead.id)
        .filter_map(|r| model.rounds().get(r))
        .collect();
    if !others.is_empty() {
        blocks.push(plain(lang.pick(
            "Andere stemrondes over dit voorstel:",
            "Other vote rounds on this proposal:",
        )));
        blocks.push(Block::List(
            others.into_iter().map(|r| round_line(r, lang)).collect(),
        ));
    }
    for advice in proposal.advice.iter().filter_map(|a| model.advice().get(a)) {
        blocks.push(heading(
            3,
            vec![text(
                lang.pick("Advies aan de overheid", "Advice to the government"),
            )],
            None,
        ));
        blocks.push(para(vec![
            text(lang.pick("Verstuurd op ", "Sent on ")),
            time(advice.recorded_at, lang),
            text(lang.pick(" (ontvanger: ", " (recipient: ")),
            log(advice.recipient.clone()),
            text(")."),
        ]));
        blocks.push(Block::Quote {
            text: advice.text.clone(),
            cite: lang
                .pick("advies van de stuurgroep", "the steering group's advice")
                .to_owned(),
        });
        for old in &advice.superseded {
            blocks.push(para(vec![
                text(lang.pick("Vervangen op ", "Replaced on ")),
                time(old.recorded_at, lang),
                text(lang.pick(". Reden: ", ". Reason: ")),
                log(old.reason.clone()),
            ]));
            blocks.push(Block::Quote {
                text: old.text.clone(),
                cite: lang
                    .pick("eerdere tekst van het advies", "earlier text of the advice")
                    .to_owned(),
            });
        }
    }
    for decision in proposal
        .decisions
        .iter()
        .filter_map(|d| model.decisions().get(d))
    {
        blocks.push(heading(
            3,
            vec![text(lang.pick(
                "Beslissing van de overheid",
                "The government's decision",
            ))],
            None,
        ));
        blocks.push(para(vec![
            time(decision.recorded_at, lang),
            text(": "),
            Inline::Strong(lang.verdict(decision.verdict).to_owned()),
            text(format!(
                ", {}",
                decision_terms(
                    decision.amount_cents_per_year,
                    (decision.period_start, decision.period_end),
                    lang
                )
            )),
            text(lang.pick(" Document: ", " Document: ")),
            log(decision.document_reference.clone()),
            text("."),
        ]));
        blocks.push(para(vec![
            text(lang.pick(
                "Met deze BLAKE3-hash kan je controleren dat het om hetzelfde document gaat: ",
                "With this BLAKE3 hash you can check that a copy is the same document: ",
            )),
            Inline::Code(decision.document_blake3.clone()),
        ]));
        for old in &decision.superseded {
            blocks.push(para(vec![
                text(lang.pick("Vervangen op ", "Replaced on ")),
                time(old.recorded_at, lang),
                text(lang.pick(". Reden: ", ". Reason: ")),
                log(old.reason.clone()),
                text(format!(
                    " {}: {}, {}",
                    lang.pick("Eerder", "Before"),
                    lang.verdict(old.verdict),
                    decision_terms(
                        old.amount_cents_per_year,
                        (old.period_start, old.period_end),
                        lang
                    )
                )),
            ]));
        }
    }
    let criteria = &model.criteria().criteria;
    let weight_sum: u64 = criteria.iter().map(|c| u64::from(c.weight)).sum();
    let sheets: Vec<_> = proposal
        .sheets
        .iter()
        .filter_map(|s| model.sheets().get(s))
        .collect();
    if !criteria.is_empty() && !sheets.is_empty() {
        blocks.push(heading(
            3,
            vec![text(lang.pick("Criteria", "Criteria"))],
            None,
        ));
        blocks.push(plain(lang.pick(
            "De stuurgroep beoordeelt elke projectfiche op deze criteria; elk lid geeft per criterium een score van 0 tot 10.",
            "The steering group scores each project sheet on these criteria; each member gives a score from 0 to 10 per criterion.",
        )));
        blocks.push(criteria_list(criteria, lang));
    }
    if !sheets.is_empty() {
        blocks.push(heading(
            3,
            vec![text(lang.pick(
                "Projectfiches en prioriteiten",
                "Project sheets and priorities",
            ))],
            None,
        ));
        let mut ranked = sheets;
        ranked.sort_by_key(|s| (s.rank.unwrap_or(u32::MAX), s.position));
        let items = ranked
            .into_iter()
            .map(|sheet| {
                let rank = sheet
                    .rank
                    .map(|r| format!("{} {r}: ", lang.pick("Prioriteit", "Priority")))
                    .unwrap_or_default();
                let score = sheet
                    .weighted_total
                    .as_ref()
                    .and_then(|t| score_out_of_100(t.numerator, t.denominator, weight_sum, lang))
                    .map(|s| match lang {
                        Lang::Nl => format!("; score {s} op 100"),
                        Lang::En => format!("; score {s} out of 100"),
                    })
                    .unwrap_or_default();
                vec![
                    text(rank),
                    log(sheet.title.clone()),
                    text(format!(
                        " ({} {}{score})",
                        euros(sheet.budget_cents_per_year, lang),
                        lang.pick("per jaar", "a year")
                    )),
                ]
            })
            .collect();
        blocks.push(Block::Numbered(items));
    }
    section(
        anchor("p", proposal.id.as_str()),
        2,
        vec![text(lang.pick("Het voorstel", "The proposal"))],
        blocks,
    )
}

/// A decision's terms: "€ 200.000 per jaar, van 1 januari 2024 tot en met 31 december
/// 2028."
fn decision_terms(cents: u64, period: (Date, Date), lang: Lang) -> String {
    match lang {
        Lang::Nl => format!(
            "{} per jaar, van {} tot en met {}.",
            euros(cents, lang),
            calendar_date(period.0, lang),
            calendar_date(period.1, lang),
        ),
        Lang::En => format!(
            "{} a year, from {} to {}.",
            euros(cents, lang),
            calendar_date(period.0, lang),
            calendar_date(period.1, lang),
        ),
    }
}

/// Linked documents: the title links to the address (only `http(s)://`, which `decide`
/// requires), then the BLAKE3 hash a reader checks a downloaded copy against.
fn documents(blocks: &mut Vec<Block>, documents: &[DocumentView], lang: Lang) {
    if documents.is_empty() {
        return;
    }
    blocks.push(Block::List(
        documents
            .iter()
            .map(|d| {
                let title = if d.url.starts_with("https://") || d.url.starts_with("http://") {
                    link(d.title.clone(), d.url.clone())
                } else {
                    log(format!("{} ({})", d.title, d.url))
                };
                vec![
                    title,
                    text(lang.pick(", BLAKE3-hash: ", ", BLAKE3 hash: ")),
                    Inline::Code(d.document_blake3.clone()),
                ]
            })
            .collect(),
    ));
}

/// The figures: the table, the outcome with its rule, warnings, turnout, confirmation,
/// and the data to download.
fn figures_section(model: &ReadModel, round: &RoundView, lang: Lang) -> Block {
    let result = round.result();
    let mut blocks = vec![
        Block::Table(result_table(&result, lang)),
        para(outcome_line(&result, lang)),
        plain(rule_sentence(&result, lang)),
    ];
    for warning in warning_sentences(&result, lang) {
        blocks.push(para(vec![
            Inline::Strong(lang.pick("Let op:", "Warning:").to_owned()),
            text(format!(" {warning}")),
        ]));
    }
    blocks.push(plain(turnout_sentence(&result, lang)));
    if result.counts == CountsView::AtClose {
        blocks.push(plain(counts_at_close(lang)));
    }
    let names: BTreeMap<ActorId, String> = round
        .certification
        .iter()
        .flat_map(|c| &c.signers)
        .filter_map(|a| model.actor_name(a).map(|n| (a.clone(), n.to_owned())))
        .collect();
    blocks.push(para(certification_line(round, &result, &names, lang)));
    if let Some(annulment) = &round.annulment {
        blocks.push(para(vec![
            text(lang.pick("Geannuleerd: ", "Annulled: ")),
            log(annulment.reason.clone()),
        ]));
    }
    let r = round.id.as_str();
    blocks.push(para(vec![
        text(lang.pick("De cijfers als ", "The figures as ")),
        link("JSON", format!("/v1/rounds/{r}/result")),
        text(" · "),
        link("CSV", format!("/v1/rounds/{r}/result.csv")),
        text(" · "),
        link(
            lang.pick("alle stemmen (CSV)", "every vote (CSV)"),
            format!("/v1/rounds/{r}/votes.csv"),
        ),
        text(" · "),
        link(
            "SVG",
            format!("/v1/rounds/{r}/result.svg?lang={}", lang.code()),
        ),
        text(" · "),
        link(
            "PNG",
            format!("/v1/rounds/{r}/result.png?lang={}", lang.code()),
        ),
    ]));
    section(
        "figures".to_owned(),
        2,
        vec![text(lang.pick("De cijfers", "The figures"))],
        blocks,
    )
}

/// A page of remarks, chosen in turn from yes, no and abstain votes, and a link to all.
fn remarks_section(model: &ReadModel, round: &RoundView, lang: Lang) -> Block {
    let standing = round.remarks.iter().filter(|r| !r.superseded).count() as u64;
    let mut blocks = Vec::new();
    if standing == 0 {
        blocks.push(plain(lang.pick("Geen opmerkingen.", "No remarks.")));
    } else {
        blocks.push(plain(remarks_intro(standing as usize, lang)));
        for remark in select_remarks(round, 0, u64::MAX, REMARKS_PER_ROUND) {
            let name = model
                .libraries()
                .get(&remark.library)
                .map(|l| l.name.clone())
                .unwrap_or_else(|| remark.library.to_string());
            blocks.push(Block::Quote {
                text: remark.text,
                // No choice beside the name while the round keeps its choices back.
                cite: match remark.choice {
                    Some(choice) => format!(
                        "{name} ({}), {}",
                        lang.choice(choice).to_lowercase(),
                        brussels_date(remark.recorded_at, lang)
                    ),
                    None => format!("{name}, {}", brussels_date(remark.recorded_at, lang)),
                },
            });
        }
        if standing > REMARKS_PER_ROUND as u64 {
            blocks.push(para(vec![link(
                match lang {
                    Lang::Nl => format!("Alle {} opmerkingen", integer(standing, lang)),
                    Lang::En => format!("All {} remarks", integer(standing, lang)),
                },
                format!("/v1/rounds/{}/remarks", round.id),
            )]));
        }
    }
    section(
        "remarks".to_owned(),
        2,
        vec![text(lang.pick("Opmerkingen", "Remarks"))],
        blocks,
    )
}

/// The proposal's steps with their dates, oldest first.
fn timeline(model: &ReadModel, proposal: &ProposalView, lang: Lang) -> Block {
    Block::Numbered(
        proposal
            .timeline
            .iter()
            .map(|step| {
                let mut line = vec![
                    time(step.recorded_at, lang),
                    text(format!(": {}", step_text(model, step, lang))),
                ];
                if let Some(reason) = &step.reason {
                    line.push(text(lang.pick(". Reden: ", ". Reason: ")));
                    line.push(log(reason.clone()));
                }
                line
            })
            .collect(),
    )
}

/// One timeline step as a phrase, naming the round by its title.
fn step_text(model: &ReadModel, step: &TimelineStep, lang: Lang) -> String {
    let mut out = lang.step(step.step).to_owned();
    if let Some(round) = step.round.as_ref().and_then(|r| model.rounds().get(r)) {
        out.push_str(&format!(" ({})", round_name(&round.result(), lang)));
    }
    if let Some(outcome) = step.outcome {
        out.push_str(&format!(": {}", lang.outcome(outcome)));
    }
    if let Some(verdict) = step.verdict {
        out.push_str(&format!(": {}", lang.verdict(verdict)));
    }
    out
}

/// A round in one line: its name, then when you can vote or how it ended.
fn round_line(round: &RoundView, lang: Lang) -> Line {
    let result = round.result();
    let mut line = vec![Inline::Strong(round_name(&result, lang)), text(": ")];
    line.push(text(match round.status {
        // Turnout only, unless the round shows its counts live.
        RoundStatusView::Open => format!(
            "{} {} {}",
            match lang {
                Lang::Nl => format!(
                    "je kan stemmen tot {}.",
                    brussels_date_time(round.closes_at, lang)
                ),
                Lang::En => format!(
                    "you can vote until {}.",
                    brussels_date_time(round.closes_at, lang)
                ),
            },
            turnout_sentence(&result, lang),
            standing_sentence(&result, lang).unwrap_or_else(|| counts_at_close(lang).to_owned())
        ),
        RoundStatusView::Annulled => format!("{}.", lang.round_status(round.status)),
        RoundStatusView::Closed => format!(
            "{}. {}",
            lang.outcome(result.outcome),
            headline_sentence(&result, lang).unwrap_or_default()
        ),
    }));
    line
}

/// Every other real proposal, newest first, in brief.
fn other_proposals(
    main: &mut Vec<Block>,
    model: &ReadModel,
    lead: Option<&ledger_core::ProposalId>,
    lang: Lang,
) {
    let mut proposals: Vec<&ProposalView> = model
        .proposals()
        .values()
        .filter(|p| !p.trial && Some(&p.id) != lead)
        .collect();
    if proposals.is_empty() {
        return;
    }
    proposals
        .sort_by_key(|p| std::cmp::Reverse(p.timeline.first().map(|s| s.position).unwrap_or(0)));
    let mut blocks = Vec::new();
    for proposal in proposals {
        blocks.push(heading(3, vec![log(proposal.title.clone())], None));
        blocks.push(plain(format!(
            "{} {}: {}.",
            budget_sentence(proposal.budget_cents_per_year, lang),
            lang.pick("Stand van zaken", "Status"),
            lang.step(proposal.status).to_lowercase()
        )));
        for round in proposal.rounds.iter().filter_map(|r| model.rounds().get(r)) {
            blocks.push(para(round_line(round, lang)));
        }
        blocks.push(Block::Details {
            summary: lang
                .pick("Tekst van het voorstel", "Text of the proposal")
                .to_owned(),
            blocks: vec![para(vec![log(proposal.text.clone())])],
        });
    }
    main.push(section(
        "others".to_owned(),
        2,
        vec![text(lang.pick("Andere voorstellen", "Other proposals"))],
        blocks,
    ));
}

/// The try-out rounds, marked as such: they decide nothing.
fn trial_rounds(main: &mut Vec<Block>, model: &ReadModel, lang: Lang) {
    let trials: Vec<&RoundView> = model
        .rounds()
        .values()
        .filter(|r| r.trial || model.proposals().get(&r.proposal).is_some_and(|p| p.trial))
        .collect();
    if trials.is_empty() {
        return;
    }
    let items = trials
        .into_iter()
        .map(|round| {
            let title = model
                .proposals()
                .get(&round.proposal)
                .map(|p| p.title.clone())
                .unwrap_or_else(|| round.proposal.to_string());
            let state = match round.status {
                RoundStatusView::Open => match lang {
                    Lang::Nl => {
                        format!(": open tot {}.", brussels_date_time(round.closes_at, lang))
                    }
                    Lang::En => format!(
                        ": open until {}.",
                        brussels_date_time(round.closes_at, lang)
                    ),
                },
                other => format!(": {}.", lang.round_status(other)),
            };
            vec![log(title), text(state)]
        })
        .collect();
    main.push(section(
        "trials".to_owned(),
        2,
        vec![text(lang.pick("Proefstemmingen", "Try-out rounds"))],
        vec![
            plain(lang.pick(
                "Deze stemrondes dienen om het register uit te proberen. Ze beslissen niets.",
                "These rounds are for trying the ledger out. They decide nothing.",
            )),
            Block::List(items),
        ],
    ));
}

/// How the libraries decide, in two sentences, with what the register holds.
fn how_it_works(model: &ReadModel, lang: Lang) -> Block {
    let overview = model.overview();
    let counted = |n: u64, one: &str, many: &str| {
        format!("{} {}", integer(n, lang), if n == 1 { one } else { many })
    };
    let body = match lang {
        Lang::Nl => format!(
            "De openbare bibliotheken van Vlaanderen en Brussel beslissen samen over de voorstellen van de stuurgroep Digitale Bibliotheek, die hen via Cultuurconnect vertegenwoordigt bij de Vlaamse overheid. De stem van elke bibliotheek telt mee naar het aantal inwoners dat ze vertegenwoordigt. Het register houdt elke stap bij: {}, {} en {} bibliotheken.",
            counted(overview.proposals, "voorstel", "voorstellen"),
            counted(overview.rounds, "stemronde", "stemrondes"),
            integer(overview.active_libraries, lang)
        ),
        Lang::En => format!(
            "The public libraries of Flanders and Brussels decide together on the proposals of the steering group Digitale Bibliotheek, which represents them to the Flemish government through Cultuurconnect. Each library's vote counts for the number of inhabitants it represents. The ledger keeps every step: {}, {} and {} libraries.",
            counted(overview.proposals, "proposal", "proposals"),
            counted(overview.rounds, "vote round", "vote rounds"),
            integer(overview.active_libraries, lang)
        ),
    };
    section(
        "about".to_owned(),
        2,
        vec![text(lang.pick(
            "Hoe beslissen de bibliotheken?",
            "How do the libraries decide?",
        ))],
        vec![plain(body)],
    )
}

fn verify_section(model: &ReadModel, input: &PageInput) -> Block {
    let lang = input.lang;
    let base = input
        .base_url
        .as_deref()
        .map(|b| b.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| "https://SERVER".to_owned());
    let mut blocks = vec![plain(lang.pick(
        "In dit register kan je enkel toevoegen, niets wijzigen of wissen. Elke record bevat de hash van de vorige (BLAKE3), en alle records samen vormen een Merkle-boom (RFC 6962). De server ondertekent regelmatig een checkpoint: de grootte van het register en de wortel van die boom. Wie een checkpoint bewaart, kan later bewijzen dat niets van wat erin stond veranderd is.",
        "This ledger can only be added to: nothing is changed or erased. Every record holds the hash of the one before it (BLAKE3), and all records together form a Merkle tree (RFC 6962). The server regularly signs a checkpoint: the size of the ledger and the root of that tree. Whoever keeps a checkpoint can later prove that nothing it covered has changed.",
    ))];
    let mut terms: Vec<(String, Line)> = Vec::new();
    let mut row = |term: &str, value: String| {
        terms.push((term.to_owned(), vec![Inline::Code(value)]));
    };
    match &input.checkpoint {
        Some(cp) => {
            row(lang.pick("Oorsprong", "Origin"), cp.origin.clone());
            row(
                lang.pick("Grootte (records)", "Size (records)"),
                cp.size.to_string(),
            );
            row(
                lang.pick("Wortel (SHA-256, base64)", "Root (SHA-256, base64)"),
                cp.root.to_base64(),
            );
        }
        None => {
            if let Some(origin) = model.origin() {
                row(lang.pick("Oorsprong", "Origin"), origin.to_owned());
            }
        }
    }
    let head = model.head();
    row(
        lang.pick("Records in het register", "Records in the ledger"),
        head.length.to_string(),
    );
    row(
        lang.pick(
            "Hash van de laatste record (BLAKE3)",
            "Hash of the last record (BLAKE3)",
        ),
        head.hash.clone(),
    );
    blocks.push(Block::Terms(terms));
    if input.checkpoint.is_none() {
        blocks.push(plain(lang.pick(
            "Er is nog geen ondertekend checkpoint beschikbaar.",
            "No signed checkpoint is available yet.",
        )));
    }
    blocks.push(plain(lang.pick(
        "Zo controleer je alles zonder de server te vertrouwen, met het programma ledger-audit:",
        "To check everything without trusting the server, use the ledger-audit program:",
    )));
    let size = input
        .checkpoint
        .as_ref()
        .map(|c| c.size)
        .unwrap_or(head.length);
    let last = size.saturating_sub(1);
    blocks.push(Block::Code(vec![
        format!("curl -s {base}/v1/log/checkpoint"),
        format!("curl -s {base}/v1/log/key > ledger.vkey"),
        format!("ledger-audit verify --server {base} --key @ledger.vkey --remember checkpoint.txt"),
        format!(
            "ledger-audit prove --server {base} --index {last} --key @ledger.vkey --out proof.json"
        ),
    ]));
    blocks.push(Block::Numbered(
        [
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
        ]
        .into_iter()
        .map(|s| vec![text(s)])
        .collect(),
    ));
    section(
        "verify".to_owned(),
        2,
        vec![text(lang.pick("Zelf controleren", "Check it yourself"))],
        blocks,
    )
}
