//! The May 2023 decision cycle as a sequence of command envelopes, phase by phase.
//!
//! A caller submits [`Scenario::setup`], then [`Scenario::votes`] while the window is
//! open, then [`Scenario::close`] once `closes_at` has passed, then
//! [`Scenario::after_close`] built from the state after the close (it needs the
//! recomputed tally digest). Each step carries a suggested recording instant so a fixed
//! clock can replay the cycle exactly. Command ids are `demo-0001`, `demo-0002`, ... over
//! the whole cycle in order. This module must never submit anything, read a clock or
//! depend on a store: it only builds envelopes.

use std::collections::BTreeMap;

use ledger_core::event::Criterion;
use ledger_core::event::Verdict;
use ledger_core::state::RoundStatus;
use ledger_core::{
    ActorId, AdviceId, Choice, Command, CommandId, CriterionId, Date, DecisionId, Envelope,
    LibraryId, NewsletterId, Position, ProposalId, Role, RoundId, Rule, SheetId, SignedVotes,
    State, Timestamp,
};

use crate::ballots::{plan, Ballot, VotePlan};
use crate::electorate::{electorate, DemoLibrary};
use crate::keys;
use crate::texts::{
    advice_text, CRITERIA, DECISION_DOCUMENT, DECISION_REFERENCE, GOVERNMENT, PROPOSAL_TEXT,
    PROPOSAL_TITLE, SCORES, SHEETS, TRIAL_ROUND_TITLE, TRIAL_TEXT, TRIAL_TITLE,
};
use crate::DemoError;

/// The ledger's origin line.
pub const ORIGIN: &str = "demo.ledger.local/bibliotheken";
/// The secretariat's actor id.
pub const SECRETARIAT: &str = "secretariaat";
/// The steering-group members, in signing order (the first two sign the certification).
pub const MEMBERS: [&str; 3] = ["stuurgroep-an", "stuurgroep-bart", "stuurgroep-chris"];
/// The members' names for people (invented), in [`MEMBERS`] order.
pub const MEMBER_NAMES: [&str; 3] = ["An Peeters", "Bart Claes", "Chris Van Damme"];
/// The secretariat's name for people.
pub const SECRETARIAT_NAME: &str = "Secretariaat stuurgroep Digitale Bibliotheek";
/// The proposal's id.
pub const PROPOSAL: &str = "p-2023-ibl-microsubsidies";
/// The round's id.
pub const ROUND: &str = "r-2023-05";
/// The demo round's title for people: the subject and the month.
pub const ROUND_TITLE: &str =
    "Stemronde mei 2023: de IBL-middelen centraal inzetten voor digitale dienstverlening";
/// The try-out proposal's id.
pub const TRIAL_PROPOSAL: &str = "p-demo-proef";
/// The try-out round's id, open for thirty days from when the demo is built.
pub const TRIAL_ROUND: &str = "r-demo-proef";
/// The advice's id.
pub const ADVICE: &str = "adv-2023-ibl";
/// The government decision's id.
pub const DECISION: &str = "bes-2024-beheersovereenkomst";
/// The yearly budget of the proposal and the decision, in cents (EUR 200,000).
pub const BUDGET_CENTS_PER_YEAR: i128 = 20_000_000;
/// Signatures the round's rule requires.
pub const SIGNATURES_REQUIRED: u32 = 2;
/// First day of the granted period.
pub const PERIOD_START: &str = "2024-01-01";
/// Last day of the granted period.
pub const PERIOD_END: &str = "2028-12-31";

const DAY: i64 = 86_400;
/// Days after the close on which the steering group confirms (certifies) the result.
const CERTIFIED_AFTER_DAYS: i64 = 21;

/// One envelope and the instant this scenario suggests recording it at.
///
/// Any instant that satisfies the phase's time rule works as well; `at` exists so that a
/// fixed clock can replay the cycle and get the same log every time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Suggested recording instant (non-decreasing over the whole cycle).
    pub at: Timestamp,
    /// The command to submit.
    pub envelope: Envelope,
}

