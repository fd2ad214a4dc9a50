//! Where the audited log comes from: a server's public read API over HTTP, or a C2SP
//! tlog-tiles directory (a mirror, an export, a cache), behind one [`Source`] trait.
//!
//! Everything above this module (tree, chain, tallies, proofs) is written once against
//! the trait, so the directory tests exercise the same code the server path runs. The
//! only things a server adds are its own proofs and its round results; a directory
//! answers proofs from its hash tiles instead. This module must never trust what it
//! fetches (every answer is checked by the caller against the signed checkpoint) and
//! never read more bytes than the answer may legitimately hold, so a hostile server
//! cannot make the auditor allocate without bound.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use ledger_core::RoundId;
use ledger_tlog::{decode_entry_bundle, Hash, TileKind, TileRef, TILE_WIDTH};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::tree;

/// The largest checkpoint note accepted; real ones are a few hundred bytes.
pub const MAX_NOTE_BYTES: u64 = 64 * 1024;

/// The largest JSON answer accepted (proofs, round results).
pub const MAX_JSON_BYTES: u64 = 1024 * 1024;

/// The most hashes a proof may carry: a tree of at most 2^40 leaves needs at most 40 for
/// an inclusion proof and about twice that for a consistency proof.
pub const MAX_PROOF_HASHES: usize = 128;

/// Bytes of one entry in a bundle at most: a u16 length and up to 65,535 bytes.
const MAX_BUNDLED_ENTRY: u64 = 2 + 65_535;

/// An inclusion proof as a source answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionAnswer {
    /// The leaf hash the source claims for the entry.
    pub leaf_hash: Hash,
    /// The path from the leaf to the root, in RFC 9162 order.
    pub proof: Vec<Hash>,
}

/// `GET /v1/log/proof/consistency?from=M&to=N`.
#[derive(Debug, Deserialize)]
struct ConsistencyWire {
    from: u64,
    to: u64,
    proof: Vec<String>,
}

/// `GET /v1/log/proof/inclusion?index=I&size=N`.
#[derive(Debug, Deserialize)]
struct InclusionWire {
    index: u64,
    size: u64,
    leaf_hash: String,
    proof: Vec<String>,
}

/// A count in a round result: libraries and the inhabitants they represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct CountWire {
    /// Libraries.
    pub libraries: u64,
    /// Inhabitants.
    pub inhabitants: u64,
}

/// An exact share in a round result; the display strings are ignored on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ShareWire {
    /// The part.
    pub numerator: u64,
    /// The whole.
    pub denominator: u64,
}

/// The fields of `GET /v1/rounds/{id}/result` the audit compares; other fields are
/// ignored so the server may add more.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RoundResultWire {
    /// Yes votes; null while the round is open without live results.
    pub yes: Option<CountWire>,
    /// No votes; null while the round is open without live results.
    pub no: Option<CountWire>,
    /// Abstentions; null while the round is open without live results.
    pub abstain: Option<CountWire>,
    /// Libraries that voted.
    pub cast: CountWire,
    /// The frozen electorate.
    pub eligible: CountWire,
    /// `adopted`, `rejected` or `pending`.
    pub outcome: String,
    /// Whether the result is certified.
    pub certified: bool,
    /// Yes inhabitants over represented inhabitants; null when nobody is represented.
    pub yes_share_of_represented_inhabitants: Option<ShareWire>,
}

/// A place the log can be read from.
pub trait Source {
    /// Where the data comes from, for the report and error messages.
    fn describe(&self) -> String;

    /// The current checkpoint as signed-note text.
    fn checkpoint(&self) -> Result<String>;

    /// The body of the resource at `path` (a canonical tile path such as
    /// `tile/entries/000.p/5`), or `None` when the source does not have it. More than
    /// `limit` bytes is an error.
    fn fetch(&self, path: &str, limit: u64) -> Result<Option<Vec<u8>>>;

    /// A consistency proof from size `old` to size `new`. A directory computes it from
    /// its hash tiles; a server answers its proof endpoint.
    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        tree::consistency_from_tiles(self, old, new)
    }

    /// An inclusion proof of leaf `index` in the tree of `size` leaves.
    fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionAnswer> {
        tree::inclusion_from_tiles(self, index, size)
    }

    /// Whether this source serves round results (a server's read API does, a tiles
    /// directory does not).
    fn serves_results(&self) -> bool {
        false
    }

    /// The source's result for `round` as of `at` records, or `None` when it has none.
    fn round_result(&self, _round: &RoundId, _at: u64) -> Result<Option<RoundResultWire>> {
        Ok(None)
    }
}

