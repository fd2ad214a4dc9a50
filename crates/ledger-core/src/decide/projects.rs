//! Decisions on project sheets (criteria, sheets, scores, priorities) and newsletters.
//!
//! Criteria are locked once a sheet is scored with them, so scores never silently change
//! meaning. A newsletter's range must follow the previous issue without gap or overlap,
//! so "since the last issue" is itself on the record. This module must never touch votes.

use std::collections::{BTreeMap, BTreeSet};

use crate::amount::Cents;
use crate::command::{Command, SheetScore};
use crate::event::{
    CriteriaSet, DocumentLinked, DocumentSubject, Event, NewsletterIssued, PrioritiesDecided,
    ProjectSheetFiled, SheetScored,
};
use crate::ids::{ActorId, CriterionId, Position, SheetId};
use crate::rejection::Rejection;
use crate::state::State;

use super::{
    check_blake3, check_line, check_text, check_url, known, must_be_new, MAX_LONG_TEXT,
    MAX_SHORT_TEXT,
};

pub(super) fn decide(
    state: &State,
    actor: &ActorId,
    command: &Command,
) -> Result<Vec<Event>, Rejection> {
    match command {
        Command::LinkDocument {
            subject,
            title,
            url,
            document_blake3,
        } => {
            match subject {
                DocumentSubject::Proposal(id) => {
                    known("proposal", id.as_str(), state.proposals.get(id))?;
                }
                DocumentSubject::Sheet(id) => {
                    known("sheet", id.as_str(), state.sheets.get(id))?;
                }
            }
            check_line("title", title, MAX_SHORT_TEXT)?;
            check_url(url)?;
            check_blake3(document_blake3)?;
            Ok(vec![Event::DocumentLinked(DocumentLinked {
                subject: subject.clone(),
                title: title.clone(),
                url: url.clone(),
                document_blake3: document_blake3.clone(),
            })])
        }
        Command::SetCriteria { criteria } => {
            if state.any_scores() {
                return Err(Rejection::CriteriaLocked);
            }
            let ids: BTreeSet<_> = criteria.iter().map(|c| &c.id).collect();
            if criteria.is_empty() || ids.len() != criteria.len() {
                return Err(Rejection::InvalidCriteria);
            }
            for criterion in criteria {
                criterion.id.check()?;
                check_line("criterion name", &criterion.name, MAX_SHORT_TEXT)?;
                if !(1..=100).contains(&criterion.weight) {
                    return Err(Rejection::InvalidCriteria);
                }
            }
            Ok(vec![Event::CriteriaSet(CriteriaSet {
                criteria: criteria.clone(),
            })])
        }
        Command::FileProjectSheet {
            sheet,
            proposal,
            title,
            summary,
            budget_cents_per_year,
        } => {
            must_be_new("sheet", sheet.as_str(), state.sheets.get(sheet))?;
            if let Some(p) = proposal {
                known("proposal", p.as_str(), state.proposals.get(p))?;
            }
            check_line("title", title, MAX_SHORT_TEXT)?;
            check_text("summary", summary, MAX_LONG_TEXT)?;
            let budget_per_year = Cents::checked(*budget_cents_per_year, false)?;
            Ok(vec![Event::ProjectSheetFiled(ProjectSheetFiled {
                sheet: sheet.clone(),
                proposal: proposal.clone(),
                title: title.clone(),
                summary: summary.clone(),
                budget_per_year,
            })])
        }
        Command::ScoreSheet {
            sheet,
            criterion,
            score,
        } => Ok(vec![Event::SheetScored(score_one(
            state, actor, sheet, criterion, *score,
        )?)]),
        Command::ScoreSheets { scores } => score_many(state, actor, scores),
        Command::DecidePriorities { ranking } => {
            let unique: BTreeSet<_> = ranking.iter().collect();
            if ranking.is_empty() || unique.len() != ranking.len() {
                return Err(Rejection::InvalidRanking);
            }
            for sheet in ranking {
                known("sheet", sheet.as_str(), state.sheets.get(sheet))?;
            }
            Ok(vec![Event::PrioritiesDecided(PrioritiesDecided {
                ranking: ranking.clone(),
            })])
        }
        Command::IssueNewsletter {
            newsletter,
            title,
            covers_from,
            covers_to,
        } => {
            newsletter.check()?;
            if state.newsletters.contains(newsletter) {
                return Err(Rejection::AlreadyExists {
                    kind: "newsletter",
                    id: newsletter.to_string(),
                });
            }
            check_line("title", title, MAX_SHORT_TEXT)?;
            let head = Position(state.length);
            if *covers_from != state.newsletter_covered_to
                || covers_to <= covers_from
                || *covers_to > head
            {
                return Err(Rejection::InvalidNewsletterRange {
                    expected_from: state.newsletter_covered_to,
                    head,
                });
            }
            Ok(vec![Event::NewsletterIssued(NewsletterIssued {
                newsletter: newsletter.clone(),
                title: title.clone(),
                covers_from: *covers_from,
                covers_to: *covers_to,
            })])
        }
        _ => Ok(Vec::new()),
    }
}

