//! Reading the voting tokens from a token file as `ledger demo` writes it.
//!
//! Only library tokens are kept: they are the ones that vote. This module must never
//! print a token.

use std::path::Path;

use anyhow::Context;

/// A library's account token.
#[derive(Clone, Debug)]
pub struct Voter {
    /// The library it votes for, e.g. `lib-001`.
    pub library: String,
    /// The bearer token.
    pub token: String,
}

/// The library tokens of `path` (`actor role token` per line, `#` comments).
pub fn library_tokens(path: &Path) -> anyhow::Result<Vec<Voter>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (_actor, role, token) = (fields.next()?, fields.next()?, fields.next()?);
            let library = role.strip_prefix("library:")?;
            Some(Voter {
                library: library.to_owned(),
                token: token.to_owned(),
            })
        })
        .collect())
}
