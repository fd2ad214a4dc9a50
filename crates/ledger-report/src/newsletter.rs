//! The newsletter issue: what changed in a range of the log, for the libraries, in Dutch
//! or English, as Markdown or as a self-contained HTML page.
//!
//! The input is what the generator fetched from the read API (the digest of the range
//! and the proposals, rounds and library names as of the range's end) plus the
//! checkpoint the issue was made from, which the footer states so that any reader can
//! check the issue against the log. Sections without news are left out. This module
//! must never look at anything but its input (no clock: the dates shown are those of
//! the records), so the same input always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use ledger_core::{ActorId, LibraryId, ProposalId, RoundId, Timestamp};
use ledger_projections::{
    ChoiceView, Digest, PercentBaseView, ProposalView, ResultWarning, RoundResult, RoundStatusView,
    RoundView, Step,
};
use ledger_tlog::Checkpoint;

use crate::doc::{to_html, to_markdown, Block, Inline, Line, Table};
use crate::error::ReportError;
use crate::lang::Lang;
use crate::number::{budget_sentence, euros, integer, percent};
use crate::page::STYLE;
use crate::remarks::{select_remarks, SelectedRemark, REMARKS_PER_ROUND};
use crate::svg::{
    describe, inhabitants_word, libraries_word, result_svg, turnout_sentence, Figures,
};
use crate::time::{brussels_date, brussels_date_time, calendar_date};

/// The output format of an issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CommonMark with GitHub tables; the infographic as an image link.
    Markdown,
    /// One self-contained HTML page with the infographic inline.
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
    let blocks = Writer::new(input).blocks();
    match format {
        Format::Markdown => {
            let mut text = to_markdown(&blocks);
            text.push('\n');
            text
        }
        Format::Html => format!(
            "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
            input.lang.tag(),
            crate::escape::escape_html(&input.issue.title(input.lang)),
            to_html(&blocks, input.lang)
        ),
    }
}

fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

fn para(line: Line) -> Block {
    Block::Para(line)
}

/// Text from the log, in the ledger's own language.
fn log(s: impl Into<String>) -> Inline {
    Inline::Log(s.into())
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

/// A round as people name it: `Stemronde mei 2023 (r-2023-05)` when it has a title,
/// else `Stemronde r-2023-05`.
pub(crate) fn round_heading(id: &RoundId, title: Option<&str>, lang: Lang) -> String {
    match title {
        Some(title) => format!("{title} ({id})"),
        None => format!("{} {id}", lang.pick("Stemronde", "Vote round")),
    }
}

/// Each actor by display name with the id (`An Peeters (stuurgroep-an)`), or by id
/// alone when it has no name.
pub(crate) fn named_actors(actors: &[ActorId], names: &BTreeMap<ActorId, String>) -> Vec<String> {
    actors
        .iter()
        .map(|a| match names.get(a) {
            Some(name) => format!("{name} ({a})"),
            None => a.to_string(),
        })
        .collect()
}

/// The rule a round uses, in one sentence, so every result states what it was judged by:
/// "Rule: adopted when more than 50% of the represented inhabitants (yes and no votes)
/// vote yes; no quorum; 2 signatures certify the result."
pub(crate) fn rule_sentence(result: &RoundResult, lang: Lang) -> String {
    let f = Figures::new(result);
    let threshold = f.threshold(lang).unwrap_or_else(|| "?".to_owned());
    let base = match (result.percent_base, lang) {
        (PercentBaseView::InhabitantsOfAllVotesCast, Lang::Nl) => "alle uitgebrachte stemmen",
        (PercentBaseView::InhabitantsOfAllVotesCast, Lang::En) => "all votes cast",
        (PercentBaseView::InhabitantsOfYesAndNoVotes, Lang::Nl) => "ja- en neestemmen",
        (PercentBaseView::InhabitantsOfYesAndNoVotes, Lang::En) => "yes and no votes",
    };
    let libraries = match (result.double_majority, lang) {
        (false, _) => "",
        (true, Lang::Nl) => ", en evenzeer meer dan die drempel van de bibliotheken",
        (true, Lang::En) => ", and the libraries pass that threshold too",
    };
    let quorum = match (f.quorum(lang), lang) {
        (Some(q), Lang::Nl) => format!("vereiste opkomst {q} van de kiesgerechtigde inwoners"),
        (Some(q), Lang::En) => format!("required participation {q} of the eligible inhabitants"),
        (None, Lang::Nl) => "geen quorum".to_owned(),
        (None, Lang::En) => "no quorum".to_owned(),
    };
    let signatures = result.signatures_required;
    match lang {
        Lang::Nl => format!(
            "Regel: aangenomen als meer dan {threshold} van de vertegenwoordigde inwoners ({base}) ja stemt{libraries}; {quorum}; {signatures} handtekeningen certificeren het resultaat."
        ),
        Lang::En => format!(
            "Rule: adopted when more than {threshold} of the represented inhabitants ({base}) vote yes{libraries}; {quorum}; {signatures} signatures certify the result."
        ),
    }
}

/// Each warning on `result` as a sentence for people, in the result's order.
pub(crate) fn warning_sentences(result: &RoundResult, lang: Lang) -> Vec<String> {
    result
        .warnings
        .iter()
        .map(|w| {
            match w {
                ResultWarning::NoQuorum => lang.pick(
                    "Deze stemronde werd geopend zonder quorum: elke opkomst, hoe klein ook, beslist.",
                    "This round was opened without a quorum: any turnout, however small, decides.",
                ),
                ResultWarning::TurnoutBelowQuorum => lang.pick(
                    "De opkomst ligt onder het quorum van de regel.",
                    "The turnout is below the rule's quorum.",
                ),
                ResultWarning::TurnoutBelowHalf => lang.pick(
                    "De bibliotheken die stemden, vertegenwoordigen minder dan de helft van de kiesgerechtigde inwoners.",
                    "The libraries that voted represent less than half of the eligible inhabitants.",
                ),
            }
            .to_owned()
        })
        .collect()
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

/// Joins names: `a`, `a en b`, `a, b en c` (nl) / `a and b` (en).
pub(crate) fn join_names(names: &[String], lang: Lang) -> String {
    let and = lang.pick(" en ", " and ");
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
    }
}

/// A decimal string from the projections (`36.50`) in the language's notation.
pub(crate) fn decimal(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text.to_owned(),
    }
}

