//! Author signatures: the statements an author signs and the check of a signature
//! against the author key in force.
//!
//! A statement is the text of a C2SP signed note (<https://c2sp.org/signed-note>): fixed
//! lines, each ending in a newline, built here from the values the record stores, so a
//! third party rebuilds it from the record alone (ARCHITECTURE.md, "Author signatures",
//! documents every byte). A command carries only the note's signature line; the note is
//! the statement, a blank line and that line. This module is pure (Ed25519 is
//! deterministic) and must never hold or see an author's private key except through a
//! [`NoteSigner`] its caller built, and never accept a signature without verifying it.

use ledger_tlog::{NoteSigner, NoteVerifier};

use crate::command::Command;
use crate::event::{
    AdviceSent, CertificationSigned, Event, GovernmentDecisionRecorded, Verdict, VoteCast,
};
use crate::ids::{ActorId, CommandId};
use crate::rejection::Rejection;
use crate::tally::Choice;
use crate::time::Date;

/// Longest signature line a command may carry, in bytes (a real one is about 110 plus
/// the actor id).
pub const MAX_SIGNATURE_LEN: usize = 400;

/// Longest verifier key a registration may carry, in bytes.
pub const MAX_KEY_LEN: usize = 400;

/// What an author signs, reduced to the values the record keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed<'a> {
    /// A library's vote.
    Vote {
        /// The round.
        round: &'a str,
        /// The library.
        library: &'a str,
        /// Its choice.
        choice: Choice,
        /// The remark as stored (a blank remark is stored as none).
        remark: Option<&'a str>,
    },
    /// A steering-group member's certification of a round's tally.
    Certification {
        /// The round.
        round: &'a str,
        /// The tally digest (64 lowercase hex).
        tally_digest: &'a str,
    },
    /// The secretariat's advice to the government.
    Advice {
        /// The advice.
        advice: &'a str,
        /// The certified round it rests on.
        round: &'a str,
        /// To whom.
        recipient: &'a str,
        /// The advice's text.
        text: &'a str,
    },
    /// The secretariat's record of the government's decision.
    Decision {
        /// The decision.
        decision: &'a str,
        /// The advice it answers.
        advice: &'a str,
        /// The verdict.
        verdict: Verdict,
        /// Euro cents per year.
        amount_cents_per_year: i128,
        /// First day.
        period_start: Date,
        /// Last day.
        period_end: Date,
        /// The official document's reference.
        document_reference: &'a str,
        /// BLAKE3 of the official document.
        document_blake3: &'a str,
    },
}

/// BLAKE3 (plain hash) of a text's UTF-8 bytes, 64 lowercase hex.
fn text_blake3(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Approved => "approved",
        Verdict::Rejected => "rejected",
        Verdict::Amended => "amended",
    }
}

fn choice_word(choice: Choice) -> &'static str {
    match choice {
        Choice::Yes => "yes",
        Choice::No => "no",
        Choice::Abstain => "abstain",
    }
}

impl<'a> Signed<'a> {
    /// What a command asks to sign, with the remark normalised as `decide` stores it.
    pub fn from_command(command: &'a Command) -> Option<Self> {
        match command {
            Command::CastVote {
                round,
                library,
                choice,
                remark,
                ..
            } => Some(Signed::Vote {
                round: round.as_str(),
                library: library.as_str(),
                choice: *choice,
                remark: remark.as_deref().filter(|r| !r.trim().is_empty()),
            }),
            Command::SignCertification {
                round,
                tally_digest,
                ..
            } => Some(Signed::Certification {
                round: round.as_str(),
                tally_digest,
            }),
            Command::SendAdvice {
                advice,
                round,
                recipient,
                text,
                ..
            } => Some(Signed::Advice {
                advice: advice.as_str(),
                round: round.as_str(),
                recipient,
                text,
            }),
            Command::RecordGovernmentDecision {
                decision,
                advice,
                verdict,
                amount_cents_per_year,
                period_start,
                period_end,
                document_reference,
                document_blake3,
                ..
            } => Some(Signed::Decision {
                decision: decision.as_str(),
                advice: advice.as_str(),
                verdict: *verdict,
                amount_cents_per_year: *amount_cents_per_year,
                period_start: *period_start,
                period_end: *period_end,
                document_reference,
                document_blake3,
            }),
            _ => None,
        }
    }

