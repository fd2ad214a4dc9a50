//! `ledger criteria set`: the steering group's weighted criteria for scoring project
//! sheets, through a running server, typed as `ID:WEIGHT:NAME` instead of JSON.
//!
//! It must never judge the criteria itself (weights, duplicates, the lock once scores
//! exist): the server decides.

use ledger_core::event::Criterion;
use ledger_core::{Command, CriterionId};

use super::client::{self, ServerArgs};
use crate::failure::{Failure, INPUT};

/// The subcommands of `ledger criteria`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Set the criteria (replaces earlier ones while no sheet is scored).
    Set {
        /// One criterion as ID:WEIGHT:NAME, e.g. `reach:40:Reach of the public`
        /// (weight 1 to 100); repeat for each criterion.
        #[arg(long = "criterion", value_name = "ID:WEIGHT:NAME", required = true)]
        criteria: Vec<String>,
        #[command(flatten)]
        server: ServerArgs,
    },
}

fn criterion(text: &str) -> anyhow::Result<Criterion> {
    let bad = || {
        Failure::error(
            INPUT,
            format!("--criterion must be ID:WEIGHT:NAME with a whole weight, e.g. reach:40:Reach, got {text:?}"),
        )
    };
    let mut parts = text.splitn(3, ':');
    let (Some(id), Some(weight), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let weight: u32 = weight.trim().parse().map_err(|_| bad())?;
    Ok(Criterion {
        id: CriterionId::new(id.trim()),
        name: name.trim().to_owned(),
        weight,
    })
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let Args::Set { criteria, server } = args;
    let criteria = criteria
        .iter()
        .map(|c| criterion(c))
        .collect::<anyhow::Result<Vec<_>>>()?;
    client::send_and_print(&server, &Command::SetCriteria { criteria })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_criterion_reads_id_weight_and_a_name_that_may_hold_colons() {
        let c = criterion("reach:40:Reach: the public").unwrap();
        assert_eq!(
            (c.id.as_str(), c.weight, c.name.as_str()),
            ("reach", 40, "Reach: the public")
        );
        for bad in ["reach", "reach:40", "reach:forty:Reach", "reach:-1:Reach"] {
            assert!(criterion(bad).is_err(), "{bad:?}");
        }
    }
}
