//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 keys, in
//! the exact text formats of golang.org/x/mod/sumdb/note: verifier keys
//! `name+keyid+base64(0x01 || public key)`, signer keys
//! `PRIVATE+KEY+name+keyid+base64(0x01 || seed)`, and notes made of the text,
//! a blank line and `— name base64(keyid || signature)` lines.
//!
//! It must never return note text that no trusted key has verified, never
//! accept a note in which a trusted key's signature fails, and never print a
//! seed through `Debug`.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::NoteError;

/// Signature type byte of Ed25519 in the signed-note spec.
const ALG_ED25519: u8 = 0x01;

/// Prefix of every signature line: EM DASH (U+2014) and a space.
const SIG_PREFIX: &str = "\u{2014} ";

/// The most signature lines [`open`] will look at, as in Go's note package;
/// the spec requires accepting at least 16.
pub const MAX_SIGNATURES: usize = 100;

/// A key name is non-empty and has no Unicode space or plus, because both
/// act as separators in key strings and signature lines. Control characters
/// are refused too, since a note may not contain them.
fn check_name(name: &str) -> Result<(), NoteError> {
    let bad = |c: char| c.is_whitespace() || c == '+' || c.is_control();
    if name.is_empty() || name.chars().any(bad) {
        return Err(NoteError::InvalidKeyName);
    }
    Ok(())
}

/// The key id: the first four bytes, big-endian, of
/// SHA-256(name || "\n" || 0x01 || 32-byte public key).
fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ALG_ED25519]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Parses exactly eight lowercase hex digits, the only form this crate (and
/// Go's note package) writes key ids in.
fn parse_key_id(text: &str) -> Result<u32, NoteError> {
    let well_formed = text.len() == 8
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Err(NoteError::MalformedKey(
            "key id is not 8 lowercase hex digits",
        ));
    }
    u32::from_str_radix(text, 16).map_err(|_| NoteError::MalformedKey("bad key id"))
}

/// Decodes base64(0x01 || 32 bytes), the key material of both key strings.
fn parse_key_material(text: &str) -> Result<[u8; 32], NoteError> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|_| NoteError::MalformedKey("key is not valid base64"))?;
    match bytes.split_first() {
        Some((&ALG_ED25519, key)) => <[u8; 32]>::try_from(key)
            .map_err(|_| NoteError::MalformedKey("Ed25519 key is not 32 bytes")),
        Some((&alg, _)) => Err(NoteError::UnsupportedAlgorithm(alg)),
        None => Err(NoteError::MalformedKey("key is empty")),
    }
}

/// base64(0x01 || 32 bytes), the inverse of [`parse_key_material`].
fn encode_key_material(key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(ALG_ED25519);
    bytes.extend_from_slice(key);
    STANDARD.encode(bytes)
}

/// A trusted Ed25519 public key with its note name and key id.
#[derive(Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl NoteVerifier {
    /// Builds a verifier from a name and a raw Ed25519 public key.
    pub fn from_public_key(name: &str, public_key: [u8; 32]) -> Result<Self, NoteError> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(&public_key)
            .map_err(|_| NoteError::MalformedKey("not an Ed25519 public key"))?;
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, &public_key),
            key,
        })
    }

    /// Parses a verifier key `name+keyid+base64(0x01 || public key)` and
    /// checks that the key id matches the name and key.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        // The base64 part may itself contain '+', so split only twice.
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(material)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(NoteError::MalformedKey("expected name+keyid+key"));
        };
        check_name(name)?;
        let id = parse_key_id(id)?;
        let public_key = parse_key_material(material)?;
        let verifier = Self::from_public_key(name, public_key)?;
        if verifier.key_id != id {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(verifier)
    }

    /// The verifier key string, as accepted by [`NoteVerifier::parse`].
    pub fn verifier_key(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key_material(self.key.as_bytes())
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }
}

impl fmt::Debug for NoteVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("NoteVerifier")
            .field(&self.verifier_key())
            .finish()
    }
}

