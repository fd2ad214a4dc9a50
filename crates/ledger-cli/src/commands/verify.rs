//! `ledger verify`: checks the whole chain and every index and prints the head.
//!
//! On damage it prints every problem, names the first bad position on stderr and exits
//! with status 4. It must never repair anything.

use super::DataDir;
use crate::failure::{self, Failure, DAMAGED};

/// Arguments of `ledger verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let report = ledger_store::verify(&args.dir.data).map_err(failure::store)?;
    println!("length {}", report.head.length);
    println!("hash {}", report.head.hash);
    let Some(first) = report.first_problem() else {
        println!("ok: the chain and every index verify");
        return Ok(());
    };
    for problem in &report.problems {
        println!("problem: {problem}");
    }
    let message = match first.position {
        Some(position) => format!("damaged at position {position}: {}", first.what),
        None => format!("damaged: {first}"),
    };
    Err(Failure::error(DAMAGED, message))
}