/// The cycle for one voting window.
#[derive(Clone, Debug)]
pub struct Scenario {
    opens_at: Timestamp,
    closes_at: Timestamp,
    libraries: Vec<DemoLibrary>,
    plan: VotePlan,
}

impl Scenario {
    /// The cycle with the caller's voting window `[opens_at, closes_at)`.
    ///
    /// `opens_at` must lie before `closes_at`, and `closes_at` after the instant the setup
    /// is recorded, or the ledger refuses the round. The window changes only the
    /// `open_round` envelope (the last of [`Scenario::setup`]) and the suggested instants:
    /// every other envelope, command ids included, is the same for any window, so a
    /// caller may record the setup first and choose the window afterwards.
    pub fn new(opens_at: Timestamp, closes_at: Timestamp) -> Scenario {
        let libraries = electorate();
        let plan = plan(&libraries);
        Scenario {
            opens_at,
            closes_at,
            libraries,
            plan,
        }
    }

    /// The cycle with the historical window: 8 May 2023 09:00 to 1 June 2023 00:00,
    /// Brussels time (07:00Z to 22:00Z on 31 May).
    pub fn may_2023() -> Scenario {
        // 2023-05-08T07:00:00Z and 2023-05-31T22:00:00Z.
        Scenario::new(
            Timestamp::from_micros(1_683_529_200_000_000),
            Timestamp::from_micros(1_685_570_400_000_000),
        )
    }

    /// First instant a vote is accepted.
    pub fn opens_at(&self) -> Timestamp {
        self.opens_at
    }

    /// First instant a vote is refused; the close may be recorded from here on.
    pub fn closes_at(&self) -> Timestamp {
        self.closes_at
    }

    /// The synthetic electorate, ordered by id.
    pub fn libraries(&self) -> &[DemoLibrary] {
        &self.libraries
    }

    /// Every ballot in casting order, changed votes included.
    pub fn ballots(&self) -> &[Ballot] {
        &self.plan.ballots
    }

    /// The choice that counts for each library that votes.
    pub fn final_choices(&self) -> &BTreeMap<LibraryId, Choice> {
        &self.plan.final_choices
    }

    /// The round's id as the ledger sees it.
    pub fn round(&self) -> RoundId {
        RoundId::new(ROUND)
    }

    /// Initialise the ledger, grant the members their role, register every library and
    /// give each its account, file the proposal and open the round.
    ///
    /// Suggested instants: seven days before `opens_at`, one second apart.
    pub fn setup(&self) -> Vec<Step> {
        let mut out = Vec::with_capacity(self.setup_len());
        let mut push = |actor: &str, command: Command| {
            let at = self.opens_at.plus_seconds(-7 * DAY + out.len() as i64);
            let n = out.len() + 1;
            out.push(step(n, at, actor, command));
        };
        push(
            "operator",
            Command::InitializeLedger {
                origin: ORIGIN.into(),
                secretariat: ActorId::new(SECRETARIAT),
            },
        );
        for member in MEMBERS {
            push(
                SECRETARIAT,
                Command::GrantRole {
                    actor: ActorId::new(member),
                    role: Role::SteeringMember,
                },
            );
        }
        for library in &self.libraries {
            push(
                SECRETARIAT,
                Command::RegisterLibrary {
                    library: library.id.clone(),
                    name: library.name.clone(),
                    municipalities: library.municipalities.clone(),
                    inhabitants: i128::from(library.inhabitants),
                },
            );
        }
        for library in &self.libraries {
            push(
                SECRETARIAT,
                Command::GrantRole {
                    actor: ActorId::new(library.id.as_str()),
                    role: Role::Library(library.id.clone()),
                },
            );
        }
        // Every actor registers its demo key itself (crate::keys: demo only).
        let before_keys = 1 + MEMBERS.len() + 2 * self.libraries.len();
        for (k, actor) in self.key_owners().iter().enumerate() {
            let id = CommandId::new(format!("demo-{:04}", before_keys + k + 1));
            if let Some(command) = keys::registration(actor, &id) {
                push(actor, command);
            }
        }
        push(
            MEMBERS[0],
            Command::FileProposal {
                proposal: ProposalId::new(PROPOSAL),
                title: PROPOSAL_TITLE.into(),
                text: PROPOSAL_TEXT.into(),
                budget_cents_per_year: BUDGET_CENTS_PER_YEAR,
                trial: false,
            },
        );
        push(
            SECRETARIAT,
            Command::OpenRound {
                round: self.round(),
                proposal: ProposalId::new(PROPOSAL),
                opens_at: Some(self.opens_at),
                closes_at: self.closes_at,
                rule: Some(Rule {
                    signatures_required: SIGNATURES_REQUIRED,
                    ..Rule::default()
                }),
                title: Some(ROUND_TITLE.into()),
                trial: false,
                live_results: false,
                signed_votes: None,
            },
        );
        out
    }

