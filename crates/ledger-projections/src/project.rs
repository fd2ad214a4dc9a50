//! Project sheets and their scoring: the weighted criteria, each sheet's scores with an
//! exact weighted total, the latest priorities, and the newsletters issued.
//!
//! A sheet's weighted total is the sum over the current criteria of weight times the
//! mean of the members' last scores on that criterion, kept as an exact fraction (the
//! decimal string is for display only). This module must never use floating point or
//! round before the display string.

use ledger_core::event::{
    CriteriaSet, NewsletterIssued, PrioritiesDecided, ProjectSheetFiled, SheetScored,
};
use ledger_core::{ActorId, CriterionId, NewsletterId, ProposalId, SheetId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{At, ReadModel};
use crate::proposal::DocumentView;

/// Decimals in the display string of a weighted total.
const TOTAL_DIGITS: u32 = 2;

/// One weighted criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CriterionView {
    /// The criterion.
    #[schema(value_type = String)]
    pub id: CriterionId,
    /// Its name.
    pub name: String,
    /// Its weight (1 to 100).
    pub weight: u32,
}

/// The current scoring criteria and the record that set them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CriteriaView {
    /// The criteria, in the order given; empty until set.
    pub criteria: Vec<CriterionView>,
    /// The record that set them.
    pub position: Option<u64>,
    /// When it was recorded.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub recorded_at: Option<Timestamp>,
}

/// An exact non-negative fraction with a decimal display, e.g. `{73, 2, "36.50"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExactDecimal {
    /// The part, in lowest terms.
    pub numerator: u128,
    /// The whole, in lowest terms; never zero.
    pub denominator: u128,
    /// The value with two decimals, rounded half to even.
    pub decimal: String,
}

/// One member's last score on one criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MemberScoreView {
    /// The criterion.
    #[schema(value_type = String)]
    pub criterion: CriterionId,
    /// The member.
    #[schema(value_type = String)]
    pub member: ActorId,
    /// The score, 0 to 10.
    pub score: u8,
    /// The record of this score.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// The scores of one sheet on one current criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CriterionScoreView {
    /// The criterion.
    #[schema(value_type = String)]
    pub criterion: CriterionId,
    /// Its weight.
    pub weight: u32,
    /// Members who scored it (their last score counts).
    pub scores: u32,
    /// The sum of those scores.
    pub sum: u64,
}

/// A project sheet ("projectfiche") with its scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SheetView {
    /// Its id.
    #[schema(value_type = String)]
    pub id: SheetId,
    /// The proposal it implements, if any.
    #[schema(value_type = Option<String>)]
    pub proposal: Option<ProposalId>,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Yearly budget in euro cents.
    pub budget_cents_per_year: u64,
    /// The record that filed it.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
    /// Each member's last score per criterion, sorted by criterion then member.
    pub scores: Vec<MemberScoreView>,
    /// Per current criterion (in criteria order): number of scores and their sum.
    pub criteria: Vec<CriterionScoreView>,
    /// Sum over criteria of weight times mean score; null until a criterion is scored.
    pub weighted_total: Option<ExactDecimal>,
    /// Its place (1 = highest) in the latest priorities, if ranked.
    pub rank: Option<u32>,
    /// Documents linked to it, oldest first.
    pub documents: Vec<DocumentView>,
}

/// The latest priority order of the steering group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PrioritiesView {
    /// Sheets from highest to lowest priority.
    #[schema(value_type = Vec<String>)]
    pub ranking: Vec<SheetId>,
    /// The record of the decision.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

/// A newsletter issue and the log range it covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewsletterView {
    /// The issue.
    #[schema(value_type = String)]
    pub id: NewsletterId,
    /// Its title.
    pub title: String,
    /// First position covered.
    pub covers_from: u64,
    /// First position not covered.
    pub covers_to: u64,
    /// The record of the issue.
    pub position: u64,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `numerator / denominator` with `digits` decimals, rounded half to even; `None` on a
/// zero denominator or overflow.
fn decimal(numerator: u128, denominator: u128, digits: u32) -> Option<String> {
    if denominator == 0 {
        return None;
    }
    let scale = 10u128.checked_pow(digits)?;
    let scaled = numerator.checked_mul(scale)?;
    let mut quotient = scaled / denominator;
    let twice_remainder = (scaled % denominator).checked_mul(2)?;
    if twice_remainder > denominator || (twice_remainder == denominator && quotient % 2 == 1) {
        quotient += 1;
    }
    if digits == 0 {
        return Some(quotient.to_string());
    }
    Some(format!(
        "{}.{:0width$}",
        quotient / scale,
        quotient % scale,
        width = digits as usize
    ))
}

/// Sum of `weight * sum / scores` over the scored criteria, exactly; `None` when no
/// criterion is scored or (only for absurd inputs) the fraction overflows.
fn weighted_total(criteria: &[CriterionScoreView]) -> Option<ExactDecimal> {
    let mut numerator: u128 = 0;
    let mut denominator: u128 = 1;
    let mut any = false;
    for c in criteria.iter().filter(|c| c.scores > 0) {
        any = true;
        let term_num = u128::from(c.weight).checked_mul(u128::from(c.sum))?;
        let term_den = u128::from(c.scores);
        numerator = numerator
            .checked_mul(term_den)?
            .checked_add(term_num.checked_mul(denominator)?)?;
        denominator = denominator.checked_mul(term_den)?;
        let divisor = gcd(numerator, denominator).max(1);
        numerator /= divisor;
        denominator /= divisor;
    }
    if !any {
        return None;
    }
    Some(ExactDecimal {
        numerator,
        denominator,
        decimal: decimal(numerator, denominator, TOTAL_DIGITS)?,
    })
}