/// Exactly `width` hashes of a hash tile, or `None` when the source serves neither the
/// tile nor (for a partial tile) the full tile that replaced it.
pub fn hash_tile<S: Source + ?Sized>(
    source: &S,
    level: u8,
    index: u64,
    width: u16,
) -> Result<Option<Vec<Hash>>> {
    let tile = TileRef::new(TileKind::Hashes { level }, index, width)?;
    let Some((body, fetched)) = fetch_tile(source, tile, u64::from(width) * 32)? else {
        return Ok(None);
    };
    let served = body.len() / 32;
    if body.len() % 32 != 0 || served != usize::from(fetched.width()) {
        bail!(
            "{} holds {} bytes, expected {} hashes of 32 bytes",
            fetched.path(),
            body.len(),
            fetched.width()
        );
    }
    let hashes = body
        .chunks_exact(32)
        .take(usize::from(width))
        .map(|chunk| {
            let mut bytes = [0u8; 32];
            bytes.copy_from_slice(chunk);
            Hash(bytes)
        })
        .collect();
    Ok(Some(hashes))
}

/// Exactly `width` entries of entry bundle `index`; a missing bundle is an error, since
/// without it the log cannot be checked.
pub fn entry_bundle<S: Source + ?Sized>(
    source: &S,
    index: u64,
    width: u16,
) -> Result<Vec<Vec<u8>>> {
    let tile = TileRef::new(TileKind::Entries, index, width)?;
    let limit = u64::from(width) * MAX_BUNDLED_ENTRY;
    let Some((body, fetched)) = fetch_tile(source, tile, limit)? else {
        bail!("{} does not serve {}", source.describe(), tile.path());
    };
    let entries = decode_entry_bundle(&body).with_context(|| fetched.path())?;
    if entries.len() != usize::from(fetched.width()) {
        bail!(
            "{} holds {} entries, expected {}",
            fetched.path(),
            entries.len(),
            fetched.width()
        );
    }
    Ok(entries
        .into_iter()
        .take(usize::from(width))
        .map(<[u8]>::to_vec)
        .collect())
}

/// Fetches `tile`; when a partial tile is gone, falls back to the full tile that the
/// C2SP spec lets a log publish in its place (its first entries are the same). Returns
/// the body and the tile actually fetched.
fn fetch_tile<S: Source + ?Sized>(
    source: &S,
    tile: TileRef,
    limit_for_width: u64,
) -> Result<Option<(Vec<u8>, TileRef)>> {
    if let Some(body) = source.fetch(&tile.path(), limit_for_width)? {
        return Ok(Some((body, tile)));
    }
    if !tile.is_partial() {
        return Ok(None);
    }
    let full = TileRef::new(tile.kind(), tile.index(), TILE_WIDTH)?;
    let limit = limit_for_width / u64::from(tile.width()) * u64::from(TILE_WIDTH);
    Ok(source.fetch(&full.path(), limit)?.map(|body| (body, full)))
}

/// Reads at most `limit` bytes; one more is an error naming `what`.
fn read_bounded(reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut body)
        .with_context(|| format!("reading {what}"))?;
    if body.len() as u64 > limit {
        bail!("{what} is larger than the {limit} bytes it may have");
    }
    Ok(body)
}

/// Decodes the base64 hashes of a proof, refusing absurd lengths.
pub fn decode_hashes(encoded: &[String], what: &str) -> Result<Vec<Hash>> {
    if encoded.len() > MAX_PROOF_HASHES {
        bail!(
            "{what} has {} hashes, more than any tree of at most 2^40 leaves needs",
            encoded.len()
        );
    }
    encoded
        .iter()
        .map(|text| Hash::from_base64(text).map_err(|e| anyhow!("{what}: {e}")))
        .collect()
}

/// Decodes one standard base64 hash.
pub fn decode_hash(text: &str, what: &str) -> Result<Hash> {
    Hash::from_base64(text).map_err(|e| anyhow!("{what}: {e}"))
}

/// A C2SP tlog-tiles directory: `checkpoint` and `tile/...` files.
#[derive(Debug)]
pub struct DirectorySource {
    root: PathBuf,
}

impl DirectorySource {
    /// The directory at `root`.
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }
}

impl Source for DirectorySource {
    fn describe(&self) -> String {
        format!("tiles directory {}", self.root.display())
    }

    fn checkpoint(&self) -> Result<String> {
        let path = self.root.join("checkpoint");
        let file = File::open(&path).with_context(|| format!("opening {}", path.display()))?;
        let body = read_bounded(file, MAX_NOTE_BYTES, "the checkpoint")?;
        String::from_utf8(body).map_err(|_| anyhow!("{} is not UTF-8", path.display()))
    }