    /// Every ballot as a `cast_vote` from the library's own account, in casting order.
    ///
    /// Each must be recorded at an instant in `[opens_at, closes_at)`; the suggested
    /// instants spread the ballots evenly over the window.
    pub fn votes(&self) -> Vec<Step> {
        let first = self.setup_len() + 1;
        let count = self.plan.ballots.len();
        let span = i128::from(self.closes_at.as_micros()) - i128::from(self.opens_at.as_micros());
        self.plan
            .ballots
            .iter()
            .enumerate()
            .map(|(k, ballot)| {
                // (k + 1) / (count + 1) of the window: strictly inside it.
                let offset = span.max(0) * (k as i128 + 1) / (count as i128 + 1);
                let micros = i128::from(self.opens_at.as_micros()) + offset;
                let at = Timestamp::from_micros(i64::try_from(micros).unwrap_or(i64::MAX));
                step(
                    first + k,
                    at,
                    ballot.library.as_str(),
                    Command::CastVote {
                        round: self.round(),
                        library: ballot.library.clone(),
                        choice: ballot.choice,
                        remark: ballot.remark.clone(),
                        signature: None,
                    },
                )
            })
            .collect()
    }

    /// The secretariat closes the round. Not every library votes, so the ledger accepts
    /// this only at or after `closes_at`: the caller waits for it.
    pub fn close(&self) -> Step {
        step(
            self.close_number(),
            self.closes_at,
            SECRETARIAT,
            Command::CloseRound {
                round: self.round(),
            },
        )
    }