impl SheetView {
    /// Recomputes the per-criterion sums and the weighted total against `criteria`.
    fn rescore(&mut self, criteria: &[CriterionView]) {
        self.criteria = criteria
            .iter()
            .map(|criterion| {
                let mine = self.scores.iter().filter(|s| s.criterion == criterion.id);
                let (count, sum) = mine.fold((0u32, 0u64), |(n, s), score| {
                    (
                        n.saturating_add(1),
                        s.saturating_add(u64::from(score.score)),
                    )
                });
                CriterionScoreView {
                    criterion: criterion.id.clone(),
                    weight: criterion.weight,
                    scores: count,
                    sum,
                }
            })
            .collect();
        self.weighted_total = weighted_total(&self.criteria);
    }
}

impl ReadModel {
    pub(crate) fn on_criteria_set(&mut self, at: At, e: &CriteriaSet) {
        self.criteria = CriteriaView {
            criteria: e
                .criteria
                .iter()
                .map(|c| CriterionView {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    weight: c.weight,
                })
                .collect(),
            position: Some(at.position),
            recorded_at: Some(at.recorded_at),
        };
        for sheet in self.sheets.values_mut() {
            sheet.rescore(&self.criteria.criteria);
        }
    }

    pub(crate) fn on_sheet_filed(&mut self, at: At, e: &ProjectSheetFiled) {
        let mut sheet = SheetView {
            id: e.sheet.clone(),
            proposal: e.proposal.clone(),
            title: e.title.clone(),
            summary: e.summary.clone(),
            budget_cents_per_year: e.budget_per_year.0,
            position: at.position,
            recorded_at: at.recorded_at,
            scores: Vec::new(),
            criteria: Vec::new(),
            weighted_total: None,
            rank: None,
            documents: Vec::new(),
        };
        sheet.rescore(&self.criteria.criteria);
        self.sheets.insert(e.sheet.clone(), sheet);
        if let Some(proposal) = e.proposal.as_ref().and_then(|p| self.proposals.get_mut(p)) {
            proposal.sheets.push(e.sheet.clone());
        }
    }

    pub(crate) fn on_sheet_scored(&mut self, at: At, e: &SheetScored) {
        let Some(sheet) = self.sheets.get_mut(&e.sheet) else {
            return;
        };
        let score = MemberScoreView {
            criterion: e.criterion.clone(),
            member: e.member.clone(),
            score: e.score,
            position: at.position,
            recorded_at: at.recorded_at,
        };
        // The last score of a member on a criterion replaces the earlier one.
        match sheet
            .scores
            .binary_search_by(|s| (&s.criterion, &s.member).cmp(&(&e.criterion, &e.member)))
        {
            Ok(index) => sheet.scores[index] = score,
            Err(index) => sheet.scores.insert(index, score),
        }
        sheet.rescore(&self.criteria.criteria);
    }

    pub(crate) fn on_priorities_decided(&mut self, at: At, e: &PrioritiesDecided) {
        for sheet in self.sheets.values_mut() {
            sheet.rank = None;
        }
        for (index, id) in e.ranking.iter().enumerate() {
            if let Some(sheet) = self.sheets.get_mut(id) {
                sheet.rank = Some(u32::try_from(index).unwrap_or(u32::MAX).saturating_add(1));
            }
        }
        self.priorities = Some(PrioritiesView {
            ranking: e.ranking.clone(),
            position: at.position,
            recorded_at: at.recorded_at,
        });
    }

    pub(crate) fn on_newsletter_issued(&mut self, at: At, e: &NewsletterIssued) {
        self.newsletters.push(NewsletterView {
            id: e.newsletter.clone(),
            title: e.title.clone(),
            covers_from: e.covers_from.0,
            covers_to: e.covers_to.0,
            position: at.position,
            recorded_at: at.recorded_at,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(weight: u32, scores: u32, sum: u64) -> CriterionScoreView {
        CriterionScoreView {
            criterion: CriterionId::new("c"),
            weight,
            scores,
            sum,
        }
    }

    #[test]
    fn weighted_totals_are_exact_and_reduced() {
        // 3 * (8 + 7) / 2 + 2 * 7 / 1 = 22.5 + 14 = 36.5 = 73/2.
        let total = weighted_total(&[scored(3, 2, 15), scored(2, 1, 7)]).unwrap();
        assert_eq!((total.numerator, total.denominator), (73, 2));
        assert_eq!(total.decimal, "36.50");
        // 1 * 1 / 3 = 0.333... shows as 0.33; 2/3 as 0.67.
        assert_eq!(weighted_total(&[scored(1, 3, 1)]).unwrap().decimal, "0.33");
        assert_eq!(weighted_total(&[scored(1, 3, 2)]).unwrap().decimal, "0.67");
        assert_eq!(weighted_total(&[scored(5, 0, 0)]), None);
    }

    #[test]
    fn decimals_round_half_to_even() {
        assert_eq!(decimal(1, 8, 2).as_deref(), Some("0.12"));
        assert_eq!(decimal(3, 8, 2).as_deref(), Some("0.38"));
        assert_eq!(decimal(5, 2, 0).as_deref(), Some("2"));
        assert_eq!(decimal(1, 0, 2), None);
    }
}