/// An Ed25519 signing key with its note name and key id.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl NoteSigner {
    /// Builds a signer from a name and a 32-byte Ed25519 seed (the RFC 8032
    /// private key).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, NoteError> {
        check_name(name)?;
        let key = SigningKey::from_bytes(&seed);
        let key_id = key_id(name, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// Parses a signer key `PRIVATE+KEY+name+keyid+base64(0x01 || seed)` and
    /// checks that the key id matches the public key derived from the seed.
    pub fn parse(skey: &str) -> Result<Self, NoteError> {
        let mut parts = skey.splitn(5, '+');
        let (Some("PRIVATE"), Some("KEY"), Some(name), Some(id), Some(material)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(NoteError::MalformedKey(
                "expected PRIVATE+KEY+name+keyid+key",
            ));
        };
        check_name(name)?;
        let id = parse_key_id(id)?;
        let signer = Self::from_seed(name, parse_key_material(material)?)?;
        if signer.key_id != id {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(signer)
    }

    /// The signer key string, as accepted by [`NoteSigner::parse`]. It
    /// contains the seed, so it belongs in a secret store only.
    pub fn signer_key(&self) -> String {
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key_material(self.key.as_bytes())
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Signs `text` and returns the complete note: the text, a blank line and
    /// one signature line. Ed25519 is deterministic, so the same text always
    /// gives the same note. The text must be non-empty, end with a newline
    /// and contain no control character other than newline, because
    /// [`open`] would refuse anything else.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        if !text.ends_with('\n') {
            return Err(NoteError::Malformed("text must end with a newline"));
        }
        if has_forbidden_control(text) {
            return Err(NoteError::Malformed("text contains a control character"));
        }
        let signature = self.key.sign(text.as_bytes());
        let mut blob = Vec::with_capacity(4 + 64);
        blob.extend_from_slice(&self.key_id.to_be_bytes());
        blob.extend_from_slice(&signature.to_bytes());
        Ok(format!(
            "{text}\n{SIG_PREFIX}{} {}\n",
            self.name,
            STANDARD.encode(blob)
        ))
    }
}

impl fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

/// The signed-note spec forbids ASCII control characters other than newline.
fn has_forbidden_control(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20 && b != b'\n')
}

/// A note whose text at least one trusted key has signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedNote {
    /// The signed text, including its final newline.
    pub text: String,
    /// Names of the trusted keys whose signatures verified, in note order,
    /// each once.
    pub verified_by: Vec<String>,
}

/// Parses a signed note and verifies it against the trusted `verifiers`.
///
/// Signatures from unknown keys (no verifier with the same name and key id)
/// are ignored, as the spec requires. A failing signature from a trusted key
/// rejects the whole note, and a note with no verified signature is rejected.
pub fn open(note: &str, verifiers: &[NoteVerifier]) -> Result<OpenedNote, NoteError> {
    if has_forbidden_control(note) {
        return Err(NoteError::Malformed("note contains a control character"));
    }
    // The text ends at the last blank line; it keeps its final newline.
    let split = note
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("no blank line before signatures"))?;
    let (text, signatures) = (&note[..=split], &note[split + 2..]);
    let Some(signatures) = signatures.strip_suffix('\n') else {
        return Err(NoteError::Malformed("signatures must end with a newline"));
    };
    let mut verified_by: Vec<String> = Vec::new();
    for (count, line) in signatures.split('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(NoteError::Malformed("too many signatures"));
        }
        let line = line.strip_prefix(SIG_PREFIX).ok_or(NoteError::Malformed(
            "signature line must start with an em dash",
        ))?;
        let (name, encoded) = line
            .split_once(' ')
            .ok_or(NoteError::Malformed("signature line has no signature"))?;
        check_name(name).map_err(|_| NoteError::Malformed("bad key name in signature"))?;
        let blob = STANDARD
            .decode(encoded)
            .map_err(|_| NoteError::Malformed("signature is not valid base64"))?;
        let Some((id, signature)) = blob.split_first_chunk::<4>() else {
            return Err(NoteError::Malformed("signature is too short"));
        };
        if signature.is_empty() {
            return Err(NoteError::Malformed("signature is too short"));
        }
        let id = u32::from_be_bytes(*id);
        let mut matching = verifiers
            .iter()
            .filter(|v| v.name == name && v.key_id == id);
        let Some(verifier) = matching.next() else {
            continue;
        };
        if matching.next().is_some() {
            return Err(NoteError::AmbiguousKey {
                name: name.to_owned(),
                key_id: id,
            });
        }
        let invalid = || NoteError::InvalidSignature {
            name: name.to_owned(),
            key_id: id,
        };
        let signature = <[u8; 64]>::try_from(signature).map_err(|_| invalid())?;
        verifier
            .key
            .verify_strict(text.as_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| invalid())?;
        if !verified_by.iter().any(|seen| seen == name) {
            verified_by.push(name.to_owned());
        }
    }
    if verified_by.is_empty() {
        return Err(NoteError::NoVerifiedSignature);
    }
    Ok(OpenedNote {
        text: text.to_owned(),
        verified_by,
    })
}