    /// Everything after the close, from `state` as it stands right after it, on the
    /// seed's calendar: two members sign the recomputed tally digest (the second
    /// signature certifies: the steering group confirms the result in June), the steering
    /// group's advice goes to the Flemish government through Cultuurconnect, the steering
    /// group sets its criteria (September), project sheets are filed, the government's
    /// decision is recorded (the autumn's management agreement), then every member's
    /// scores and the priorities (December).
    ///
    /// Suggested instants: from 21 days to 196 days after `closes_at` (for the May 2023
    /// window: 22 June 2023 to 13 December 2023, 10:00 Brussels time in summer).
    pub fn after_close(&self, state: &State) -> Result<Vec<Step>, DemoError> {
        let round_id = self.round();
        let round = state
            .rounds
            .get(&round_id)
            .ok_or_else(|| DemoError::UnknownRound {
                round: round_id.clone(),
            })?;
        if round.status != RoundStatus::Closed {
            return Err(DemoError::RoundNotClosed { round: round_id });
        }
        let tally = round.tally();
        let digest = tally.digest(&round_id);
        let percent = tally
            .yes_share_of_inhabitants(&round.rule)
            .map(|share| share.percent(0))
            .unwrap_or_else(|| "0".into());
        let period_start = date(PERIOD_START)?;
        let period_end = date(PERIOD_END)?;

        let mut out: Vec<Step> = Vec::new();
        let first = self.close_number() + 1;
        let mut push = |days: i64, actor: &str, command: Command| {
            let at = self
                .after_close_at(days)
                .plus_seconds(out.len() as i64 * 60);
            let n = first + out.len();
            out.push(step(n, at, actor, command));
        };
        for member in &MEMBERS[..SIGNATURES_REQUIRED as usize] {
            push(
                CERTIFIED_AFTER_DAYS,
                member,
                Command::SignCertification {
                    round: round_id.clone(),
                    tally_digest: digest.clone(),
                    signature: None,
                },
            );
        }
        push(
            33,
            SECRETARIAT,
            Command::SendAdvice {
                advice: AdviceId::new(ADVICE),
                round: round_id.clone(),
                recipient: GOVERNMENT.into(),
                text: advice_text(tally.cast.libraries, &percent),
                signature: None,
            },
        );
        push(
            110,
            MEMBERS[0],
            Command::SetCriteria {
                criteria: CRITERIA
                    .iter()
                    .map(|(id, name, weight)| Criterion {
                        id: CriterionId::new(*id),
                        name: (*name).into(),
                        weight: *weight,
                    })
                    .collect(),
            },
        );
        for (id, title, summary, budget) in SHEETS {
            push(
                130,
                SECRETARIAT,
                Command::FileProjectSheet {
                    sheet: SheetId::new(id),
                    proposal: Some(ProposalId::new(PROPOSAL)),
                    title: title.into(),
                    summary: summary.into(),
                    budget_cents_per_year: budget,
                },
            );
        }
        push(
            167,
            SECRETARIAT,
            Command::RecordGovernmentDecision {
                decision: DecisionId::new(DECISION),
                advice: AdviceId::new(ADVICE),
                verdict: Verdict::Approved,
                amount_cents_per_year: BUDGET_CENTS_PER_YEAR,
                period_start,
                period_end,
                document_reference: DECISION_REFERENCE.into(),
                document_blake3: decision_document_blake3(),
                signature: None,
            },
        );
        for (member, by_sheet) in MEMBERS.iter().zip(SCORES) {
            for ((sheet, ..), by_criterion) in SHEETS.iter().zip(by_sheet) {
                for ((criterion, ..), score) in CRITERIA.iter().zip(by_criterion) {
                    push(
                        188,
                        member,
                        Command::ScoreSheet {
                            sheet: SheetId::new(*sheet),
                            criterion: CriterionId::new(*criterion),
                            score,
                        },
                    );
                }
            }
        }
        push(
            195,
            MEMBERS[0],
            Command::DecidePriorities {
                ranking: priority_ranking(),
            },
        );
        Ok(out)
    }

    /// 10:00 on the day `days` after the close (the close is midnight in Brussels for
    /// the May 2023 window).
    fn after_close_at(&self, days: i64) -> Timestamp {
        self.closes_at.plus_seconds(days * DAY + 8 * 3600)
    }

    /// A newsletter issue covering everything since the previous one, or `None` when
    /// nothing happened since. Its command id is `demo-nieuwsbrief-NNN`, outside the
    /// numbered cycle, so issues can be interleaved anywhere.
    pub fn newsletter(&self, state: &State, issue: u32) -> Option<Envelope> {
        let covers_from = state.newsletter_covered_to;
        let covers_to = Position(state.length);
        (covers_from < covers_to).then(|| Envelope {
            command_id: CommandId::new(format!("demo-nieuwsbrief-{issue:03}")),
            actor: ActorId::new(SECRETARIAT),
            expected_version: None,
            command: Command::IssueNewsletter {
                newsletter: NewsletterId::new(format!("nb-{issue:03}")),
                title: format!("Nieuwsbrief Digitale Bibliotheek nr. {issue}"),
                covers_from,
                covers_to,
            },
        })
    }