/// Most rows one `score_sheets` command takes (a member scoring 100 sheets on 10
/// criteria), so one command's batch of events stays bounded.
pub const MAX_SCORES_PER_COMMAND: usize = 1_000;

/// One member's score of `sheet` on `criterion`, judged against `state`.
fn score_one(
    state: &State,
    actor: &ActorId,
    sheet: &SheetId,
    criterion: &CriterionId,
    score: i64,
) -> Result<SheetScored, Rejection> {
    known("sheet", sheet.as_str(), state.sheets.get(sheet))?;
    if state.criteria.is_empty() {
        return Err(Rejection::NoCriteria);
    }
    known(
        "criterion",
        criterion.as_str(),
        state.criteria.iter().find(|c| c.id == *criterion),
    )?;
    let score = u8::try_from(score)
        .ok()
        .filter(|s| *s <= 10)
        .ok_or(Rejection::ScoreOutOfRange { score })?;
    Ok(SheetScored {
        sheet: sheet.clone(),
        criterion: criterion.clone(),
        member: actor.clone(),
        score,
    })
}

/// Every row judged against the same `state`, all or nothing: the first refused row
/// refuses the command and is named (from 1). A sheet scored twice on one criterion in
/// the same command is refused too: which score would count is not the caller's to guess.
fn score_many(
    state: &State,
    actor: &ActorId,
    scores: &[SheetScore],
) -> Result<Vec<Event>, Rejection> {
    if scores.is_empty() || scores.len() > MAX_SCORES_PER_COMMAND {
        return Err(Rejection::ScoreCount {
            max: MAX_SCORES_PER_COMMAND,
            got: scores.len(),
        });
    }
    let mut seen: BTreeMap<(&SheetId, &CriterionId), usize> = BTreeMap::new();
    let mut events = Vec::with_capacity(scores.len());
    for (index, row) in scores.iter().enumerate() {
        let number = index + 1;
        if let Some(first) = seen.insert((&row.sheet, &row.criterion), number) {
            return Err(Rejection::DuplicateScore {
                row: number,
                first,
                sheet: row.sheet.clone(),
                criterion: row.criterion.clone(),
            });
        }
        let scored = if row.member == *actor {
            score_one(state, actor, &row.sheet, &row.criterion, row.score)
        } else {
            Err(Rejection::ScoringForAnotherMember {
                actor: actor.clone(),
                member: row.member.clone(),
            })
        }
        .map_err(|rejection| Rejection::InScore {
            row: number,
            sheet: row.sheet.clone(),
            criterion: row.criterion.clone(),
            rejection: Box::new(rejection),
        })?;
        events.push(Event::SheetScored(scored));
    }
    Ok(events)
}
