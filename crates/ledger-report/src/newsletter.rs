//! The newsletter issue: what the steering group and the libraries decided in a range of
//! the log, written to the libraries ("je"), in Dutch or English, as Markdown for the web
//! or as HTML for mail (every style inline, the infographic as a PNG by URL, no SVG).
//!
//! An editorial frame (title, intro) comes from the editor; then thanks for a vote, the
//! result, the remarks, advice, decision, criteria and priorities, "Wat gebeurt er
//! verder?", and one short "Zelf controleren" section naming the checkpoint the issue was
//! made from. Names and titles, never ids, record numbers or commands. Try-out proposals
//! and rounds are left out. Sections without news are left out. This module must never
//! look at anything but its input (no clock: the dates shown are those of the records),
//! so the same input always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use ledger_core::{ActorId, LibraryId, ProposalId, RoundId, Timestamp};
use ledger_projections::{Digest, ProposalView, RoundStatusView, RoundView, Step};
use ledger_tlog::Checkpoint;

use crate::doc::{
    code, html_document, log, para, strong, text, to_markdown, Block, Document, Inline, Line,
    Medium, STYLE,
};
use crate::error::ReportError;
use crate::lang::Lang;
use crate::next::{criteria_list, Progress};
use crate::number::{budget_sentence, euros, integer, score_out_of_100};
use crate::remarks::{remarks_intro, select_remarks, SelectedRemark, REMARKS_PER_ROUND};
use crate::round_text::{
    certification_line, join_names, named_actors, outcome_line, result_table, rule_sentence,
    warning_sentences,
};
use crate::svg::{
    describe, headline, libraries_word, result_svg, round_name, turnout_sentence, voting_days,
};
use crate::time::{brussels_date, brussels_date_time, calendar_date};

/// The output format of an issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CommonMark with GitHub tables, for the web; the infographic as an image link.
    Markdown,
    /// One HTML document for mail: every style inline, the infographic as a PNG by URL.
    Html,
}

impl Format {
    /// Parses `md` (or `markdown`) and `html`.
    pub fn parse(name: &str) -> Result<Format, ReportError> {
        match name.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            _ => Err(ReportError::UnknownFormat(name.chars().take(16).collect())),
        }
    }
}

/// Which issue this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Issue {
    /// 1 for the first issue ever, and so on.
    pub number: u32,
}

impl Issue {
    /// The issue that starts at position `from`, given where every issue recorded so far
    /// ended (`covers_to`): one more than the issues that ended at or before `from`, so
    /// an issue made again `--since 0` is nr. 1 whatever came after it.
    pub fn starting_at(from: u64, earlier_ends: impl IntoIterator<Item = u64>) -> Issue {
        let before = earlier_ends.into_iter().filter(|end| *end <= from).count();
        Issue {
            number: u32::try_from(before).unwrap_or(u32::MAX).saturating_add(1),
        }
    }

    /// The newsletter id recorded in the log: `nb-001`, `nb-002`, ...
    pub fn id(&self) -> String {
        format!("nb-{:03}", self.number)
    }

    /// The title: `Nieuwsbrief Digitale Bibliotheek nr. 2`.
    pub fn title(&self, lang: Lang) -> String {
        match lang {
            Lang::Nl => format!("Nieuwsbrief Digitale Bibliotheek nr. {}", self.number),
            Lang::En => format!("Digital Library newsletter no. {}", self.number),
        }
    }
}

/// Everything an issue is made from.
#[derive(Clone, Debug)]
pub struct NewsletterInput {
    /// The language of the issue.
    pub lang: Lang,
    /// Which issue.
    pub issue: Issue,
    /// What changed in the range (`GET /v1/digest?from&to`).
    pub digest: Digest,
    /// The proposals the digest names, as of its end (`?at=to`).
    pub proposals: BTreeMap<ProposalId, ProposalView>,
    /// The rounds the digest names, as of its end.
    pub rounds: BTreeMap<RoundId, RoundView>,
    /// Names of the libraries whose remarks are quoted.
    pub library_names: BTreeMap<LibraryId, String>,
    /// Display names of the members who signed the certifications shown.
    pub actor_names: BTreeMap<ActorId, String>,
    /// When the first and the last record of the range were recorded.
    pub period: Option<(Timestamp, Timestamp)>,
    /// The checkpoint the issue was made from, when the server publishes one.
    pub checkpoint: Option<Checkpoint>,
    /// The public address of the read API, for links and for the verification steps.
    pub link_base: Option<String>,
    /// The editor's title (`--title`); the numbered title when absent.
    pub title: Option<String>,
    /// The editor's introduction (`--intro FILE`), paragraphs separated by blank lines;
    /// a plain default when absent.
    pub intro: Option<String>,
}