    /// The steering group's members and the secretariat get names for people, the day
    /// before the result is confirmed, so the page and the newsletter name who signed.
    /// Command ids `demo-naam-N`, outside the numbered cycle.
    pub fn names(&self) -> Vec<Step> {
        let at = self.after_close_at(CERTIFIED_AFTER_DAYS - 1);
        MEMBERS
            .iter()
            .zip(MEMBER_NAMES)
            .chain([(&SECRETARIAT, SECRETARIAT_NAME)])
            .enumerate()
            .map(|(k, (actor, name))| Step {
                at,
                envelope: Envelope {
                    command_id: CommandId::new(format!("demo-naam-{}", k + 1)),
                    actor: ActorId::new(SECRETARIAT),
                    expected_version: None,
                    command: Command::NameActor {
                        actor: ActorId::new(*actor),
                        name: name.into(),
                    },
                },
            })
            .collect()
    }

    /// When the seed's newsletters went out: the first the day after the result was
    /// confirmed (23 June 2023 for the May 2023 window), the second after the priorities
    /// (15 December 2023).
    pub fn newsletter_at(&self, issue: u32) -> Timestamp {
        match issue {
            1 => self.after_close_at(CERTIFIED_AFTER_DAYS + 1),
            _ => self.after_close_at(197),
        }
    }

    /// The try-out: a proposal and a round, both marked as trials, opened at `now` for
    /// thirty days, so that the demo's tokens have a vote to cast. Both steps are
    /// suggested at `now` (the demo records them on the real clock, after the history).
    pub fn trial(&self, now: Timestamp) -> Vec<Step> {
        let file = Step {
            at: now,
            envelope: Envelope {
                command_id: CommandId::new("demo-proef-1"),
                actor: ActorId::new(MEMBERS[0]),
                expected_version: None,
                command: Command::FileProposal {
                    proposal: ProposalId::new(TRIAL_PROPOSAL),
                    title: TRIAL_TITLE.into(),
                    text: TRIAL_TEXT.into(),
                    budget_cents_per_year: 100,
                    trial: true,
                },
            },
        };
        let open = Step {
            at: now,
            envelope: Envelope {
                command_id: CommandId::new("demo-proef-2"),
                actor: ActorId::new(SECRETARIAT),
                expected_version: None,
                command: Command::OpenRound {
                    round: RoundId::new(TRIAL_ROUND),
                    proposal: ProposalId::new(TRIAL_PROPOSAL),
                    opens_at: None,
                    closes_at: now.plus_seconds(30 * DAY),
                    rule: None,
                    title: Some(TRIAL_ROUND_TITLE.into()),
                    trial: true,
                    live_results: false,
                    // A round for trying the API with curl: unsigned votes are taken
                    // (signed ones are checked: `ledger vote --key demo-keys/<library>.key`).
                    signed_votes: Some(SignedVotes::Optional),
                },
            },
        };
        vec![file, open]
    }

    /// How many envelopes [`Scenario::setup`] returns.
    fn setup_len(&self) -> usize {
        1 + MEMBERS.len() + 2 * self.libraries.len() + self.key_owners().len() + 2
    }

    /// Every demo actor with an author key: the secretariat, the members, the libraries.
    pub fn key_owners(&self) -> Vec<String> {
        let mut owners = vec![SECRETARIAT.to_owned()];
        owners.extend(MEMBERS.iter().map(|m| (*m).to_owned()));
        owners.extend(self.libraries.iter().map(|l| l.id.as_str().to_owned()));
        owners
    }

    /// The command number of the close.
    fn close_number(&self) -> usize {
        self.setup_len() + self.plan.ballots.len() + 1
    }
}

/// BLAKE3 of the demo's decision document, as the decision records it.
pub fn decision_document_blake3() -> String {
    blake3::hash(DECISION_DOCUMENT.as_bytes())
        .to_hex()
        .to_string()
}

/// The priorities the members' scores lead to: sheets by weighted total (weight times
/// score, summed over members and criteria), highest first, ties in filing order.
pub fn priority_ranking() -> Vec<SheetId> {
    let mut totals: Vec<(i64, usize)> = (0..SHEETS.len())
        .map(|s| {
            let total: i64 = SCORES
                .iter()
                .map(|by_sheet| {
                    CRITERIA
                        .iter()
                        .zip(by_sheet[s])
                        .map(|((_, _, weight), score)| i64::from(*weight) * score)
                        .sum::<i64>()
                })
                .sum();
            (-total, s)
        })
        .collect();
    totals.sort_unstable();
    totals
        .into_iter()
        .map(|(_, s)| SheetId::new(SHEETS[s].0))
        .collect()
}

