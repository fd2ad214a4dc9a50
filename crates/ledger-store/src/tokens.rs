//! The token book: which bearer tokens may write through the API, for which actor and in
//! which role, kept in `DIR/tokens.json` beside the database and outside the event log.
//!
//! Who holds a role is public and recorded in the log (`role_granted` / `role_revoked`);
//! the secret that proves "I am this actor" is not. A token is shown once when it is
//! issued (`lgt_` and 43 base64url characters: 32 random bytes from the OS) and only its
//! BLAKE3 hash is stored, so the file lets nobody write. Lookups hash the presented token
//! and compare `blake3::Hash` values, whose equality is constant-time.
//!
//! # The file (`tokens.json`)
//!
//! ```json
//! {
//!   "format": "governance-ledger tokens v1",
//!   "tokens": [
//!     {"token_hash": "<64 lowercase hex: BLAKE3 of the token's UTF-8 text>",
//!      "actor": "acc-lib-11002", "role": "library:lib-11002",
//!      "issued_at": "2023-05-08T09:00:00Z", "revoked_at": null}
//!   ]
//! }
//! ```
//!
//! `role` is [`Role::label`]. Revoked entries stay, with the instant of revocation. The
//! file is replaced atomically (temporary file, `fsync`, rename, `fsync` of the directory)
//! under an exclusive lock on `tokens.lock`, never on `ledger.lock`: `ledger token issue`
//! works while `ledger serve` holds the ledger. A reader re-reads the file whenever its
//! size, modification time or inode changed, so an issued or revoked token counts from
//! the next request on.
//!
//! This module must never write a token in clear, never put a token or its hash into the
//! log, and never decide what a role may do (that is `Command::required_roles` and
//! `decide`).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use fs4::fs_std::FileExt;
use ledger_core::{check_id, ActorId, Role, Timestamp};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::layout::DB_FILE;

/// The token book's file inside a ledger directory.
pub const TOKENS_FILE: &str = "tokens.json";

/// The lock file that serialises writers of [`TOKENS_FILE`].
pub const TOKENS_LOCK_FILE: &str = "tokens.lock";

/// The `format` marker of the token book's file.
pub const TOKENS_FORMAT: &str = "governance-ledger tokens v1";

/// Every token starts with this, so a leaked one is easy to recognise (and to scan for).
pub const TOKEN_PREFIX: &str = "lgt_";

/// Why the token book could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The directory does not hold a ledger, so tokens for it make no sense.
    #[error("{dir} is not a ledger directory")]
    NotALedger {
        /// The directory.
        dir: PathBuf,
    },
    /// A file-system operation failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a token book this code can read.
    #[error("{path} is not a valid token book: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The actor id breaks the ledger's id syntax.
    #[error("invalid actor id {actor:?}: use 1 to 128 of A-Z a-z 0-9 . _ : -")]
    InvalidActor {
        /// The id given (truncated).
        actor: String,
    },
    /// A hash prefix that names more than one active token.
    #[error("the hash prefix {prefix} matches {count} active tokens; give more characters")]
    Ambiguous {
        /// The prefix given.
        prefix: String,
        /// How many active tokens it matches.
        count: usize,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> TokenError + '_ {
    move |source| TokenError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// One issued token as the book keeps it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenEntry {
    /// BLAKE3 of the token's text, 64 lowercase hex.
    pub token_hash: String,
    /// The actor the token authenticates.
    pub actor: ActorId,
    /// The role the token acts in.
    pub role: Role,
    /// When it was issued.
    pub issued_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

impl TokenEntry {
    /// Whether the token still authenticates.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// What a valid token proves: who acts, in which role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    /// The actor.
    pub actor: ActorId,
    /// The role the token was issued for.
    pub role: Role,
    /// The token's hash: identifies the token (e.g. for a rate limit) without being it.
    pub key: [u8; 32],
}

/// Which tokens `revoke` ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSelector {
    /// Every active token of the actor.
    Actor(ActorId),
    /// The one active token whose hash starts with these hex characters.
    HashPrefix(String),
    /// The token itself.
    Token(String),
}

/// The token book of one ledger directory. Cheap to read often: the file is re-read only
/// when it changed.
#[derive(Debug)]
pub struct TokenBook {
    path: PathBuf,
    lock_path: PathBuf,
    cache: Mutex<Cache>,
}