/// Where the views an issue needs come from: the read API over HTTP (`?at=` the end of
/// the range) for the generator, a read model in tests. Each answer must be as of the
/// digest's end; `None` means the log does not know the id.
pub trait ViewSource {
    /// What can go wrong while fetching.
    type Error;
    /// A proposal.
    fn proposal(&mut self, id: &ProposalId) -> Result<Option<ProposalView>, Self::Error>;
    /// A round with its votes and remarks.
    fn round(&mut self, id: &RoundId) -> Result<Option<RoundView>, Self::Error>;
    /// A library's name.
    fn library_name(&mut self, id: &LibraryId) -> Result<Option<String>, Self::Error>;
    /// An actor's display name; a source that cannot tell answers `None` and the issue
    /// shows the id alone.
    fn actor_name(&mut self, _id: &ActorId) -> Result<Option<String>, Self::Error> {
        Ok(None)
    }
}

/// A read model as of the digest's end is a source too (for tests and offline use).
impl ViewSource for ledger_projections::ReadModel {
    type Error = std::convert::Infallible;

    fn proposal(&mut self, id: &ProposalId) -> Result<Option<ProposalView>, Self::Error> {
        Ok(self.proposals().get(id).cloned())
    }

    fn round(&mut self, id: &RoundId) -> Result<Option<RoundView>, Self::Error> {
        Ok(self.rounds().get(id).cloned())
    }

    fn library_name(&mut self, id: &LibraryId) -> Result<Option<String>, Self::Error> {
        Ok(self.libraries().get(id).map(|l| l.name.clone()))
    }

    fn actor_name(&mut self, id: &ActorId) -> Result<Option<String>, Self::Error> {
        Ok(ledger_projections::ReadModel::actor_name(self, id).map(str::to_owned))
    }
}

impl NewsletterInput {
    /// An issue on `digest` with nothing fetched yet; call [`NewsletterInput::gather`].
    pub fn new(lang: Lang, issue: Issue, digest: Digest) -> NewsletterInput {
        NewsletterInput {
            lang,
            issue,
            digest,
            proposals: BTreeMap::new(),
            rounds: BTreeMap::new(),
            library_names: BTreeMap::new(),
            actor_names: BTreeMap::new(),
            period: None,
            checkpoint: None,
            link_base: None,
            title: None,
            intro: None,
        }
    }

    /// The rounds an issue on `digest` needs: opened, voted in, closed, annulled,
    /// signed or certified in the range, or advised on; in id order.
    pub fn rounds_needed(digest: &Digest) -> Vec<RoundId> {
        let mut rounds = BTreeSet::new();
        for p in &digest.proposals {
            rounds.extend(p.rounds_opened.iter().map(|r| r.round.clone()));
            rounds.extend(p.voting.iter().map(|r| r.round.clone()));
            rounds.extend(p.rounds_closed.iter().map(|r| r.round.clone()));
            rounds.extend(p.rounds_annulled.iter().map(|r| r.round.clone()));
            rounds.extend(p.signatures.iter().map(|r| r.round.clone()));
            rounds.extend(p.certifications.iter().map(|r| r.round.clone()));
            rounds.extend(p.advice.iter().map(|a| a.round.clone()));
        }
        rounds.into_iter().collect()
    }

    /// Fetches from `source` the proposals and rounds the digest names and the names of
    /// the libraries whose remarks are quoted.
    pub fn gather<S: ViewSource>(&mut self, source: &mut S) -> Result<(), S::Error> {
        for p in &self.digest.proposals {
            if let Some(view) = source.proposal(&p.proposal)? {
                self.proposals.insert(p.proposal.clone(), view);
            }
        }
        for id in Self::rounds_needed(&self.digest) {
            if let Some(view) = source.round(&id)? {
                self.rounds.insert(id, view);
            }
        }
        let mut libraries = BTreeSet::new();
        for round in voted_rounds(&self.digest)
            .iter()
            .filter_map(|r| self.rounds.get(r))
        {
            libraries.extend(
                quoted_remarks(&self.digest, round)
                    .into_iter()
                    .map(|r| r.library),
            );
        }
        for id in libraries {
            if let Some(name) = source.library_name(&id)? {
                self.library_names.insert(id, name);
            }
        }
        let signers: BTreeSet<ActorId> = self
            .rounds
            .values()
            .filter_map(|r| r.certification.as_ref())
            .chain(self.digest.proposals.iter().flat_map(|p| &p.certifications))
            .flat_map(|c| c.signers.iter().cloned())
            .collect();
        for id in signers {
            if let Some(name) = source.actor_name(&id)? {
                self.actor_names.insert(id, name);
            }
        }
        // The key section names owners and senders: a display name, or for a library's
        // account (its id is the library's) the library's name.
        let key_actors: BTreeSet<ActorId> = crate::keys::newsletter_actors(&self.digest)
            .filter(|id| !self.actor_names.contains_key(*id))
            .cloned()
            .collect();
        for id in key_actors {
            let name = match source.actor_name(&id)? {
                Some(name) => Some(name),
                None => source.library_name(&LibraryId::new(id.as_str()))?,
            };
            if let Some(name) = name {
                self.actor_names.insert(id, name);
            }
        }
        Ok(())
    }
}

