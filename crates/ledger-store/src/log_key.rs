//! The log's Ed25519 signing key: made by `init`, kept in `log-signing.key` beside the
//! database (never in the log), and loaded at open.
//!
//! The key is named after the ledger's origin, because readers accept a checkpoint only
//! when its origin equals the name of the key they trust. `meta/log-verifier-key` holds
//! the matching verifier key, so a ledger made with a key can tell a lost key file (an
//! error) from a ledger that predates signed checkpoints (which gets a key at its next
//! open). This module must never write the signing key anywhere but its 0600 file, never
//! put it in an error or a `Debug` output, and never replace a key a ledger was made with.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use ledger_tlog::NoteSigner;
use rand::rngs::OsRng;
use rand::RngCore;

use crate::disk::{sync_dir, Trees};
use crate::error::StoreError;
use crate::layout::{LOG_KEY, SIGNING_KEY_FILE, VERIFIER_KEY_FILE};
use crate::options::Durability;

/// Checks that `origin` can name a signing key, before anything is created.
pub(crate) fn check_origin(origin: &str) -> Result<(), StoreError> {
    NoteSigner::from_seed(origin, [0; 32])
        .map(|_| ())
        .map_err(|e| StoreError::BadOrigin {
            origin: origin.to_owned(),
            reason: e.to_string(),
        })
}

/// Makes a new key named `origin` from the OS's randomness, writes both key files and
/// records the verifier key in `meta`. The caller makes `meta` durable.
pub(crate) fn create(
    dir: &Path,
    trees: &Trees,
    origin: &str,
    durability: Durability,
) -> Result<NoteSigner, StoreError> {
    let mut seed = [0u8; 32];
    OsRng.fill_bytes(&mut seed);
    let signer = NoteSigner::from_seed(origin, seed).map_err(|e| StoreError::BadOrigin {
        origin: origin.to_owned(),
        reason: e.to_string(),
    })?;
    install(dir, trees, signer, durability)
}

/// Writes both key files of `signer` and records its verifier key in `meta`: what
/// [`create`] does with a new key, and what a restore does with the operator's backup of
/// the log's key. The caller makes `meta` durable.
pub(crate) fn install(
    dir: &Path,
    trees: &Trees,
    signer: NoteSigner,
    durability: Durability,
) -> Result<NoteSigner, StoreError> {
    let verifier = signer.verifier().verifier_key();
    write_file(
        dir,
        SIGNING_KEY_FILE,
        &format!("{}\n", signer.signer_key()),
        true,
        durability,
    )?;
    write_file(
        dir,
        VERIFIER_KEY_FILE,
        &format!("{verifier}\n"),
        false,
        durability,
    )?;
    trees.meta.insert(LOG_KEY, verifier.as_bytes())?;
    Ok(signer)
}

/// Loads the key of the ledger in `dir` whose log names `origin` (`None` before the
/// initialising record is written; then the key's own name is the origin).
///
/// A ledger made before signed checkpoints (no key file, no verifier key in `meta`) gets
/// a new key, and that is said on stderr. A missing key file of a ledger that had one, a
/// key for another origin, or a key other than the one recorded in `meta` is an error.
pub(crate) fn load(
    dir: &Path,
    trees: &Trees,
    origin: Option<&str>,
    durability: Durability,
) -> Result<NoteSigner, StoreError> {
    let path = dir.join(SIGNING_KEY_FILE);
    let recorded = trees.meta.get(LOG_KEY)?;
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return match (recorded, origin) {
                (None, Some(origin)) => {
                    let signer = create(dir, trees, origin, durability)?;
                    trees.db.flush()?;
                    eprintln!(
                        "ledger: {} predates signed checkpoints; created its log signing key \
                         {} (verifier key {})",
                        dir.display(),
                        path.display(),
                        signer.verifier().verifier_key()
                    );
                    Ok(signer)
                }
                (Some(recorded), _) => Err(key_error(
                    &path,
                    format!(
                        "the file is missing; this ledger signs with verifier key {}: restore \
                         the key file from its backup",
                        String::from_utf8_lossy(&recorded)
                    ),
                )),
                (None, None) => Err(key_error(
                    &path,
                    "the file is missing and the ledger was never initialised; run init again",
                )),
            };
        }
        Err(e) => return Err(StoreError::io(&path, e)),
    };
    let signer = NoteSigner::parse(text.trim_end())
        .map_err(|e| key_error(&path, format!("not a signer key: {e}")))?;
    if let Some(origin) = origin {
        if signer.name() != origin {
            return Err(key_error(
                &path,
                format!(
                    "the key is named {:?} but the ledger's origin is {origin:?}",
                    signer.name()
                ),
            ));
        }
    }
    let verifier = signer.verifier().verifier_key();
    match recorded {
        Some(recorded) if recorded.as_ref() != verifier.as_bytes() => Err(key_error(
            &path,
            format!(
                "the key's verifier key is {verifier}, but this ledger signs with {}",
                String::from_utf8_lossy(&recorded)
            ),
        )),
        Some(_) => Ok(signer),
        None => {
            // A key file placed by hand into a ledger that predates signed checkpoints:
            // from now on it is this ledger's key.
            trees.meta.insert(LOG_KEY, verifier.as_bytes())?;
            trees.db.flush()?;
            Ok(signer)
        }
    }
}

fn key_error(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::SigningKey {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Writes `name` in `dir` through a temporary file renamed into place, so the file is
/// never half-written; `secret` files are created with mode 0600 from the start.
fn write_file(
    dir: &Path,
    name: &str,
    text: &str,
    secret: bool,
    durability: Durability,
) -> Result<(), StoreError> {
    let path = dir.join(name);
    let partial: PathBuf = dir.join(format!("{name}.partial"));
    match std::fs::remove_file(&partial) {
        Ok(()) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(StoreError::io(&partial, e)),
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file: File = options
        .open(&partial)
        .map_err(|e| StoreError::io(&partial, e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| StoreError::io(&partial, e))?;
    if durability == Durability::Fsync {
        file.sync_all().map_err(|e| StoreError::io(&partial, e))?;
    }
    drop(file);
    std::fs::rename(&partial, &path).map_err(|e| StoreError::io(&path, e))?;
    if durability == Durability::Fsync {
        sync_dir(dir)?;
    }
    Ok(())
}