    /// What a stored event states was signed, and the signature line it carries.
    pub fn from_event(event: &'a Event) -> Option<(Self, Option<&'a str>)> {
        match event {
            Event::VoteCast(VoteCast {
                round,
                library,
                choice,
                remark,
                signature,
                ..
            }) => Some((
                Signed::Vote {
                    round: round.as_str(),
                    library: library.as_str(),
                    choice: *choice,
                    remark: remark.as_deref(),
                },
                signature.as_deref(),
            )),
            Event::CertificationSigned(CertificationSigned {
                round,
                tally_digest,
                signature,
                ..
            }) => Some((
                Signed::Certification {
                    round: round.as_str(),
                    tally_digest,
                },
                signature.as_deref(),
            )),
            Event::AdviceSent(AdviceSent {
                advice,
                round,
                recipient,
                text,
                signature,
                ..
            }) => Some((
                Signed::Advice {
                    advice: advice.as_str(),
                    round: round.as_str(),
                    recipient,
                    text,
                },
                signature.as_deref(),
            )),
            Event::GovernmentDecisionRecorded(GovernmentDecisionRecorded {
                decision,
                advice,
                verdict,
                amount_per_year,
                period_start,
                period_end,
                document_reference,
                document_blake3,
                signature,
                ..
            }) => Some((
                Signed::Decision {
                    decision: decision.as_str(),
                    advice: advice.as_str(),
                    verdict: *verdict,
                    amount_cents_per_year: i128::from(amount_per_year.0),
                    period_start: *period_start,
                    period_end: *period_end,
                    document_reference,
                    document_blake3,
                },
                signature.as_deref(),
            )),
            _ => None,
        }
    }

    /// The statement's text: the ledger's origin, a kind line, the fields, and the
    /// command id (as the author sent it), each line ending in a newline.
    pub fn statement(&self, origin: &str, command_id: &str) -> String {
        let body = match self {
            Signed::Vote {
                round,
                library,
                choice,
                remark,
            } => format!(
                "vote v1\nround {round}\nlibrary {library}\nchoice {}\nremark-blake3 {}\n",
                choice_word(*choice),
                remark.map_or_else(|| "-".to_owned(), text_blake3)
            ),
            Signed::Certification {
                round,
                tally_digest,
            } => format!("certification v1\nround {round}\ntally-digest {tally_digest}\n"),
            Signed::Advice {
                advice,
                round,
                recipient,
                text,
            } => format!(
                "advice v1\nadvice {advice}\nround {round}\nrecipient-blake3 {}\ntext-blake3 {}\n",
                text_blake3(recipient),
                text_blake3(text)
            ),
            Signed::Decision {
                decision,
                advice,
                verdict,
                amount_cents_per_year,
                period_start,
                period_end,
                document_reference,
                document_blake3,
            } => format!(
                "government-decision v1\ndecision {decision}\nadvice {advice}\nverdict {}\n\
                 amount-cents-per-year {amount_cents_per_year}\nperiod {period_start} {period_end}\n\
                 document-reference-blake3 {}\ndocument-blake3 {document_blake3}\n",
                verdict_word(*verdict),
                text_blake3(document_reference)
            ),
        };
        format!("{origin}\n{body}command {command_id}\n")
    }

    /// What a rejection calls this act, e.g. `vote`.
    pub fn kind(&self) -> &'static str {
        match self {
            Signed::Vote { .. } => "vote",
            Signed::Certification { .. } => "certification",
            Signed::Advice { .. } => "advice",
            Signed::Decision { .. } => "government decision",
        }
    }
}

/// The statement that proves possession of an author key when it is registered.
pub fn key_statement(origin: &str, actor: &ActorId, key: &str, command_id: &str) -> String {
    format!("{origin}\nauthor-key v1\nactor {actor}\nkey {key}\ncommand {command_id}\n")
}

/// The command id an author signed, from the id a record carries: a record stores an
/// id another actor held first as `actor/id` (ARCHITECTURE.md, "Idempotency"), and the
/// author signed the id as sent.
pub fn signed_command_id<'a>(stored: &'a str, actor: &ActorId) -> &'a str {
    stored
        .strip_prefix(actor.as_str())
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(stored)
}

/// Parses an author key: a note verifier key whose name is `actor`.
pub fn parse_author_key(key: &str, actor: &ActorId) -> Result<NoteVerifier, Rejection> {
    let invalid = |detail: String| Rejection::InvalidAuthorKey {
        actor: actor.clone(),
        detail,
    };
    if key.len() > MAX_KEY_LEN {
        return Err(invalid(format!("longer than {MAX_KEY_LEN} bytes")));
    }
    let verifier = NoteVerifier::parse(key).map_err(|e| invalid(e.to_string()))?;
    if verifier.name() != actor.as_str() {
        return Err(invalid(format!(
            "the key is named {:?}, not after the actor",
            verifier.name()
        )));
    }
    Ok(verifier)
}

