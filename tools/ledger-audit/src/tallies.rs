//! The recount: every event folded with `ledger_core::State::evolve`, and every number
//! the log states about a vote round checked against the votes in the log.
//!
//! Checked at each event, against the state just before it: a vote goes to an open
//! round, inside its window, from a library in the frozen electorate, at its frozen
//! weight; a `round_closed` states exactly the recounted tally and the outcome the rule
//! gives it; every certification signature and `result_certified` carries the digest of
//! that recount (`Tally::digest`), and the certificate names the signers who signed.
//! Tallies, outcomes and digests come from ledger-core only; this module must never
//! count or round on its own, and never use floating point.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use ledger_core::chain::Sealed;
use ledger_core::state::{Round, RoundStatus};
use ledger_core::{Count, Event, Outcome, Ratio, RoundId, State, Tally};

use crate::source::{CountWire, RoundResultWire, ShareWire};

/// What the audit established about one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundAudit {
    /// The round.
    pub id: RoundId,
    /// Its title for people, if it was opened with one.
    pub title: Option<String>,
    /// Position of its `round_opened` record.
    pub opened_at: u64,
    /// Position of its `round_closed` record and the recount there.
    pub closed: Option<(u64, Tally, Outcome)>,
    /// Certification signatures checked.
    pub signatures: u32,
    /// Position of its `result_certified` record.
    pub certified_at: Option<u64>,
    /// Position of its `round_annulled` record.
    pub annulled_at: Option<u64>,
    /// Whether it was opened with live results (counts per choice shown while open).
    pub live_results: bool,
}

/// A round's result as the recount gives it, in the terms of the read API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedResult {
    /// The round.
    pub id: RoundId,
    /// Open, closed or annulled.
    pub status: RoundStatus,
    /// The tally at the close, or the live one while open.
    pub tally: Tally,
    /// Pending while open, the rule's outcome once closed, rejected once annulled.
    pub outcome: Outcome,
    /// Whether a `result_certified` was recorded.
    pub certified: bool,
    /// Yes inhabitants over the represented inhabitants.
    pub share: Option<Ratio>,
    /// The audit trail of the round.
    pub audit: RoundAudit,
}

/// The fold in progress.
#[derive(Debug)]
pub struct Recount {
    origin: String,
    state: State,
    rounds: BTreeMap<RoundId, RoundAudit>,
}