/// The remarks quoted from `round`: standing remarks made in the digest's range.
fn quoted_remarks(digest: &Digest, round: &RoundView) -> Vec<SelectedRemark> {
    select_remarks(round, digest.from, digest.to, REMARKS_PER_ROUND)
}

/// Rounds with votes in the range, in the digest's order.
fn voted_rounds(digest: &Digest) -> Vec<RoundId> {
    let mut seen = BTreeSet::new();
    digest
        .proposals
        .iter()
        .flat_map(|p| p.voting.iter().map(|v| v.round.clone()))
        .filter(|r| seen.insert(r.clone()))
        .collect()
}

/// Renders the issue.
pub fn render_newsletter(input: &NewsletterInput, format: Format) -> String {
    let writer = Writer::new(input);
    let blocks = writer.blocks();
    match format {
        Format::Markdown => {
            let mut text = to_markdown(&blocks);
            text.push('\n');
            text
        }
        Format::Html => html_document(&Document {
            lang: input.lang,
            title: writer.title(),
            links: Vec::new(),
            header: Vec::new(),
            main: blocks,
            footer: Vec::new(),
            medium: Medium::Mail,
            style: STYLE,
        }),
    }
}

fn heading(level: u8, s: impl Into<String>) -> Block {
    heading_line(level, vec![text(s)])
}

fn heading_line(level: u8, line: Line) -> Block {
    Block::Heading {
        level,
        text: line,
        id: None,
    }
}

/// Whether `step` corrects an earlier record.
fn is_correction(step: Step) -> bool {
    matches!(
        step,
        Step::WindowChanged
            | Step::CertificationWithdrawn
            | Step::AdviceSuperseded
            | Step::DecisionAmended
    )
}

/// A round's name from its view: its title, or "Stemronde r-1".
fn view_name(round: &RoundView, lang: Lang) -> String {
    round_name(&round.result(), lang)
}

/// Builds the blocks of one issue.
struct Writer<'a> {
    input: &'a NewsletterInput,
    lang: Lang,
}

impl<'a> Writer<'a> {
    fn new(input: &'a NewsletterInput) -> Self {
        Self {
            input,
            lang: input.lang,
        }
    }

    fn pick(&self, nl: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(nl, en)
    }

    fn title(&self) -> String {
        self.input
            .title
            .clone()
            .unwrap_or_else(|| self.input.issue.title(self.lang))
    }

    fn base(&self) -> Option<&str> {
        self.input
            .link_base
            .as_deref()
            .map(|b| b.trim_end_matches('/'))
    }

    /// A proposal the libraries really decide on (not a try-out).
    fn real(&self, id: &ProposalId) -> bool {
        !self.input.proposals.get(id).is_some_and(|p| p.trial)
    }

    /// A round that is not a try-out.
    fn real_round(&self, id: &RoundId) -> bool {
        !self.input.rounds.get(id).is_some_and(|r| r.trial)
    }

    fn proposals(&self) -> impl Iterator<Item = &'a ledger_projections::ProposalDigest> + '_ {
        self.input
            .digest
            .proposals
            .iter()
            .filter(|p| self.real(&p.proposal))
    }

    fn proposal_title(&self, id: &ProposalId) -> String {
        self.input
            .proposals
            .get(id)
            .map(|p| p.title.clone())
            .or_else(|| {
                self.input
                    .digest
                    .proposals
                    .iter()
                    .find(|p| &p.proposal == id)
                    .map(|p| p.title.clone())
            })
            .unwrap_or_else(|| id.to_string())
    }

    fn round_title(&self, id: &RoundId) -> String {
        self.input
            .rounds
            .get(id)
            .map(|r| view_name(r, self.lang))
            .unwrap_or_else(|| format!("{} {id}", self.pick("Stemronde", "Vote round")))
    }

    fn blocks(&self) -> Vec<Block> {
        let mut out = vec![heading(1, self.title())];
        if self.input.title.is_some() {
            out.push(para(vec![text(self.input.issue.title(self.lang))]));
        }
        self.intro(&mut out);
        self.thanks(&mut out);
        self.new_proposals(&mut out);
        self.open_rounds(&mut out);
        self.results(&mut out);
        self.remarks(&mut out);
        self.advice(&mut out);
        self.decisions(&mut out);
        self.corrections(&mut out);
        self.projects(&mut out);
        self.author_keys(&mut out);
        self.what_next(&mut out);
        self.footer(&mut out);
        out
    }