#[derive(Debug, Default)]
struct Cache {
    stamp: Option<Stamp>,
    loaded: bool,
    entries: Vec<(blake3::Hash, TokenEntry)>,
}

/// What tells one version of the file from the next without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
    changed: (i64, i64),
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (inode, changed) = {
            use std::os::unix::fs::MetadataExt;
            (metadata.ino(), (metadata.ctime(), metadata.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (inode, changed) = (0, (0, 0));
        Stamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            inode,
            changed,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredBook {
    format: String,
    tokens: Vec<StoredEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredEntry {
    token_hash: String,
    actor: ActorId,
    role: String,
    issued_at: Timestamp,
    revoked_at: Option<Timestamp>,
}

/// BLAKE3 of `token`'s text as 64 lowercase hex: what the book stores for it (the same
/// as `printf %s TOKEN | b3sum`).
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// A fresh token: [`TOKEN_PREFIX`] and 32 random bytes from the OS in base64url.
fn new_token() -> String {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret))
}

impl TokenBook {
    /// The token book of the ledger in `dir`; the directory must hold a ledger. Nothing
    /// is created until a token is issued.
    pub fn open(dir: &Path) -> Result<TokenBook, TokenError> {
        if !dir.join(DB_FILE).is_file() {
            return Err(TokenError::NotALedger {
                dir: dir.to_path_buf(),
            });
        }
        Ok(TokenBook {
            path: dir.join(TOKENS_FILE),
            lock_path: dir.join(TOKENS_LOCK_FILE),
            cache: Mutex::new(Cache::default()),
        })
    }

    /// The book's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Issues a new token for `actor` acting as `role` and returns it. This is the only
    /// time the token exists in clear: the book keeps its hash.
    ///
    /// The role is not checked against the log: granting it is a separate, public
    /// command, and a token whose role the log does not show is refused when used.
    pub fn issue(
        &self,
        actor: &ActorId,
        role: &Role,
        now: Timestamp,
    ) -> Result<String, TokenError> {
        if check_id("actor", actor.as_str()).is_err() {
            return Err(TokenError::InvalidActor {
                actor: actor.as_str().chars().take(128).collect(),
            });
        }
        let token = new_token();
        let entry = TokenEntry {
            token_hash: token_hash(&token),
            actor: actor.clone(),
            role: role.clone(),
            issued_at: now,
            revoked_at: None,
        };
        self.update(|entries| {
            entries.push(entry);
            Ok(())
        })?;
        Ok(token)
    }

    /// Revokes the active tokens `selector` names and returns them as revoked; an empty
    /// list when none matched.
    pub fn revoke(
        &self,
        selector: &TokenSelector,
        now: Timestamp,
    ) -> Result<Vec<TokenEntry>, TokenError> {
        let wanted = match selector {
            TokenSelector::Token(token) => Some(token_hash(token)),
            _ => None,
        };
        self.update(|entries| {
            let matches = |e: &TokenEntry| match selector {
                TokenSelector::Actor(actor) => e.actor == *actor,
                TokenSelector::HashPrefix(prefix) => {
                    !prefix.is_empty() && e.token_hash.starts_with(&prefix.to_ascii_lowercase())
                }
                TokenSelector::Token(_) => Some(&e.token_hash) == wanted.as_ref(),
            };
            let chosen: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_active() && matches(e))
                .map(|(i, _)| i)
                .collect();
            if let TokenSelector::HashPrefix(prefix) = selector {
                if chosen.len() > 1 {
                    return Err(TokenError::Ambiguous {
                        prefix: prefix.clone(),
                        count: chosen.len(),
                    });
                }
            }
            let mut revoked = Vec::with_capacity(chosen.len());
            for i in chosen {
                if let Some(entry) = entries.get_mut(i) {
                    entry.revoked_at = Some(now);
                    revoked.push(entry.clone());
                }
            }
            Ok(revoked)
        })
    }

    /// Every token ever issued, active or revoked, in issue order (no secrets).
    pub fn list(&self) -> Result<Vec<TokenEntry>, TokenError> {
        self.read_file()
            .map(|entries| entries.into_iter().map(|(_, e)| e).collect())
    }

    /// Who `token` authenticates, or `None` for an unknown or revoked token. Re-reads the
    /// file first if it changed since the last call.
    pub fn authenticate(&self, token: &str) -> Result<Option<TokenGrant>, TokenError> {
        let presented = blake3::hash(token.as_bytes());
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let stamp = match std::fs::metadata(&self.path) {
            Ok(metadata) => Some(Stamp::of(&metadata)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_error(&self.path)(e)),
        };
        if !cache.loaded || cache.stamp != stamp {
            // Stamp first, then read: if the file changes in between, the next call sees
            // a stamp that differs from the one kept and reads again.
            cache.entries = self.read_file()?;
            cache.stamp = stamp;
            cache.loaded = true;
        }
        // `blake3::Hash` compares in constant time, so the comparison leaks nothing about
        // how much of a guessed token's hash matched.
        Ok(cache
            .entries
            .iter()
            .find(|(hash, entry)| *hash == presented && entry.is_active())
            .map(|(hash, entry)| TokenGrant {
                actor: entry.actor.clone(),
                role: entry.role.clone(),
                key: *hash.as_bytes(),
            }))
    }

    /// Reads the file; a missing file is an empty book.
    fn read_file(&self) -> Result<Vec<(blake3::Hash, TokenEntry)>, TokenError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&self.path)(e)),
        };
        let malformed = |reason: String| TokenError::Malformed {
            path: self.path.clone(),
            reason,
        };
        let book: StoredBook = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
        if book.format != TOKENS_FORMAT {
            return Err(malformed(format!(
                "format is {:?}, expected {TOKENS_FORMAT:?}",
                book.format
            )));
        }
        book.tokens
            .into_iter()
            .enumerate()
            .map(|(i, stored)| {
                let hash = blake3::Hash::from_hex(&stored.token_hash).map_err(|_| {
                    malformed(format!("token {i}: token_hash is not 64 hex characters"))
                })?;
                let role = Role::parse_label(&stored.role).ok_or_else(|| {
                    malformed(format!("token {i}: unknown role {:?}", stored.role))
                })?;
                Ok((
                    hash,
                    TokenEntry {
                        token_hash: hash.to_hex().to_string(),
                        actor: stored.actor,
                        role,
                        issued_at: stored.issued_at,
                        revoked_at: stored.revoked_at,
                    },
                ))
            })
            .collect()
    }

    /// Reads, changes and atomically replaces the file under the token lock.
    fn update<T>(
        &self,
        change: impl FnOnce(&mut Vec<TokenEntry>) -> Result<T, TokenError>,
    ) -> Result<T, TokenError> {
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock_path)
            .map_err(io_error(&self.lock_path))?;
        // Writers wait for each other (an issue takes milliseconds); readers never lock.
        FileExt::lock_exclusive(&lock).map_err(io_error(&self.lock_path))?;
        let result = self.update_locked(change);
        let _ = FileExt::unlock(&lock);
        result
    }

    fn update_locked<T>(
        &self,
        change: impl FnOnce(&mut Vec<TokenEntry>) -> Result<T, TokenError>,
    ) -> Result<T, TokenError> {
        let mut entries: Vec<TokenEntry> = self.read_file()?.into_iter().map(|(_, e)| e).collect();
        let answer = change(&mut entries)?;
        let book = StoredBook {
            format: TOKENS_FORMAT.to_owned(),
            tokens: entries
                .into_iter()
                .map(|e| StoredEntry {
                    token_hash: e.token_hash,
                    actor: e.actor,
                    role: e.role.label(),
                    issued_at: e.issued_at,
                    revoked_at: e.revoked_at,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&book).map_err(|e| TokenError::Malformed {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        text.push('\n');
        self.replace_file(text.as_bytes())?;
        Ok(answer)
    }

    /// Temporary file, `fsync`, rename over the book, `fsync` of the directory: a crash
    /// leaves the old book or the new one, never a mix.
    fn replace_file(&self, bytes: &[u8]) -> Result<(), TokenError> {
        let temp = self.path.with_extension("json.tmp");
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Hashes are not secrets, but who holds tokens is nobody else's business.
            options.mode(0o600);
        }
        let mut file = options.open(&temp).map_err(io_error(&temp))?;
        file.write_all(bytes).map_err(io_error(&temp))?;
        file.sync_all().map_err(io_error(&temp))?;
        drop(file);
        std::fs::rename(&temp, &self.path).map_err(io_error(&self.path))?;
        if let Some(dir) = self.path.parent() {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io_error(dir))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledger_core::LibraryId;

    fn book() -> (tempfile::TempDir, TokenBook) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DB_FILE), b"").unwrap();
        let book = TokenBook::open(dir.path()).unwrap();
        (dir, book)
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_micros(1_683_536_400_000_000).plus_seconds(seconds)
    }

    #[test]
    fn an_issued_token_authenticates_its_actor_and_role_and_is_not_stored() {
        let (_dir, book) = book();
        let role = Role::Library(LibraryId::new("lib-11002"));
        let token = book
            .issue(&ActorId::new("acc-11002"), &role, at(0))
            .unwrap();
        assert!(token.starts_with(TOKEN_PREFIX));
        assert_eq!(token.len(), TOKEN_PREFIX.len() + 43);
        let grant = book.authenticate(&token).unwrap().unwrap();
        assert_eq!(grant.actor, ActorId::new("acc-11002"));
        assert_eq!(grant.role, role);

        let text = std::fs::read_to_string(book.path()).unwrap();
        assert!(!text.contains(&token[TOKEN_PREFIX.len()..]));
        assert!(text.contains(&token_hash(&token)));
        assert!(text.contains("\"library:lib-11002\""));
        assert_eq!(book.authenticate("lgt_guess").unwrap(), None);
        // A token differing in its last character is a different token.
        let mut near = token.clone();
        let last = near.pop().unwrap();
        near.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(book.authenticate(&near).unwrap(), None);
    }

    #[test]
    fn tokens_are_distinct_and_a_revoked_one_stops_at_once() {
        let (dir, book) = book();
        let actor = ActorId::new("sec");
        let first = book.issue(&actor, &Role::Secretariat, at(0)).unwrap();
        let second = book.issue(&actor, &Role::Secretariat, at(1)).unwrap();
        assert_ne!(first, second);
        assert!(book.authenticate(&first).unwrap().is_some());

        // Another handle (another process, e.g. `ledger token revoke`) changes the file.
        let other = TokenBook::open(dir.path()).unwrap();
        let revoked = other
            .revoke(&TokenSelector::Token(first.clone()), at(2))
            .unwrap();
        assert_eq!(revoked.len(), 1);
        assert_eq!(revoked[0].revoked_at, Some(at(2)));
        assert_eq!(book.authenticate(&first).unwrap(), None);
        assert!(book.authenticate(&second).unwrap().is_some());

        let listed = book.list().unwrap();
        assert_eq!(listed.len(), 2);
        assert!(!listed[0].is_active() && listed[1].is_active());
        // Revoking again matches nothing active.
        assert!(other
            .revoke(&TokenSelector::Token(first), at(3))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn revoke_by_actor_and_by_unique_hash_prefix() {
        let (_dir, book) = book();
        let a = book
            .issue(&ActorId::new("m1"), &Role::SteeringMember, at(0))
            .unwrap();
        let b = book
            .issue(&ActorId::new("m1"), &Role::SteeringMember, at(0))
            .unwrap();
        let c = book
            .issue(&ActorId::new("m2"), &Role::SteeringMember, at(0))
            .unwrap();
        assert!(matches!(
            book.revoke(&TokenSelector::HashPrefix(String::new()), at(1)),
            Ok(list) if list.is_empty()
        ));
        let prefix = token_hash(&c)[..12].to_ascii_uppercase();
        let revoked = book
            .revoke(&TokenSelector::HashPrefix(prefix), at(1))
            .unwrap();
        assert_eq!(revoked.len(), 1);
        assert_eq!(book.authenticate(&c).unwrap(), None);
        let revoked = book
            .revoke(&TokenSelector::Actor(ActorId::new("m1")), at(2))
            .unwrap();
        assert_eq!(revoked.len(), 2);
        assert_eq!(book.authenticate(&a).unwrap(), None);
        assert_eq!(book.authenticate(&b).unwrap(), None);
    }

    #[test]
    fn refuses_bad_input_and_a_directory_without_a_ledger() {
        let (dir, book) = book();
        assert!(matches!(
            book.issue(&ActorId::new("has space"), &Role::Secretariat, at(0)),
            Err(TokenError::InvalidActor { .. })
        ));
        assert!(!book.path().exists());
        std::fs::write(book.path(), "{\"format\": \"other\", \"tokens\": []}").unwrap();
        assert!(matches!(
            book.authenticate("lgt_x"),
            Err(TokenError::Malformed { .. })
        ));
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            TokenBook::open(empty.path()),
            Err(TokenError::NotALedger { .. })
        ));
        drop(dir);
    }
}
