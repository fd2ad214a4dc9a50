//! How a failed command ends: an exit status class and a one-line message.
//!
//! Commands return `anyhow` errors; those that carry a [`Failure`] say which class they
//! belong to, anything else is a fault. This module must never print: `main` does.

use std::fmt;

use ledger_store::{AppendError, StoreError};

/// The ledger refused the command; nothing was written.
pub const REFUSED: u8 = 1;
/// Bad arguments or input; nothing was written.
pub const INPUT: u8 = 2;
/// Locked, I/O or storage failure.
pub const FAULT: u8 = 3;
/// The chain or an index is damaged.
pub const DAMAGED: u8 = 4;

/// An error with its exit status.
#[derive(Debug)]
pub struct Failure {
    /// The exit status.
    pub code: u8,
    /// What to tell the user.
    pub message: String,
    /// The server's typed rejection (the problem's `rejection`), when it sent one, so a
    /// command can point at what it refused (`scores import`: the row's line).
    pub rejection: Option<serde_json::Value>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// A failure of class `code`.
    pub fn error(code: u8, message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(Failure {
            code,
            message: message.into(),
            rejection: None,
        })
    }

    /// A refusal of the server that carries its typed rejection.
    pub fn refused(code: u8, message: String, rejection: serde_json::Value) -> anyhow::Error {
        anyhow::Error::new(Failure {
            code,
            message,
            rejection: Some(rejection),
        })
    }

    /// The class and message of any error a command returned.
    pub fn classify(error: &anyhow::Error) -> Failure {
        match error.downcast_ref::<Failure>() {
            Some(failure) => Failure {
                code: failure.code,
                message: failure.message.clone(),
                rejection: failure.rejection.clone(),
            },
            None => Failure {
                code: FAULT,
                message: format!("{error:#}"),
                rejection: None,
            },
        }
    }

    /// The message on one line, whatever the underlying error printed.
    pub fn one_line(&self) -> String {
        self.message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The class of a store error.
pub fn store(error: StoreError) -> anyhow::Error {
    Failure::error(store_class(&error), error.to_string())
}

fn store_class(error: &StoreError) -> u8 {
    match error {
        StoreError::NotALedger { .. }
        | StoreError::AlreadyExists { .. }
        | StoreError::NotEmpty { .. }
        | StoreError::InitRejected(_)
        | StoreError::IsMirror { .. }
        | StoreError::NotAMirror { .. }
        | StoreError::ReadOnlyMirror { .. } => INPUT,
        StoreError::Corrupt { .. } => DAMAGED,
        _ => FAULT,
    }
}

/// The class of an append error.
pub fn append(error: AppendError) -> anyhow::Error {
    match error {
        AppendError::Rejected(rejection) => Failure::error(
            REFUSED,
            format!("rejected ({}): {rejection}", rejection.code()),
        ),
        conflict @ AppendError::Conflict { .. } => Failure::error(REFUSED, conflict.to_string()),
        too_large @ AppendError::TooLarge { .. } => Failure::error(INPUT, too_large.to_string()),
        reused @ AppendError::KeyReused { .. } => Failure::error(REFUSED, reused.to_string()),
        AppendError::Refused(fault) => {
            let code = store_class(&fault);
            Failure::error(
                code,
                format!("nothing was written: {fault}; retrying with the same command_id is safe"),
            )
        }
        AppendError::Fault(fault) => {
            let code = store_class(&fault);
            Failure::error(
                code,
                format!(
                    "{fault}; the command may or may not have been written: repeat it with the \
                     same command_id to find out (it is never applied twice)"
                ),
            )
        }
    }
}