/// One envelope; a command its author signs is signed with the author's demo key.
fn step(number: usize, at: Timestamp, actor: &str, command: Command) -> Step {
    let command_id = CommandId::new(format!("demo-{number:04}"));
    let command = keys::signed(actor, &command_id, command);
    Step {
        at,
        envelope: Envelope {
            command_id,
            actor: ActorId::new(actor),
            expected_version: None,
            command,
        },
    }
}

fn date(text: &'static str) -> Result<Date, DemoError> {
    Date::parse(text).ok_or(DemoError::InvalidDate { text })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn command_ids_are_sequential_over_the_cycle() {
        let scenario = Scenario::may_2023();
        let mut state = State::new();
        let mut ids = Vec::new();
        let mut steps = scenario.setup();
        steps.extend(scenario.votes());
        steps.push(scenario.close());
        for step in &steps {
            ids.push(step.envelope.command_id.clone());
            let events = ledger_core::decide(&state, &step.envelope, step.at).unwrap();
            for event in &events {
                state.evolve(event);
            }
        }
        for step in scenario.after_close(&state).unwrap() {
            ids.push(step.envelope.command_id);
        }
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(id.as_str(), format!("demo-{:04}", n + 1));
        }
        let unique: BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn suggested_instants_never_go_back_and_votes_fall_in_the_window() {
        let scenario = Scenario::may_2023();
        let votes = scenario.votes();
        let setup = scenario.setup();
        assert!(setup.iter().all(|s| s.at < scenario.opens_at()));
        assert!(votes
            .iter()
            .all(|s| s.at >= scenario.opens_at() && s.at < scenario.closes_at()));
        let all: Vec<Timestamp> = setup
            .iter()
            .chain(&votes)
            .map(|s| s.at)
            .chain([scenario.close().at])
            .collect();
        assert!(all.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn the_window_changes_only_the_open_round_envelope() {
        let may = Scenario::may_2023();
        let live = Scenario::new(Timestamp::from_micros(7), Timestamp::from_micros(3_000_007));
        let envelopes =
            |steps: Vec<Step>| -> Vec<Envelope> { steps.into_iter().map(|s| s.envelope).collect() };
        let (may_setup, live_setup) = (envelopes(may.setup()), envelopes(live.setup()));
        assert_eq!(may_setup.len(), live_setup.len());
        let last = may_setup.len() - 1;
        assert_eq!(may_setup[..last], live_setup[..last]);
        assert_ne!(may_setup[last], live_setup[last]);
        assert_eq!(may_setup[last].command_id, live_setup[last].command_id);
        assert_eq!(envelopes(may.votes()), envelopes(live.votes()));
        assert_eq!(may.close().envelope, live.close().envelope);
        let window = live.opens_at()..live.closes_at();
        assert!(live.votes().iter().all(|s| window.contains(&s.at)));
    }

    #[test]
    fn after_close_refuses_a_state_without_the_closed_round() {
        let scenario = Scenario::may_2023();
        assert_eq!(
            scenario.after_close(&State::new()).unwrap_err(),
            DemoError::UnknownRound {
                round: RoundId::new(ROUND)
            }
        );
    }

    #[test]
    fn priorities_follow_the_weighted_scores() {
        let ranking = priority_ranking();
        let ids: Vec<&str> = ranking.iter().map(|s| s.as_str()).collect();
        assert_eq!(ids, ["pf-2024-ebooks", "pf-2024-pas", "pf-2024-vorming"]);
    }

    #[test]
    fn document_hash_is_lowercase_hex() {
        let hash = decision_document_blake3();
        assert_eq!(hash.len(), 64);
        assert!(hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
