//! Decisions on project sheets (criteria, sheets, scores, priorities) and newsletters.
//!
//! Criteria are locked once a sheet is scored with them, so scores never silently change
//! meaning. A newsletter's range must follow the previous issue without gap or overlap,
//! so "since the last issue" is itself on the record. This module must never touch votes.

use std::collections::BTreeSet;

use crate::amount::Cents;
use crate::command::Command;
use crate::event::{
    CriteriaSet, DocumentLinked, DocumentSubject, Event, NewsletterIssued, PrioritiesDecided,
    ProjectSheetFiled, SheetScored,
};
use crate::ids::{ActorId, Position};
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
        } => {
            known("sheet", sheet.as_str(), state.sheets.get(sheet))?;
            if state.criteria.is_empty() {
                return Err(Rejection::NoCriteria);
            }
            known(
                "criterion",
                criterion.as_str(),
                state.criteria.iter().find(|c| c.id == *criterion),
            )?;
            let score = u8::try_from(*score)
                .ok()
                .filter(|s| *s <= 10)
                .ok_or(Rejection::ScoreOutOfRange { score: *score })?;
            Ok(vec![Event::SheetScored(SheetScored {
                sheet: sheet.clone(),
                criterion: criterion.clone(),
                member: actor.clone(),
                score,
            })])
        }
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