/// The table of a result: per choice the libraries and inhabitants with their shares,
/// then the votes cast and the electorate.
pub(crate) fn result_table(result: &RoundResult, lang: Lang) -> Table {
    let f = Figures::new(result);
    let mut rows = Vec::new();
    for choice in [ChoiceView::Yes, ChoiceView::No, ChoiceView::Abstain] {
        let count = f.count(choice);
        // No share: either the rule leaves abstentions out, or nobody voted yet.
        let dash = || match f.in_base(choice) {
            true => "–".to_owned(),
            false => lang.pick("niet meegeteld", "not counted").to_owned(),
        };
        rows.push(vec![
            lang.choice(choice).to_owned(),
            integer(u64::from(count.libraries), lang),
            f.library_share(choice, lang).unwrap_or_else(dash),
            integer(count.inhabitants, lang),
            f.inhabitant_share(choice, lang).unwrap_or_else(dash),
        ]);
    }
    rows.push(vec![
        lang.pick("Uitgebracht", "Cast").to_owned(),
        integer(u64::from(result.cast.libraries), lang),
        String::new(),
        integer(result.cast.inhabitants, lang),
        String::new(),
    ]);
    rows.push(vec![
        lang.pick("Kiesgerechtigd", "Eligible").to_owned(),
        integer(u64::from(result.eligible.libraries), lang),
        String::new(),
        integer(result.eligible.inhabitants, lang),
        String::new(),
    ]);
    // Cast over eligible, by count and by inhabitants.
    rows.push(vec![
        lang.pick("Opkomst", "Turnout").to_owned(),
        String::new(),
        percent(
            u64::from(result.cast.libraries),
            u64::from(result.eligible.libraries),
            0,
            lang,
        )
        .unwrap_or_default(),
        String::new(),
        f.participation(lang).unwrap_or_default(),
    ]);
    Table {
        caption: format!(
            "{} {}",
            lang.pick("Resultaat van stemronde", "Result of vote round"),
            result.round.as_str()
        ),
        head: [
            lang.pick("Keuze", "Choice"),
            lang.pick("Bibliotheken", "Libraries"),
            lang.pick("Aandeel bibliotheken", "Share of libraries"),
            lang.pick("Inwoners", "Inhabitants"),
            lang.pick("Aandeel inwoners", "Share of inhabitants"),
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    }
}

/// "Outcome: adopted. More than 50% of the represented inhabitants was needed; 92%
/// voted yes." with the double majority and the quorum when the rule has them.
pub(crate) fn outcome_line(result: &RoundResult, lang: Lang) -> Line {
    let f = Figures::new(result);
    let mut line = vec![
        text(lang.pick("Uitkomst: ", "Outcome: ")),
        strong(lang.outcome(result.outcome)),
        text("."),
    ];
    let yes = f.inhabitant_share(ChoiceView::Yes, lang);
    if let (Some(threshold), Some(yes)) = (f.threshold(lang), yes) {
        line.push(text(match lang {
            Lang::Nl => format!(
                " Nodig was meer dan {threshold} van de vertegenwoordigde inwoners; {yes} stemde ja."
            ),
            Lang::En => format!(
                " More than {threshold} of the represented inhabitants was needed; {yes} voted yes."
            ),
        }));
    }
    if result.double_majority {
        if let Some(libraries) = f.library_share(ChoiceView::Yes, lang) {
            line.push(text(match lang {
                Lang::Nl => {
                    format!(" Ook de bibliotheken moesten de drempel halen: {libraries} stemde ja.")
                }
                Lang::En => {
                    format!(" The libraries had to pass the threshold too: {libraries} voted yes.")
                }
            }));
        }
    }
    if let Some(quorum) = f.quorum(lang) {
        let met = match (lang, result.quorum_met) {
            (Lang::Nl, true) => "gehaald",
            (Lang::Nl, false) => "niet gehaald",
            (Lang::En, true) => "met",
            (Lang::En, false) => "not met",
        };
        line.push(text(match lang {
            Lang::Nl => format!(" De vereiste opkomst van {quorum} werd {met}."),
            Lang::En => format!(" The required participation of {quorum} was {met}."),
        }));
    }
    line
}

/// "Certified on 9 June 2023 by an and bart (2 of the 2 signatures required)." or how
/// many signatures are still missing.
pub(crate) fn certification_line(
    round: &RoundView,
    result: &RoundResult,
    names: &BTreeMap<ActorId, String>,
    lang: Lang,
) -> Line {
    match &round.certification {
        Some(c) => {
            let signers = named_actors(&c.signers, names);
            vec![text(match lang {
                Lang::Nl => format!(
                    "Gecertificeerd op {} door {} ({} van de {} vereiste handtekeningen op de telling).",
                    brussels_date(c.recorded_at, lang),
                    join_names(&signers, lang),
                    signers.len(),
                    result.signatures_required
                ),
                Lang::En => format!(
                    "Certified on {} by {} ({} of the {} signatures on the tally required).",
                    brussels_date(c.recorded_at, lang),
                    join_names(&signers, lang),
                    signers.len(),
                    result.signatures_required
                ),
            })]
        }
        None => vec![text(match lang {
            Lang::Nl => format!(
                "Nog niet gecertificeerd: {} van de {} vereiste handtekeningen.",
                result.signatures, result.signatures_required
            ),
            Lang::En => format!(
                "Not certified yet: {} of the {} signatures required.",
                result.signatures, result.signatures_required
            ),
        })],
    }
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

    fn link(&self, text: impl Into<String>, path: &str) -> Option<Inline> {
        self.input.link_base.as_ref().map(|base| Inline::Link {
            text: text.into(),
            href: format!("{}{path}", base.trim_end_matches('/')),
        })
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

    fn blocks(&self) -> Vec<Block> {
        let mut out = vec![heading(1, self.input.issue.title(self.lang))];
        out.push(self.intro());
        self.new_proposals(&mut out);
        self.open_rounds(&mut out);
        self.results(&mut out);
        self.remarks(&mut out);
        self.advice(&mut out);
        self.decisions(&mut out);
        self.corrections(&mut out);
        self.projects(&mut out);
        self.registry(&mut out);
        out.extend(crate::keys::newsletter_blocks(
            &self.input.digest,
            self.lang,
        ));
        self.footer(&mut out);
        out
    }

    fn intro(&self) -> Block {
        let d = &self.input.digest;
        let lang = self.lang;
        if d.from >= d.to {
            return para(vec![text(match lang {
                Lang::Nl => format!(
                    "Sinds het vorige nummer veranderde er niets in het register (het telt {} records).",
                    integer(d.to, lang)
                ),
                Lang::En => format!(
                    "Nothing changed in the ledger since the previous issue (it holds {} records).",
                    integer(d.to, lang)
                ),
            })]);
        }
        let records = match lang {
            Lang::Nl => format!(
                "records {} tot en met {}",
                integer(d.from, lang),
                integer(d.to - 1, lang)
            ),
            Lang::En => format!(
                "records {} to {}",
                integer(d.from, lang),
                integer(d.to - 1, lang)
            ),
        };
        let when = self.input.period.map(|(first, last)| {
            let (first, last) = (brussels_date(first, lang), brussels_date(last, lang));
            match (first == last, lang) {
                (true, Lang::Nl) => format!("op {first}"),
                (true, Lang::En) => format!("on {first}"),
                (false, Lang::Nl) => format!("tussen {first} en {last}"),
                (false, Lang::En) => format!("between {first} and {last}"),
            }
        });
        let sentence = match (when, lang) {
            (Some(when), Lang::Nl) => format!(
                "Wat er veranderde in het register van de openbare bibliotheken {when} ({records})."
            ),
            (Some(when), Lang::En) => {
                format!("What changed in the ledger of the public libraries {when} ({records}).")
            }
            (None, Lang::Nl) => {
                format!(
                    "Wat er veranderde in het register van de openbare bibliotheken ({records})."
                )
            }
            (None, Lang::En) => {
                format!("What changed in the ledger of the public libraries ({records}).")
            }
        };
        para(vec![text(sentence)])
    }

    fn new_proposals(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let fresh: Vec<&ProposalView> = self
            .input
            .digest
            .proposals
            .iter()
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
            if let Some(link) = self.link(
                format!("{} {}", self.pick("Voorstel", "Proposal"), proposal.id),
                &format!("/v1/proposals/{}", proposal.id),
            ) {
                line.push(text(" "));
                line.push(link);
            }
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
        for p in &self.input.digest.proposals {
            let touched = p
                .rounds_opened
                .iter()
                .map(|r| &r.round)
                .chain(p.voting.iter().map(|v| &v.round));
            for id in touched {
                if !seen.insert(id.clone()) {
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
                    strong(round_heading(id, round.title.as_deref(), lang)),
                    text(self.pick(" over “", " on “")),
                    log(title),
                    text(match lang {
                        Lang::Nl => format!(
                            "”: stemmen kan van {} tot {}. Tot nu toe stemden {} van {}, samen {} van {} inwoners{share}.",
                            brussels_date_time(round.opens_at, lang),
                            brussels_date_time(round.closes_at, lang),
                            integer(u64::from(cast.libraries), lang),
                            libraries_word(eligible.libraries, lang),
                            integer(cast.inhabitants, lang),
                            integer(eligible.inhabitants, lang),
                        ),
                        Lang::En => format!(
                            "”: voting is open from {} to {}. So far {} of {} voted, representing {} of {} inhabitants{share}.",
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
        for p in &self.input.digest.proposals {
            for result in &p.rounds_closed {
                closed_here.insert(result.round.clone());
                blocks.push(heading_line(
                    3,
                    vec![
                        text(format!(
                            "{}: ",
                            round_heading(&result.round, result.title.as_deref(), lang)
                        )),
                        log(self.proposal_title(&result.proposal)),
                    ],
                ));
                blocks.push(Block::Figure {
                    svg: result_svg(result, lang),
                    href: self.input.link_base.as_ref().map(|base| {
                        format!(
                            "{}/v1/rounds/{}/result.svg?lang={}",
                            base.trim_end_matches('/'),
                            result.round,
                            lang.code()
                        )
                    }),
                    alt: describe(result, lang),
                    caption: match lang {
                        Lang::Nl => format!(
                            "Infographic stemronde {}. De tabel bevat dezelfde cijfers.",
                            result.round
                        ),
                        Lang::En => format!(
                            "Infographic of vote round {}. The table holds the same figures.",
                            result.round
                        ),
                    },
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
        for p in &self.input.digest.proposals {
            for c in p
                .certifications
                .iter()
                .filter(|c| !closed_here.contains(&c.round))
            {
                let signers = named_actors(&c.signers, &self.input.actor_names);
                later.push(vec![text(match lang {
                    Lang::Nl => format!(
                        "Het resultaat van stemronde {} ({}) werd gecertificeerd op {} door {}.",
                        c.round,
                        lang.outcome(c.outcome),
                        brussels_date(c.recorded_at, lang),
                        join_names(&signers, lang)
                    ),
                    Lang::En => format!(
                        "The result of vote round {} ({}) was certified on {} by {}.",
                        c.round,
                        lang.outcome(c.outcome),
                        brussels_date(c.recorded_at, lang),
                        join_names(&signers, lang)
                    ),
                })]);
            }
            for a in &p.rounds_annulled {
                later.push(vec![
                    text(match lang {
                        Lang::Nl => format!("Stemronde {} werd geannuleerd: ", a.round),
                        Lang::En => format!("Vote round {} was annulled: ", a.round),
                    }),
                    log(a.reason.clone()),
                ]);
            }
        }
        if blocks.is_empty() && later.is_empty() {
            return;
        }
        out.push(heading(2, self.pick("Resultaten", "Results")));
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
            blocks.push(para(vec![text(match lang {
                Lang::Nl => format!(
                    "{} gaven een opmerking bij hun stem in stemronde {id}. Een selectie, om beurten bij ja-, nee- en onthoudingsstemmen:",
                    libraries_word(u32::try_from(standing).unwrap_or(u32::MAX), lang)
                ),
                Lang::En => format!(
                    "{} added a remark to their vote in vote round {id}. A selection, taken in turn from yes, no and abstain votes:",
                    libraries_word(u32::try_from(standing).unwrap_or(u32::MAX), lang)
                ),
            })]));
            for remark in chosen {
                let name = self
                    .input
                    .library_names
                    .get(&remark.library)
                    .cloned()
                    .unwrap_or_else(|| remark.library.to_string());
                blocks.push(Block::Quote {
                    text: remark.text.clone(),
                    cite: format!("{name} ({})", lang.choice(remark.choice).to_lowercase()),
                });
            }
        }
        self.section(out, "Uit de opmerkingen", "From the remarks", blocks);
    }

    fn advice(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut blocks = Vec::new();
        for advice in self.input.digest.proposals.iter().flat_map(|p| &p.advice) {
            blocks.push(para(vec![text(match lang {
                Lang::Nl => format!(
                    "Op {} stuurde het secretariaat advies {} aan {}, op basis van stemronde {}:",
                    brussels_date(advice.recorded_at, lang),
                    advice.id,
                    advice.recipient,
                    advice.round
                ),
                Lang::En => format!(
                    "On {} the secretariat sent advice {} to {}, based on vote round {}:",
                    brussels_date(advice.recorded_at, lang),
                    advice.id,
                    advice.recipient,
                    advice.round
                ),
            })]));
            blocks.push(Block::Quote {
                text: advice.text.clone(),
                cite: format!("{} {}", self.pick("advies", "advice"), advice.id),
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
                            "advies {}, vervangen op {} (record {})",
                            advice.id,
                            brussels_date(old.recorded_at, lang),
                            old.position
                        ),
                        Lang::En => format!(
                            "advice {}, superseded on {} (record {})",
                            advice.id,
                            brussels_date(old.recorded_at, lang),
                            old.position
                        ),
                    },
                });
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
        for d in self
            .input
            .digest
            .proposals
            .iter()
            .flat_map(|p| &p.decisions)
        {
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
                        "Document: {}. Wie het document heeft, kan nagaan dat het dit is: zijn BLAKE3-hash is ",
                        d.document_reference
                    ),
                    Lang::En => format!(
                        "Document: {}. Anyone holding the document can check it is this one: its BLAKE3 hash is ",
                        d.document_reference
                    ),
                }),
                code(d.document_blake3.clone()),
                text("."),
            ]));
        }
        self.section(
            out,
            "Beslissingen van de overheid",
            "Government decisions",
            blocks,
        );
    }

    /// Every correction recorded in the range (a changed voting window, a withdrawn
    /// certification, corrected advice, a corrected government decision) with its reason;
    /// the earlier records stay in the log and the sections above show them superseded.
    fn corrections(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let mut items = Vec::new();
        for p in &self.input.digest.proposals {
            for step in p.steps.iter().filter(|s| is_correction(s.step)) {
                let about = step
                    .round
                    .as_ref()
                    .map(|r| format!("{} {r}", self.pick("stemronde", "vote round")))
                    .or_else(|| {
                        step.decision
                            .as_ref()
                            .map(|d| format!("{} {d}", self.pick("beslissing", "decision")))
                    })
                    .or_else(|| {
                        step.advice
                            .as_ref()
                            .map(|a| format!("{} {a}", self.pick("advies", "advice")))
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
                    text(format!(
                        "”, record {}). {} ",
                        step.position,
                        self.pick("Reden:", "Reason:")
                    )),
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
            "Niets wordt overschreven: elke verbetering is een nieuw record en het vorige blijft in het register.",
            "Nothing is overwritten: every correction is a new record and the earlier one stays in the ledger.",
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
        if let Some(criteria) = g.criteria_set.last() {
            blocks.push(para(vec![text(self.pick(
                "De stuurgroep legde de criteria vast waarop projectfiches beoordeeld worden:",
                "The steering group set the criteria for scoring project sheets:",
            ))]));
            blocks.push(Block::List(
                criteria
                    .criteria
                    .iter()
                    .map(|c| {
                        vec![
                            log(c.name.clone()),
                            text(match lang {
                                Lang::Nl => format!(" (gewicht {})", c.weight),
                                Lang::En => format!(" (weight {})", c.weight),
                            }),
                        ]
                    })
                    .collect(),
            ));
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
        let totals: BTreeMap<_, _> = g
            .sheets_scored
            .iter()
            .filter_map(|s| {
                s.weighted_total
                    .as_ref()
                    .map(|t| (s.sheet.clone(), t.decimal.clone()))
            })
            .collect();
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
                        let total = totals
                            .get(sheet)
                            .map(|t| {
                                format!(
                                    " ({} {})",
                                    self.pick("gewogen score", "weighted score"),
                                    decimal(t, lang)
                                )
                            })
                            .unwrap_or_default();
                        vec![log(title), text(total)]
                    })
                    .collect(),
            ));
        } else if !totals.is_empty() {
            blocks.push(para(vec![text(
                self.pick("Gewogen scores tot nu toe:", "Weighted scores so far:"),
            )]));
            blocks.push(Block::List(
                g.sheets_scored
                    .iter()
                    .filter_map(|s| {
                        s.weighted_total.as_ref().map(|t| {
                            vec![
                                log(s.title.clone()),
                                text(format!(": {}", decimal(&t.decimal, lang))),
                            ]
                        })
                    })
                    .collect(),
            ));
        }
        self.section(
            out,
            "Criteria en prioriteiten",
            "Criteria and priorities",
            blocks,
        );
    }

    fn registry(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let g = &self.input.digest.general;
        let mut items = Vec::new();
        if let Some(origin) = &g.ledger_initialized {
            items.push(vec![
                text(self.pick(
                    "Het register werd opgestart als ",
                    "The ledger was started as ",
                )),
                code(origin.clone()),
                text("."),
            ]);
        }
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        if !g.libraries_registered.is_empty() {
            let inhabitants = g
                .libraries_registered
                .iter()
                .fold(0u64, |sum, l| sum.saturating_add(l.inhabitants));
            items.push(vec![text(match lang {
                Lang::Nl => format!(
                    "{} geregistreerd, samen {}.",
                    libraries_word(count(g.libraries_registered.len()), lang),
                    inhabitants_word(inhabitants, lang)
                ),
                Lang::En => format!(
                    "{} registered, representing {}.",
                    libraries_word(count(g.libraries_registered.len()), lang),
                    inhabitants_word(inhabitants, lang)
                ),
            })]);
        }
        if !g.libraries_updated.is_empty() {
            items.push(vec![text(match lang {
                Lang::Nl => format!(
                    "{} bijgewerkt (inwoners of gemeenten).",
                    libraries_word(count(g.libraries_updated.len()), lang)
                ),
                Lang::En => format!(
                    "{} updated (inhabitants or municipalities).",
                    libraries_word(count(g.libraries_updated.len()), lang)
                ),
            })]);
        }
        for retired in &g.libraries_retired {
            items.push(vec![
                text(match lang {
                    Lang::Nl => format!("{} werd uitgeschreven: ", retired.name),
                    Lang::En => format!("{} was retired: ", retired.name),
                }),
                log(retired.reason.clone()),
            ]);
        }
        if !g.roles_granted.is_empty() || !g.roles_revoked.is_empty() {
            items.push(vec![text(match lang {
                Lang::Nl => format!(
                    "Rollen: {} toegekend, {} ingetrokken.",
                    integer(g.roles_granted.len() as u64, lang),
                    integer(g.roles_revoked.len() as u64, lang)
                ),
                Lang::En => format!(
                    "Roles: {} granted, {} revoked.",
                    integer(g.roles_granted.len() as u64, lang),
                    integer(g.roles_revoked.len() as u64, lang)
                ),
            })]);
        }
        for issue in &g.newsletters_issued {
            items.push(vec![
                text(match lang {
                    Lang::Nl => format!("Nieuwsbrief {} verscheen: “", issue.id),
                    Lang::En => format!("Newsletter {} was issued: “", issue.id),
                }),
                log(issue.title.clone()),
                text(match lang {
                    Lang::Nl => format!(
                        "” (records {} tot {}).",
                        integer(issue.covers_from, lang),
                        integer(issue.covers_to, lang)
                    ),
                    Lang::En => format!(
                        "” (records {} to {}).",
                        integer(issue.covers_from, lang),
                        integer(issue.covers_to, lang)
                    ),
                }),
            ]);
        }
        if items.is_empty() {
            return;
        }
        out.push(heading(2, self.pick("Register", "Registry")));
        out.push(Block::List(items));
    }

    fn footer(&self, out: &mut Vec<Block>) {
        let lang = self.lang;
        let d = &self.input.digest;
        out.push(Block::Rule);
        out.push(heading(
            2,
            self.pick("Zelf controleren", "Check it yourself"),
        ));
        let mut line = Vec::new();
        match &self.input.checkpoint {
            Some(cp) => {
                line.push(text(self.pick(
                    "Deze nieuwsbrief is gemaakt van het register bij het checkpoint van ",
                    "This issue was made from the ledger at the checkpoint of ",
                )));
                line.push(code(cp.origin.clone()));
                line.push(text(match lang {
                    Lang::Nl => format!(" met grootte {} en wortel ", cp.size),
                    Lang::En => format!(" with size {} and root ", cp.size),
                }));
                line.push(code(cp.root.to_base64()));
                line.push(text(". "));
            }
            None => line.push(text(self.pick(
                "De server publiceerde geen checkpoint toen deze nieuwsbrief gemaakt werd. ",
                "The server published no checkpoint when this issue was made. ",
            ))),
        }
        if d.from < d.to {
            line.push(text(match lang {
                Lang::Nl => format!(
                    "De nieuwsbrief dekt de records {} tot en met {}; de hash van record {} in de BLAKE3-keten is ",
                    d.from,
                    d.to - 1,
                    d.to - 1
                ),
                Lang::En => format!(
                    "The issue covers records {} to {}; the hash of record {} in the BLAKE3 chain is ",
                    d.from,
                    d.to - 1,
                    d.to - 1
                ),
            }));
            line.push(code(d.head.hash.clone()));
            line.push(text("."));
        }
        out.push(para(line));
        let base = self
            .input
            .link_base
            .as_deref()
            .map(|b| b.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| "https://SERVER".to_owned());
        out.push(para(vec![text(self.pick(
            "Iedereen kan dit nagaan zonder de server te vertrouwen: ledger-audit controleert de handtekening van het checkpoint, elke record, de keten en elke telling.",
            "Anyone can check this without trusting the server: ledger-audit checks the checkpoint's signature, every record, the chain and every tally.",
        ))]));
        let mut commands = vec![
            format!("curl -s {base}/v1/log/key > ledger.vkey"),
            format!("ledger-audit verify --server {base} --key @ledger.vkey"),
        ];
        if let Some(cp) = &self.input.checkpoint {
            commands.push(format!(
                "curl -s '{base}/v1/log/proof/consistency?from={}&to=SIZE'",
                cp.size
            ));
            out.push(Block::Code(commands));
            out.push(para(vec![text(match lang {
                Lang::Nl => format!(
                    "Een later checkpoint van grootte SIZE moet consistent zijn met grootte {} en de wortel hierboven; het laatste commando haalt het bewijs op.",
                    cp.size
                ),
                Lang::En => format!(
                    "A later checkpoint of size SIZE must be consistent with size {} and the root above; the last command fetches the proof.",
                    cp.size
                ),
            })]));
        } else {
            out.push(Block::Code(commands));
        }
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