    fn fetch(&self, path: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        // Only canonical tile paths reach here (built by `TileRef::path`), so joining
        // them cannot leave the directory.
        let full = self.root.join(path);
        match File::open(&full) {
            Ok(file) => read_bounded(file, limit, path).map(Some),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("opening {}", full.display())),
        }
    }
}

/// A ledger server's public read API.
#[derive(Debug)]
pub struct ServerSource {
    base: String,
    agent: ureq::Agent,
}

impl ServerSource {
    /// The server at `base`, e.g. `https://bibliotheken.example`.
    pub fn new(base: &str) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            .build();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }

    /// GETs `path` (starting with `/`); `None` on 404.
    fn get(&self, path: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        let url = format!("{}{}", self.base, path);
        match self.agent.get(&url).call() {
            Ok(response) => read_bounded(response.into_reader(), limit, &url).map(Some),
            Err(ureq::Error::Status(404, _)) => Ok(None),
            Err(ureq::Error::Status(code, _)) => bail!("GET {url} answered HTTP {code}"),
            Err(e) => Err(anyhow!("GET {url} failed: {e}")),
        }
    }

    /// GETs `path` and parses its JSON; a 404 is an error naming the URL.
    fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let body = self
            .get(path, MAX_JSON_BYTES)?
            .ok_or_else(|| anyhow!("GET {}{path} answered HTTP 404", self.base))?;
        serde_json::from_slice(&body)
            .map_err(|e| anyhow!("GET {}{path} returned unexpected JSON: {e}", self.base))
    }
}

impl Source for ServerSource {
    fn describe(&self) -> String {
        format!("server {}", self.base)
    }

    fn checkpoint(&self) -> Result<String> {
        let body = self
            .get("/v1/log/checkpoint", MAX_NOTE_BYTES)?
            .ok_or_else(|| anyhow!("GET {}/v1/log/checkpoint answered HTTP 404", self.base))?;
        String::from_utf8(body).map_err(|_| anyhow!("the checkpoint is not UTF-8"))
    }

    fn fetch(&self, path: &str, limit: u64) -> Result<Option<Vec<u8>>> {
        self.get(&format!("/v1/log/{path}"), limit)
    }

    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        let wire: ConsistencyWire =
            self.get_json(&format!("/v1/log/proof/consistency?from={old}&to={new}"))?;
        if (wire.from, wire.to) != (old, new) {
            bail!(
                "asked for a consistency proof from {old} to {new}, got one from {} to {}",
                wire.from,
                wire.to
            );
        }
        decode_hashes(&wire.proof, "consistency proof")
    }

    fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionAnswer> {
        let wire: InclusionWire = self.get_json(&format!(
            "/v1/log/proof/inclusion?index={index}&size={size}"
        ))?;
        if (wire.index, wire.size) != (index, size) {
            bail!(
                "asked for an inclusion proof of {index} in {size}, got one of {} in {}",
                wire.index,
                wire.size
            );
        }
        Ok(InclusionAnswer {
            leaf_hash: decode_hash(&wire.leaf_hash, "leaf_hash")?,
            proof: decode_hashes(&wire.proof, "inclusion proof")?,
        })
    }

    fn serves_results(&self) -> bool {
        true
    }

    fn round_result(&self, round: &RoundId, at: u64) -> Result<Option<RoundResultWire>> {
        let path = format!(
            "/v1/rounds/{}/result?at={at}",
            encode_segment(round.as_str())
        );
        let Some(body) = self.get(&path, MAX_JSON_BYTES)? else {
            return Ok(None);
        };
        serde_json::from_slice(&body)
            .map(Some)
            .map_err(|e| anyhow!("GET {}{path} returned unexpected JSON: {e}", self.base))
    }
}

/// Percent-encodes a path segment. Valid ids need no encoding, but a damaged log could
/// hold any text, and it must not change the request's path.
fn encode_segment(text: &str) -> String {
    // A segment of only dots would still climb the path, so its dots are escaped too.
    let only_dots = text.bytes().all(|b| b == b'.');
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let plain = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'~' | b':')
            || (byte == b'.' && !only_dots);
        if plain {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_ids_and_escape_the_rest() {
        assert_eq!(encode_segment("r-2023.05:a_b"), "r-2023.05:a_b");
        assert_eq!(encode_segment("../x y"), "..%2Fx%20y");
        assert_eq!(encode_segment(".."), "%2E%2E");
    }

    #[test]
    fn bounded_reads_refuse_one_byte_more() {
        assert_eq!(read_bounded(&b"abc"[..], 3, "x").unwrap(), b"abc");
        assert!(read_bounded(&b"abcd"[..], 3, "x").is_err());
    }
}