impl Recount {
    /// A recount of a log whose checkpoints name `origin`.
    pub fn new(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            state: State::new(),
            rounds: BTreeMap::new(),
        }
    }

    /// Checks `event` (the event of `sealed`) against the state so far, then folds it.
    pub fn apply(&mut self, sealed: &Sealed, event: &Event) -> Result<()> {
        self.apply_with(sealed, event, |_| Ok(()))
    }

    /// As [`Recount::apply`], with one more check (`also`) run after the recount's own
    /// against the same state, before the event is folded.
    pub fn apply_with(
        &mut self,
        sealed: &Sealed,
        event: &Event,
        also: impl FnOnce(&State) -> Result<()>,
    ) -> Result<()> {
        let position = sealed.record.position.0;
        self.check(position, sealed, event)?;
        also(&self.state)?;
        self.state.evolve(event);
        Ok(())
    }

    fn check(&mut self, position: u64, sealed: &Sealed, event: &Event) -> Result<()> {
        match (position, event) {
            (0, Event::LedgerInitialized(e)) if e.origin == self.origin => return Ok(()),
            (0, Event::LedgerInitialized(e)) => bail!(
                "position 0 initialises the ledger {:?}, but the checkpoint is signed for {:?}",
                e.origin,
                self.origin
            ),
            (0, other) => bail!(
                "position 0 is {}, not ledger_initialized",
                other.event_type()
            ),
            (_, Event::LedgerInitialized(_)) => {
                bail!("position {position} initialises the ledger a second time")
            }
            _ => {}
        }
        match event {
            Event::RoundOpened(e) => {
                if self.state.rounds.contains_key(&e.round) {
                    bail!("position {position} opens round {} a second time", e.round);
                }
                self.rounds.insert(
                    e.round.clone(),
                    RoundAudit {
                        id: e.round.clone(),
                        title: e.title.clone(),
                        opened_at: position,
                        closed: None,
                        signatures: 0,
                        certified_at: None,
                        annulled_at: None,
                        live_results: e.live_results,
                    },
                );
            }
            Event::VoteCast(e) => {
                let round = self.open_round(position, &e.round, "a vote")?;
                let at = sealed.record.recorded_at;
                if at < round.opens_at || at >= round.closes_at {
                    bail!(
                        "position {position}: the vote of {} in round {} was recorded at {at}, \
                         outside the window {} to {}",
                        e.library,
                        e.round,
                        round.opens_at,
                        round.closes_at
                    );
                }
                match round.electorate.get(&e.library) {
                    None => bail!(
                        "position {position}: {} votes in round {} but is not in its electorate",
                        e.library,
                        e.round
                    ),
                    Some(weight) if *weight != e.inhabitants => bail!(
                        "position {position}: the vote of {} in round {} weighs {} inhabitants, \
                         the frozen electorate says {weight}",
                        e.library,
                        e.round,
                        e.inhabitants
                    ),
                    Some(_) => {}
                }
            }
            Event::RoundClosed(e) => {
                let round = self.open_round(position, &e.round, "the close")?;
                let recount = round.tally();
                if e.tally != recount {
                    bail!(
                        "position {position}: round {} closed with tally {} but the votes \
                         recount to {}",
                        e.round,
                        describe_tally(&e.tally),
                        describe_tally(&recount)
                    );
                }
                let outcome = recount.outcome(&round.rule);
                if e.outcome != outcome {
                    bail!(
                        "position {position}: round {} closed as {} but its rule gives {} for \
                         the recount",
                        e.round,
                        outcome_name(e.outcome),
                        outcome_name(outcome)
                    );
                }
                if let Some(audit) = self.rounds.get_mut(&e.round) {
                    audit.closed = Some((position, recount, outcome));
                }
            }
            Event::RoundAnnulled(e) => {
                if !self.state.rounds.contains_key(&e.round) {
                    bail!("position {position} annuls unknown round {}", e.round);
                }
                if let Some(audit) = self.rounds.get_mut(&e.round) {
                    audit.annulled_at = Some(position);
                }
            }
            Event::CertificationSigned(e) => {
                let (recount, _) = self.closing(position, &e.round)?;
                let expected = recount.digest(&e.round);
                if e.tally_digest != expected {
                    bail!(
                        "position {position}: {} signed digest {} for round {}, but the \
                         recount's digest is {expected}",
                        e.member,
                        e.tally_digest,
                        e.round
                    );
                }
                if let Some(audit) = self.rounds.get_mut(&e.round) {
                    audit.signatures = audit.signatures.saturating_add(1);
                }
            }
            Event::ResultCertified(e) => {
                let (recount, outcome) = self.closing(position, &e.round)?;
                let expected = recount.digest(&e.round);
                if e.tally_digest != expected {
                    bail!(
                        "position {position}: round {} is certified with digest {}, but the \
                         recount's digest is {expected}",
                        e.round,
                        e.tally_digest
                    );
                }
                if e.outcome != outcome {
                    bail!(
                        "position {position}: round {} is certified as {}, but it closed as {}",
                        e.round,
                        outcome_name(e.outcome),
                        outcome_name(outcome)
                    );
                }
                let round = self.known_round(position, &e.round)?;
                let signed: Vec<_> = round.signatures.iter().map(|(m, _)| m).collect();
                let named: Vec<_> = e.signers.iter().collect();
                if signed != named {
                    bail!(
                        "position {position}: the certificate of round {} names signers {:?}, \
                         but the log holds signatures of {:?}",
                        e.round,
                        named,
                        signed
                    );
                }
                if (named.len() as u64) < u64::from(round.rule.signatures_required) {
                    bail!(
                        "position {position}: round {} is certified with {} signatures, its \
                         rule needs {}",
                        e.round,
                        named.len(),
                        round.rule.signatures_required
                    );
                }
                if let Some(audit) = self.rounds.get_mut(&e.round) {
                    audit.certified_at = Some(position);
                }
            }
            // The round must be certified again: earlier signatures no longer count.
            Event::CertificationWithdrawn(e) => {
                if !self.known_round(position, &e.round)?.certified {
                    bail!(
                        "position {position} withdraws the certification of round {}, which \
                         is not certified",
                        e.round
                    );
                }
                if let Some(audit) = self.rounds.get_mut(&e.round) {
                    audit.certified_at = None;
                    audit.signatures = 0;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn known_round(&self, position: u64, id: &RoundId) -> Result<&Round> {
        match self.state.rounds.get(id) {
            Some(round) => Ok(round),
            None => bail!("position {position} refers to unknown round {id}"),
        }
    }

    fn open_round(&self, position: u64, id: &RoundId, what: &str) -> Result<&Round> {
        let round = self.known_round(position, id)?;
        if round.status != RoundStatus::Open {
            bail!("position {position}: {what} in round {id}, which is not open");
        }
        Ok(round)
    }

    /// The recount and outcome at the close of a round that must be closed.
    fn closing(&self, position: u64, id: &RoundId) -> Result<(Tally, Outcome)> {
        let round = self.known_round(position, id)?;
        match (round.status, self.rounds.get(id).and_then(|a| a.closed)) {
            (RoundStatus::Closed, Some((_, tally, outcome))) => Ok((tally, outcome)),
            _ => bail!("position {position}: a certification of round {id}, which is not closed"),
        }
    }

    /// The final state and every round's expected result, in round-id order.
    pub fn finish(self) -> (State, Vec<ExpectedResult>) {
        let mut results = Vec::new();
        for (id, audit) in &self.rounds {
            let Some(round) = self.state.rounds.get(id) else {
                continue;
            };
            let tally = audit.closed.map_or_else(|| round.tally(), |(_, t, _)| t);
            results.push(ExpectedResult {
                id: id.clone(),
                status: round.status,
                tally,
                outcome: round.outcome(),
                certified: round.certified,
                share: tally.yes_share_of_inhabitants(&round.rule),
                audit: audit.clone(),
            });
        }
        (self.state, results)
    }
}

impl ExpectedResult {
    /// One line for the report.
    pub fn describe(&self) -> String {
        let status = match self.status {
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
            RoundStatus::Annulled => "annulled",
        };
        let share = match self.share {
            Some(r) => format!("{}/{} = {}%", r.numerator, r.denominator, r.percent(2)),
            None => "none (no inhabitants represented)".to_owned(),
        };
        let certified = match self.audit.certified_at {
            Some(at) => format!(
                "certified at position {at} with {} signatures",
                self.audit.signatures
            ),
            None => format!("not certified ({} signatures)", self.audit.signatures),
        };
        let title = match &self.audit.title {
            Some(title) => format!(" ({title})"),
            None => String::new(),
        };
        format!(
            "round {}{title}: {status}, {}; {}; yes share of represented inhabitants {share}; {certified}",
            self.id,
            outcome_name(self.outcome),
            describe_tally(&self.tally)
        )
    }

    /// Compares the server's result for this round with the recount, naming the first
    /// field that differs.
    pub fn compare(&self, served: &RoundResultWire) -> Result<()> {
        let t = &self.tally;
        // An open round without live results shows only its turnout: the server must
        // then show nothing per choice, and otherwise every count.
        let shown = self.status != RoundStatus::Open || self.audit.live_results;
        let per_choice = [
            ("yes", t.yes, served.yes),
            ("no", t.no, served.no),
            ("abstain", t.abstain, served.abstain),
        ];
        let mut counts = vec![
            ("cast", t.cast, served.cast),
            ("eligible", t.eligible, served.eligible),
        ];
        for (field, recount, wire) in per_choice {
            match (shown, wire) {
                (true, Some(wire)) => counts.push((field, recount, wire)),
                (false, None) => {}
                (true, None) => bail!(
                    "the server's result for round {} shows no {field} count, but the round \
                     shows its counts (closed, annulled or opened with live results)",
                    self.id
                ),
                (false, Some(_)) => bail!(
                    "the server's result for round {} shows a {field} count while the round \
                     is open without live results",
                    self.id
                ),
            }
        }
        for (field, recount, wire) in counts {
            if wire != count_wire(recount) {
                bail!(
                    "the server's result for round {} says {field} = {} libraries / {} \
                     inhabitants, the recount {} / {}",
                    self.id,
                    wire.libraries,
                    wire.inhabitants,
                    recount.libraries,
                    recount.inhabitants
                );
            }
        }
        if served.outcome != outcome_name(self.outcome) {
            bail!(
                "the server's result for round {} says outcome {:?}, the recount {:?}",
                self.id,
                served.outcome,
                outcome_name(self.outcome)
            );
        }
        if served.certified != self.certified {
            bail!(
                "the server's result for round {} says certified = {}, the log {}",
                self.id,
                served.certified,
                self.certified
            );
        }
        let expected = self.share.filter(|_| shown).map(|r| ShareWire {
            numerator: r.numerator,
            denominator: r.denominator,
        });
        if served.yes_share_of_represented_inhabitants != expected {
            bail!(
                "the server's result for round {} says yes_share_of_represented_inhabitants = \
                 {}, the recount {}",
                self.id,
                describe_share(served.yes_share_of_represented_inhabitants),
                describe_share(expected)
            );
        }
        Ok(())
    }
}

fn count_wire(count: Count) -> CountWire {
    CountWire {
        libraries: u64::from(count.libraries),
        inhabitants: count.inhabitants,
    }
}

fn describe_share(share: Option<ShareWire>) -> String {
    share.map_or_else(
        || "null".to_owned(),
        |s| format!("{}/{}", s.numerator, s.denominator),
    )
}

/// The wire name of an outcome, as the read API spells it.
pub fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pending => "pending",
        Outcome::Adopted => "adopted",
        Outcome::Rejected => "rejected",
    }
}

/// A tally in one phrase, counts as libraries / inhabitants.
pub fn describe_tally(tally: &Tally) -> String {
    let c = |count: Count| format!("{} / {}", count.libraries, count.inhabitants);
    format!(
        "yes {}, no {}, abstain {}, cast {} of eligible {} (libraries / inhabitants)",
        c(tally.yes),
        c(tally.no),
        c(tally.abstain),
        c(tally.cast),
        c(tally.eligible)
    )
}