/// Checks that `signature` (one signed-note signature line) is `actor`'s signature of
/// `statement` with the verifier key `key`.
pub fn verify(
    statement: &str,
    signature: &str,
    key: &str,
    actor: &ActorId,
) -> Result<(), Rejection> {
    let invalid = |detail: String| Rejection::SignatureInvalid {
        actor: actor.clone(),
        detail,
    };
    if signature.len() > MAX_SIGNATURE_LEN || signature.contains('\n') {
        return Err(invalid(format!(
            "a signature is one line of at most {MAX_SIGNATURE_LEN} bytes"
        )));
    }
    let verifier = parse_author_key(key, actor)?;
    let note = format!("{statement}\n{signature}\n");
    match ledger_tlog::open(&note, &[verifier]) {
        Ok(_) => Ok(()),
        Err(ledger_tlog::NoteError::NoVerifiedSignature) => Err(invalid(format!(
            "the signature is not by {actor}'s registered key"
        ))),
        Err(e) => Err(invalid(e.to_string())),
    }
}

/// Signs `statement` with `signer` and returns the note's signature line (without its
/// newline), the value a command carries.
pub fn sign(signer: &NoteSigner, statement: &str) -> Result<String, ledger_tlog::NoteError> {
    let note = signer.sign(statement)?;
    let line = note
        .strip_suffix('\n')
        .and_then(|rest| rest.rsplit('\n').next())
        .unwrap_or_default();
    Ok(line.to_owned())
}

/// The note a third party verifies: the statement, a blank line and the signature line.
pub fn note(statement: &str, signature: &str) -> String {
    format!("{statement}\n{signature}\n")
}

/// Puts `signature` into `command` if it is a command authors sign (else nothing).
pub fn set_signature(command: &mut Command, signature: Option<String>) {
    match command {
        Command::CastVote { signature: s, .. }
        | Command::SignCertification { signature: s, .. }
        | Command::SendAdvice { signature: s, .. }
        | Command::RecordGovernmentDecision { signature: s, .. } => *s = signature,
        _ => {}
    }
}

/// What a command signed by `signer` carries: the signature of its statement, for the
/// commands authors sign (`None` for the others).
pub fn sign_command(
    signer: &NoteSigner,
    origin: &str,
    command: &Command,
    command_id: &CommandId,
) -> Result<Option<String>, ledger_tlog::NoteError> {
    match Signed::from_command(command) {
        Some(signed) => sign(signer, &signed.statement(origin, command_id.as_str())).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(name: &str) -> NoteSigner {
        NoteSigner::from_seed(name, [7; 32]).unwrap()
    }

    #[test]
    fn a_vote_statement_has_the_documented_lines() {
        let vote = Signed::Vote {
            round: "r-1",
            library: "lib-a",
            choice: Choice::Yes,
            remark: None,
        };
        assert_eq!(
            vote.statement("example.org/ledger", "v-1"),
            "example.org/ledger\nvote v1\nround r-1\nlibrary lib-a\nchoice yes\nremark-blake3 -\ncommand v-1\n"
        );
    }

    #[test]
    fn a_signature_verifies_and_one_changed_byte_does_not() {
        let actor = ActorId::new("acc-a");
        let key = signer("acc-a");
        let statement = key_statement("o", &actor, "k", "c-1");
        let line = sign(&key, &statement).unwrap();
        assert!(line.starts_with("\u{2014} acc-a "));
        let vkey = key.verifier().verifier_key();
        verify(&statement, &line, &vkey, &actor).unwrap();
        let altered = statement.replace("c-1", "c-2");
        assert!(matches!(
            verify(&altered, &line, &vkey, &actor),
            Err(Rejection::SignatureInvalid { .. })
        ));
    }

    #[test]
    fn a_key_named_after_another_actor_is_refused() {
        let vkey = signer("acc-b").verifier().verifier_key();
        assert!(matches!(
            parse_author_key(&vkey, &ActorId::new("acc-a")),
            Err(Rejection::InvalidAuthorKey { .. })
        ));
    }

    #[test]
    fn the_signed_id_drops_the_actor_prefix_only() {
        let actor = ActorId::new("acc-a");
        assert_eq!(signed_command_id("acc-a/v-1", &actor), "v-1");
        assert_eq!(signed_command_id("v-1", &actor), "v-1");
        assert_eq!(signed_command_id("acc-b/v-1", &actor), "acc-b/v-1");
    }
}