    fn intro(&self, out: &mut Vec<Block>) {
        if let Some(intro) = &self.input.intro {
            for paragraph in intro.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                let joined: Vec<&str> = paragraph.lines().map(str::trim).collect();
                out.push(para(vec![text(joined.join(" "))]));
            }
            return;
        }
        let d = &self.input.digest;
        let lang = self.lang;
        let general = &d.general;
        let nothing_real = self.reported_period().is_none()
            && general.sheets_filed.is_empty()
            && general.sheets_scored.is_empty();
        if d.from >= d.to || nothing_real {
            out.push(para(vec![text(self.pick(
                "Sinds de vorige nieuwsbrief werd er niets nieuws beslist.",
                "Nothing new was decided since the previous newsletter.",
            ))]));
            return;
        }
        let when = self
            .reported_period()
            .or(self.input.period)
            .map(|(first, last)| {
                let (first, last) = (brussels_date(first, lang), brussels_date(last, lang));
                match (first == last, lang) {
                    (true, Lang::Nl) => format!(" op {first}"),
                    (true, Lang::En) => format!(" on {first}"),
                    (false, Lang::Nl) => format!(" tussen {first} en {last}"),
                    (false, Lang::En) => format!(" between {first} and {last}"),
                }
            });
        let when = when.unwrap_or_default();
        out.push(para(vec![text(match lang {
            Lang::Nl => format!(
                "In deze nieuwsbrief lees je wat de stuurgroep Digitale Bibliotheek en de openbare bibliotheken samen beslisten{when}."
            ),
            Lang::En => format!(
                "This newsletter tells you what the steering group Digitale Bibliotheek and the public libraries decided together{when}."
            ),
        })]));
    }

    /// When the first and the last step this issue reports were recorded (try-outs left
    /// out), so the intro does not stretch to a try-out round recorded later.
    fn reported_period(&self) -> Option<(Timestamp, Timestamp)> {
        let g = &self.input.digest.general;
        let times: Vec<Timestamp> = self
            .proposals()
            .flat_map(|p| p.steps.iter().map(|s| s.recorded_at))
            .chain(g.criteria_set.iter().filter_map(|c| c.recorded_at))
            .chain(g.priorities_decided.iter().map(|p| p.recorded_at))
            .collect();
        Some((*times.iter().min()?, *times.iter().max()?))
    }

    /// Thanks for every real round that closed in the range, with its headline.
    fn thanks(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        for p in self.proposals() {
            for result in p.rounds_closed.iter().filter(|r| !r.trial) {
                let n = result.cast.libraries;
                out.push(Block::Lead(vec![text(match (lang, n) {
                    (Lang::Nl, 1) => {
                        "Bedankt aan de bibliotheek die haar stem uitbracht!".to_owned()
                    }
                    (Lang::Nl, _) => format!(
                        "Bedankt aan alle {} bibliotheken die hun stem uitbrachten!",
                        integer(u64::from(n), lang)
                    ),
                    (Lang::En, 1) => "Thank you to the library that cast its vote!".to_owned(),
                    (Lang::En, _) => format!(
                        "Thank you to all {} libraries that cast their vote!",
                        integer(u64::from(n), lang)
                    ),
                })]));
                let Some((share, _, _)) = headline(result, lang) else {
                    continue;
                };
                let title = self.proposal_title(&result.proposal);
                let line = match (result.outcome, lang) {
                    (ledger_projections::OutcomeView::Adopted, Lang::Nl) => vec![
                        text(format!("De meerderheid ging akkoord: {share} van het vertegenwoordigde inwonersaantal stemde in met het voorstel “")),
                        log(title),
                        text("”."),
                    ],
                    (ledger_projections::OutcomeView::Adopted, Lang::En) => vec![
                        text(format!("The majority agreed: {share} of the represented inhabitants voted for the proposal “")),
                        log(title),
                        text("”."),
                    ],
                    (_, Lang::Nl) => vec![
                        text("Het voorstel “"),
                        log(title),
                        text(format!("” haalde geen meerderheid: {share} van het vertegenwoordigde inwonersaantal stemde in.")),
                    ],
                    (_, Lang::En) => vec![
                        text("The proposal “"),
                        log(title),
                        text(format!("” did not find a majority: {share} of the represented inhabitants voted for it.")),
                    ],
                };
                out.push(para(line));
            }
        }
    }

    fn new_proposals(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let fresh: Vec<&ProposalView> = self
            .proposals()
            .filter(|p| p.new)
            .filter_map(|p| self.input.proposals.get(&p.proposal))
            .collect();
        if fresh.is_empty() {
            return;
        }
        out.push(heading(2, self.pick("Nieuwe voorstellen", "New proposals")));
        for proposal in fresh {
            out.push(heading_line(3, vec![log(proposal.title.clone())]));
            let filed = proposal
                .timeline
                .iter()
                .find(|s| s.step == Step::Filed)
                .map(|s| brussels_date(s.recorded_at, lang));
            let mut line = Vec::new();
            if let Some(filed) = filed {
                line.push(text(match lang {
                    Lang::Nl => format!("Ingediend door de stuurgroep op {filed}. "),
                    Lang::En => format!("Filed by the steering group on {filed}. "),
                }));
            }
            line.push(text(budget_sentence(proposal.budget_cents_per_year, lang)));
            out.push(para(line));
            out.push(para(vec![log(proposal.text.clone())]));
            if let Some(reason) = &proposal.withdrawal_reason {
                out.push(para(vec![
                    text(self.pick(
                        "Het voorstel werd ingetrokken: ",
                        "The proposal was withdrawn: ",
                    )),
                    log(reason.clone()),
                ]));
            }
        }
    }

    fn open_rounds(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut seen = BTreeSet::new();
        let mut items = Vec::new();
        for p in self.proposals() {
            let touched = p
                .rounds_opened
                .iter()
                .map(|r| &r.round)
                .chain(p.voting.iter().map(|v| &v.round));
            for id in touched {
                if !seen.insert(id.clone()) || !self.real_round(id) {
                    continue;
                }
                let Some(round) = self.input.rounds.get(id) else {
                    continue;
                };
                if round.status != RoundStatusView::Open {
                    continue;
                }
                let title = self.proposal_title(&round.proposal);
                let cast = round.live.cast;
                let eligible = round.live.eligible;
                let share = round
                    .participation
                    .as_ref()
                    .map(|s| format!(" ({})", crate::number::share_percent(s, lang)))
                    .unwrap_or_default();
                items.push(vec![
                    strong(view_name(round, lang)),
                    text(self.pick(" over “", " on “")),
                    log(title),
                    text(match lang {
                        Lang::Nl => format!(
                            "”: je kan stemmen van {} tot {}. Tot nu toe stemden {} van {}, samen {} van {} inwoners{share}.",
                            brussels_date_time(round.opens_at, lang),
                            brussels_date_time(round.closes_at, lang),
                            integer(u64::from(cast.libraries), lang),
                            libraries_word(eligible.libraries, lang),
                            integer(cast.inhabitants, lang),
                            integer(eligible.inhabitants, lang),
                        ),
                        Lang::En => format!(
                            "”: you can vote from {} to {}. So far {} of {} voted, representing {} of {} inhabitants{share}.",
                            brussels_date_time(round.opens_at, lang),
                            brussels_date_time(round.closes_at, lang),
                            integer(u64::from(cast.libraries), lang),
                            libraries_word(eligible.libraries, lang),
                            integer(cast.inhabitants, lang),
                            integer(eligible.inhabitants, lang),
                        ),
                    }),
                    text(format!(" {}", rule_sentence(&round.result(), lang))),
                ]);
            }
        }
        if items.is_empty() {
            return;
        }
        out.push(heading(
            2,
            self.pick("Lopende stemrondes", "Open vote rounds"),
        ));
        out.push(Block::List(items));
    }

    fn results(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut blocks = Vec::new();
        let mut closed_here = BTreeSet::new();
        for p in self.proposals() {
            for result in p.rounds_closed.iter().filter(|r| !r.trial) {
                closed_here.insert(result.round.clone());
                blocks.push(heading(3, round_name(result, lang)));
                blocks.push(para(vec![
                    text(self.pick("Voorstel: “", "Proposal: “")),
                    log(self.proposal_title(&result.proposal)),
                    text(match lang {
                        Lang::Nl => format!("”. Gestemd van {}.", voting_days(result, lang)),
                        Lang::En => format!("”. Voting ran from {}.", voting_days(result, lang)),
                    }),
                ]));
                blocks.push(Block::Figure {
                    svg: result_svg(result, lang),
                    src: self.base().map(|base| {
                        format!(
                            "{base}/v1/rounds/{}/result.png?lang={}",
                            result.round,
                            lang.code()
                        )
                    }),
                    alt: describe(result, lang),
                    caption: self
                        .pick(
                            "De uitslag in beeld. De tabel hieronder bevat dezelfde cijfers.",
                            "The result at a glance. The table below holds the same figures.",
                        )
                        .to_owned(),
                });
                blocks.push(Block::Table(result_table(result, lang)));
                blocks.push(para(outcome_line(result, lang)));
                blocks.push(para(vec![text(rule_sentence(result, lang))]));
                for warning in warning_sentences(result, lang) {
                    blocks.push(para(vec![
                        strong(self.pick("Let op:", "Warning:")),
                        text(format!(" {warning}")),
                    ]));
                }
                blocks.push(para(vec![text(turnout_sentence(result, lang))]));
                if let Some(round) = self.input.rounds.get(&result.round) {
                    blocks.push(para(certification_line(
                        round,
                        result,
                        &self.input.actor_names,
                        lang,
                    )));
                }
            }
        }
        let mut later = Vec::new();
        for p in self.proposals() {
            for c in p
                .certifications
                .iter()
                .filter(|c| !closed_here.contains(&c.round) && self.real_round(&c.round))
            {
                let signers = named_actors(&c.signers, &self.input.actor_names);
                later.push(vec![text(match lang {
                    Lang::Nl => format!(
                        "De stuurgroep bekrachtigde op {} het resultaat van {} ({}): {} ondertekenden de telling.",
                        brussels_date(c.recorded_at, lang),
                        self.round_title(&c.round),
                        lang.outcome(c.outcome),
                        join_names(&signers, lang)
                    ),
                    Lang::En => format!(
                        "On {} the steering group confirmed the result of {} ({}): {} signed the tally.",
                        brussels_date(c.recorded_at, lang),
                        self.round_title(&c.round),
                        lang.outcome(c.outcome),
                        join_names(&signers, lang)
                    ),
                })]);
            }
            for a in p
                .rounds_annulled
                .iter()
                .filter(|a| self.real_round(&a.round))
            {
                later.push(vec![
                    text(match lang {
                        Lang::Nl => format!("{} werd geannuleerd: ", self.round_title(&a.round)),
                        Lang::En => format!("{} was annulled: ", self.round_title(&a.round)),
                    }),
                    log(a.reason.clone()),
                ]);
            }
        }
        if blocks.is_empty() && later.is_empty() {
            return;
        }
        out.push(heading(2, self.pick("De uitslag", "The result")));
        out.extend(blocks);
        if !later.is_empty() {
            out.push(Block::List(later));
        }
    }

    fn remarks(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut blocks = Vec::new();
        for id in voted_rounds(&self.input.digest) {
            let Some(round) = self.input.rounds.get(&id) else {
                continue;
            };
            if round.trial || !self.real(&round.proposal) {
                continue;
            }
            let chosen = quoted_remarks(&self.input.digest, round);
            if chosen.is_empty() {
                continue;
            }
            let d = &self.input.digest;
            let standing = round
                .remarks
                .iter()
                .filter(|r| !r.superseded && (d.from..d.to).contains(&r.position))
                .count();
            blocks.push(para(vec![text(remarks_intro(standing, lang))]));
            for remark in chosen {
                let name = self
                    .input
                    .library_names
                    .get(&remark.library)
                    .cloned()
                    .unwrap_or_else(|| remark.library.to_string());
                blocks.push(Block::Quote {
                    text: remark.text.clone(),
                    cite: match remark.choice {
                        Some(choice) => format!("{name} ({})", lang.choice(choice).to_lowercase()),
                        None => name,
                    },
                });
            }
        }
        self.section(out, "Uit de opmerkingen", "From the remarks", blocks);
    }

    fn advice(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut blocks = Vec::new();
        for p in self.proposals() {
            for advice in &p.advice {
                blocks.push(para(vec![text(match lang {
                    Lang::Nl => format!(
                        "Op {} verstuurde de stuurgroep haar advies (ontvanger: {}), op basis van de uitslag van “{}”:",
                        brussels_date(advice.recorded_at, lang),
                        advice.recipient,
                        self.round_title(&advice.round)
                    ),
                    Lang::En => format!(
                        "On {} the steering group sent its advice (recipient: {}), based on the result of “{}”:",
                        brussels_date(advice.recorded_at, lang),
                        advice.recipient,
                        self.round_title(&advice.round)
                    ),
                })]));
                blocks.push(Block::Quote {
                    text: advice.text.clone(),
                    cite: self
                        .pick("advies van de stuurgroep", "the steering group's advice")
                        .to_owned(),
                });
                let d = &self.input.digest;
                for old in advice
                    .superseded
                    .iter()
                    .filter(|o| (d.from..d.to).contains(&o.position))
                {
                    blocks.push(Block::Quote {
                        text: old.text.clone(),
                        cite: match lang {
                            Lang::Nl => format!(
                                "eerdere tekst van het advies, vervangen op {}",
                                brussels_date(old.recorded_at, lang)
                            ),
                            Lang::En => format!(
                                "earlier text of the advice, replaced on {}",
                                brussels_date(old.recorded_at, lang)
                            ),
                        },
                    });
                }
            }
        }
        self.section(
            out,
            "Advies aan de overheid",
            "Advice to the government",
            blocks,
        );
    }

    fn decisions(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut blocks = Vec::new();
        for d in self.proposals().flat_map(|p| &p.decisions) {
            blocks.push(para(vec![
                text(match lang {
                    Lang::Nl => format!(
                        "Op {} werd de beslissing van de overheid over “",
                        brussels_date(d.recorded_at, lang)
                    ),
                    Lang::En => format!(
                        "On {} the government's decision on “",
                        brussels_date(d.recorded_at, lang)
                    ),
                }),
                log(self.proposal_title(&d.proposal)),
                text(self.pick("” vastgelegd: ", "” was recorded: ")),
                strong(lang.verdict(d.verdict)),
                text(match lang {
                    Lang::Nl => format!(
                        ", {} per jaar, van {} tot en met {}.",
                        euros(d.amount_cents_per_year, lang),
                        calendar_date(d.period_start, lang),
                        calendar_date(d.period_end, lang)
                    ),
                    Lang::En => format!(
                        ", {} a year, from {} to {}.",
                        euros(d.amount_cents_per_year, lang),
                        calendar_date(d.period_start, lang),
                        calendar_date(d.period_end, lang)
                    ),
                }),
            ]));
            blocks.push(para(vec![
                text(match lang {
                    Lang::Nl => format!(
                        "Document: {}. Met deze BLAKE3-hash kan je controleren dat het om hetzelfde document gaat: ",
                        d.document_reference
                    ),
                    Lang::En => format!(
                        "Document: {}. With this BLAKE3 hash you can check that a copy is the same document: ",
                        d.document_reference
                    ),
                }),
                code(d.document_blake3.clone()),
                text("."),
            ]));
        }
        self.section(
            out,
            "Beslissing van de overheid",
            "The government's decision",
            blocks,
        );
    }

    /// Every correction recorded in the range (a changed voting window, a withdrawn
    /// confirmation, corrected advice, a corrected government decision) with its reason;
    /// the earlier records stay in the log and the sections above show them replaced.
    fn corrections(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut items = Vec::new();
        for p in self.proposals() {
            for step in p.steps.iter().filter(|s| is_correction(s.step)) {
                let about = step
                    .round
                    .as_ref()
                    .map(|r| self.round_title(r))
                    .or_else(|| {
                        step.decision.as_ref().map(|_| {
                            self.pick("de beslissing van de overheid", "the government's decision")
                                .to_owned()
                        })
                    })
                    .or_else(|| {
                        step.advice
                            .as_ref()
                            .map(|_| self.pick("het advies", "the advice").to_owned())
                    })
                    .unwrap_or_default();
                let mut line = vec![
                    text(format!(
                        "{} {}: {} ({about}, “",
                        self.pick("Op", "On"),
                        brussels_date(step.recorded_at, lang),
                        lang.step(step.step),
                    )),
                    log(p.title.clone()),
                    text(format!("”). {} ", self.pick("Reden:", "Reason:"))),
                ];
                if let Some(reason) = &step.reason {
                    line.push(log(reason.clone()));
                }
                items.push(line);
            }
        }
        if items.is_empty() {
            return;
        }
        out.push(heading(2, self.pick("Verbeteringen", "Corrections")));
        out.push(para(vec![text(self.pick(
            "Niets wordt overschreven: elke verbetering komt bovenop het register en de vorige versie blijft zichtbaar.",
            "Nothing is overwritten: every correction is added to the ledger and the earlier version stays visible.",
        ))]));
        out.push(Block::List(items));
    }

    /// Appends a section under its heading, or nothing when it has no blocks, so an
    /// issue never shows an empty heading.
    fn section(
        &self,
        out: &mut Vec<Block>,
        nl: &'static str,
        en: &'static str,
        blocks: Vec<Block>,
    ) {
        if blocks.is_empty() {
            return;
        }
        out.push(heading(2, self.pick(nl, en)));
        out.extend(blocks);
    }

    fn projects(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let g = &self.input.digest.general;
        let mut blocks = Vec::new();
        let weight_sum: Option<u64> = g
            .criteria_set
            .last()
            .map(|c| c.criteria.iter().map(|c| u64::from(c.weight)).sum());
        if let Some(criteria) = g.criteria_set.last() {
            blocks.push(para(vec![text(self.pick(
                "De stuurgroep legde de criteria vast waarmee ze de projectfiches beoordeelt (elk lid geeft per criterium een score van 0 tot 10):",
                "The steering group set the criteria it scores the project sheets by (each member gives a score from 0 to 10 per criterion):",
            ))]));
            blocks.push(criteria_list(&criteria.criteria, lang));
        }
        if !g.sheets_filed.is_empty() {
            blocks.push(para(vec![text(
                self.pick("Nieuwe projectfiches:", "New project sheets:"),
            )]));
            blocks.push(Block::List(
                g.sheets_filed
                    .iter()
                    .map(|s| {
                        vec![
                            log(s.title.clone()),
                            text(match lang {
                                Lang::Nl => {
                                    format!(": {} per jaar", euros(s.budget_cents_per_year, lang))
                                }
                                Lang::En => {
                                    format!(": {} a year", euros(s.budget_cents_per_year, lang))
                                }
                            }),
                        ]
                    })
                    .collect(),
            ));
        }
        let titles: BTreeMap<_, _> = g
            .sheets_filed
            .iter()
            .map(|s| (s.sheet.clone(), s.title.clone()))
            .chain(
                g.sheets_scored
                    .iter()
                    .map(|s| (s.sheet.clone(), s.title.clone())),
            )
            .collect();
        let scores: BTreeMap<_, _> = g
            .sheets_scored
            .iter()
            .filter_map(|s| {
                let t = s.weighted_total.as_ref()?;
                let score = score_out_of_100(t.numerator, t.denominator, weight_sum?, lang)?;
                Some((s.sheet.clone(), score))
            })
            .collect();
        let score_text = |score: &String| match lang {
            Lang::Nl => format!(" (score {score} op 100)"),
            Lang::En => format!(" (score {score} out of 100)"),
        };
        if let Some(priorities) = g.priorities_decided.last() {
            blocks.push(para(vec![text(match lang {
                Lang::Nl => format!(
                    "Op {} besliste de stuurgroep over de prioriteiten, van hoog naar laag:",
                    brussels_date(priorities.recorded_at, lang)
                ),
                Lang::En => format!(
                    "On {} the steering group decided the priorities, highest first:",
                    brussels_date(priorities.recorded_at, lang)
                ),
            })]));
            blocks.push(Block::Numbered(
                priorities
                    .ranking
                    .iter()
                    .map(|sheet| {
                        let title = titles
                            .get(sheet)
                            .cloned()
                            .unwrap_or_else(|| sheet.to_string());
                        let score = scores.get(sheet).map(score_text).unwrap_or_default();
                        vec![log(title), text(score)]
                    })
                    .collect(),
            ));
        } else if !scores.is_empty() {
            blocks.push(para(vec![text(
                self.pick("Scores tot nu toe:", "Scores so far:"),
            )]));
            blocks.push(Block::List(
                g.sheets_scored
                    .iter()
                    .filter_map(|s| {
                        scores
                            .get(&s.sheet)
                            .map(|score| vec![log(s.title.clone()), text(score_text(score))])
                    })
                    .collect(),
            ));
        }
        self.section(
            out,
            "Criteria, projectfiches en prioriteiten",
            "Criteria, project sheets and priorities",
            blocks,
        );
    }

    /// "Wat gebeurt er verder?": what follows the latest step this issue reports, for
    /// the latest real proposal with an adopted round.
    /// Author keys registered or revoked in this issue's range, by name.
    fn author_keys(&self, out: &mut Vec<Block>) {
        let name = |id: &ActorId| {
            self.input
                .actor_names
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.to_string())
        };
        out.extend(crate::keys::newsletter_blocks(
            &self.input.digest,
            &name,
            self.lang,
        ));
    }

    fn what_next(&self, out: &mut Vec<Block>) {
        use crate::next::Stage;
        let g = &self.input.digest.general;
        let mut progress = Progress::default();
        let mut any = false;
        for p in self.proposals() {
            let Some(view) = self.input.proposals.get(&p.proposal) else {
                continue;
            };
            let adopted = view
                .rounds
                .iter()
                .filter_map(|r| self.input.rounds.get(r))
                .any(|r| !r.trial && r.outcome() == ledger_projections::OutcomeView::Adopted);
            if !adopted {
                continue;
            }
            any = true;
            for (stage, at) in Progress::from_timeline(&view.timeline).taken() {
                progress.take(stage, at);
            }
            if !view.sheets.is_empty() {
                progress.take(Stage::Sheets, None);
            }
        }
        if !any {
            return;
        }
        if let Some(c) = g.criteria_set.last() {
            progress.take(Stage::Criteria, c.recorded_at);
        }
        if let Some(p) = g.priorities_decided.last() {
            progress.take(Stage::Priorities, Some(p.recorded_at));
        }
        out.push(heading(
            2,
            self.pick("Wat gebeurt er verder?", "What happens next?"),
        ));
        for sentence in progress.what_next(self.lang) {
            out.push(para(vec![text(sentence)]));
        }
    }

    /// One short section: which checkpoint the issue was made from, and where to check.
    fn footer(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        out.push(Block::Rule);
        out.push(heading(
            2,
            self.pick("Zelf controleren", "Check it yourself"),
        ));
        let mut line = vec![text(self.pick(
            "Elke stem en elke beslissing staat in een openbaar register waarin je enkel kan toevoegen, niets wijzigen of wissen. ",
            "Every vote and every decision is in a public ledger that can only be added to, never changed or erased. ",
        ))];
        if let Some(cp) = &self.input.checkpoint {
            line.push(text(match lang {
                Lang::Nl => format!(
                    "Deze nieuwsbrief is gemaakt van het register zoals het ondertekend werd met grootte {} en wortel ",
                    integer(cp.size, lang)
                ),
                Lang::En => format!(
                    "This issue was made from the ledger as it was signed with size {} and root ",
                    integer(cp.size, lang)
                ),
            }));
            line.push(code(cp.root.to_base64()));
            line.push(text(". "));
        }
        if let Some(base) = self.base() {
            line.push(Inline::Link {
                text: self
                    .pick(
                        "Zo controleer je het zelf, zonder de server te vertrouwen",
                        "How to check it yourself, without trusting the server",
                    )
                    .to_owned(),
                href: format!("{base}/?lang={}#verify", lang.code()),
            });
            line.push(text("."));
        }
        out.push(para(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledger_projections::OutcomeView;

    #[test]
    fn names_are_joined_as_each_language_does() {
        let names = ["an".to_owned(), "bart".to_owned(), "chris".to_owned()];
        assert_eq!(join_names(&names[..1], Lang::Nl), "an");
        assert_eq!(join_names(&names[..2], Lang::Nl), "an en bart");
        assert_eq!(join_names(&names, Lang::En), "an, bart and chris");
    }

    #[test]
    fn issues_are_numbered_with_three_digits() {
        let issue = Issue { number: 2 };
        assert_eq!(issue.id(), "nb-002");
        assert_eq!(
            issue.title(Lang::Nl),
            "Nieuwsbrief Digitale Bibliotheek nr. 2"
        );
    }

    #[test]
    fn formats_are_md_and_html() {
        assert_eq!(Format::parse("md"), Ok(Format::Markdown));
        assert_eq!(Format::parse("HTML"), Ok(Format::Html));
        assert!(Format::parse("pdf").is_err());
    }

    #[test]
    fn outcome_words_exist_for_pending() {
        assert_eq!(Lang::En.outcome(OutcomeView::Pending), "not decided yet");
    }
}
