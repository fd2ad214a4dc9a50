//! `/v1/log/...`: the transparency log, for readers who trust nothing but the log's key.
//!
//! The latest signed checkpoint (C2SP signed note over a C2SP tlog-checkpoint), the
//! verifier key, each record's stored bytes, RFC 9162 inclusion and consistency proofs
//! for any tree size up to the checkpoint's, and the static C2SP tlog-tiles layout (hash
//! tiles and entry bundles), byte for byte what `ledger export-tiles` writes. Full tiles,
//! entries and proofs never change, so they are cacheable for ever; partial tiles, the
//! checkpoint and the key are `no-cache`. This module reads the store directly (never the
//! projections) and must never answer for a tree size the latest checkpoint does not
//! cover.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, web, HttpResponse};
use ledger_store::StoreError;
use ledger_tlog::{leaf_hash, parse_tile_path, Hash, TileKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Shared;
use crate::problem::{ApiError, Problem};

/// What a signed note, a key or a checkpoint is sent as (C2SP tlog-tiles).
const TEXT: &str = "text/plain; charset=utf-8";

/// What tiles and entries are sent as.
const BINARY: &str = "application/octet-stream";

/// For what never changes once it exists: full tiles, entries, proofs at a fixed size.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// For what changes as the log grows: the checkpoint, partial tiles.
const NO_CACHE: &str = "no-cache";

fn respond(content_type: &'static str, cache: &'static str) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(content_type)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(cache)));
    builder
}

/// Maps a store error of a tree read: beyond the current tree is `not_found` (it may
/// exist later), a request no tree can answer is 400, anything else a fault.
fn tree_error(error: StoreError, not_found: impl FnOnce() -> ApiError) -> ApiError {
    match error {
        StoreError::BeyondTree { .. } => not_found(),
        StoreError::BadTreeRequest(reason) => ApiError::BadRequest(reason),
        damaged @ StoreError::Damaged { .. } => ApiError::from(damaged),
        fault => ApiError::Internal(format!("transparency log read failed: {fault}")),
    }
}

/// A tree size beyond the latest checkpoint.
fn size_not_found(state: &Shared, size: u64) -> ApiError {
    ApiError::NotFound {
        what: "tree size",
        id: format!(
            "{size} (the latest checkpoint has {})",
            state.ledger.tree_size()
        ),
    }
}

fn base64_all(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_base64).collect()
}

/// The latest signed checkpoint.
#[utoipa::path(
    get, path = "/v1/log/checkpoint", tag = "transparency",
    responses(
        (status = 200, description = "A C2SP signed note whose text is a C2SP tlog-checkpoint: origin, tree size, base64 RFC 6962 root; signed with the key of `/v1/log/key`", body = String, content_type = "text/plain; charset=utf-8"),
        (status = 503, description = "The ledger's chain is damaged: no checkpoint is signed; the problem names the first bad position; or a mirror has not verified a checkpoint of its primary yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/log/checkpoint")]
pub async fn checkpoint(state: Shared) -> Result<HttpResponse, ApiError> {
    // A ledger in quarantine signs no checkpoint; say where its chain breaks instead.
    if let Some(damage) = state.ledger.damage() {
        return Err(ApiError::Damaged {
            position: damage.position,
            reason: damage.reason.clone(),
        });
    }
    let note = state.ledger.checkpoint();
    if note.is_empty() {
        return Err(no_checkpoint_yet(&state.ledger));
    }
    Ok(respond(TEXT, NO_CACHE).body(note))
}

/// A mirror publishes its primary's checkpoints; before its first one is verified it has
/// none to serve (a primary always signs one at open).
fn no_checkpoint_yet(ledger: &ledger_store::Ledger) -> ApiError {
    ApiError::Unavailable(format!(
        "this mirror of {} has not verified a checkpoint of its primary yet",
        ledger.mirror_of().unwrap_or("its primary")
    ))
}

/// The verifier key of the log's signing key.
#[utoipa::path(
    get, path = "/v1/log/key", tag = "transparency",
    responses(
        (status = 200, description = "The C2SP verifier key `name+hexid+base64(0x01 || Ed25519 public key)` and a newline; the name is the log's origin", body = String, content_type = "text/plain; charset=utf-8"),
    )
)]
#[get("/v1/log/key")]
pub async fn key(state: Shared) -> HttpResponse {
    respond(TEXT, NO_CACHE).body(format!("{}\n", state.ledger.verifier_key()))
}

/// One record's stored bytes: the tree's leaf at that index.
#[utoipa::path(
    get, path = "/v1/log/entries/{index}", tag = "transparency",
    params(("index" = u64, Path, description = "Leaf index (the record's log position)")),
    responses(
        (status = 200, description = "The record's stored bytes, as hashed into the leaf: SHA-256(0x00 || bytes)", content_type = "application/octet-stream"),
        (status = 400, description = "Not an index", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not in the latest checkpoint's tree", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/log/entries/{index}")]
pub async fn entry(state: Shared, index: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let index = index
        .parse::<u64>()
        .map_err(|_| ApiError::BadRequest("an index is a non-negative integer".to_owned()))?;
    let bytes = state.ledger.entry(index).map_err(|e| {
        tree_error(e, || ApiError::NotFound {
            what: "entry",
            id: index.to_string(),
        })
    })?;
    Ok(respond(BINARY, IMMUTABLE).body(bytes))
}

/// `?index=I&size=N`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// The leaf index (log position) to prove.
    pub index: u64,
    /// The tree size to prove it in, at most the latest checkpoint's.
    pub size: u64,
}

/// An RFC 9162 inclusion proof.
#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionProof {
    /// The leaf index.
    pub index: u64,
    /// The tree size.
    pub size: u64,
    /// SHA-256(0x00 || record bytes), standard padded base64.
    pub leaf_hash: String,
    /// The audit path from the leaf towards the root (RFC 9162 §2.1.3), base64.
    pub proof: Vec<String>,
}

/// Proves that one record is in the tree of a given size.
#[utoipa::path(
    get, path = "/v1/log/proof/inclusion", tag = "transparency", params(InclusionQuery),
    responses(
        (status = 200, description = "The proof", body = InclusionProof),
        (status = 400, description = "Missing or malformed parameters, or an index not below the size", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A size beyond the latest checkpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/log/proof/inclusion")]
pub async fn inclusion(
    state: Shared,
    query: web::Query<InclusionQuery>,
) -> Result<HttpResponse, ApiError> {
    let InclusionQuery { index, size } = query.into_inner();
    let proof = state
        .ledger
        .inclusion_proof(index, size)
        .map_err(|e| tree_error(e, || size_not_found(&state, size)))?;
    let bytes = state
        .ledger
        .entry(index)
        .map_err(|e| tree_error(e, || size_not_found(&state, size)))?;
    let body = InclusionProof {
        index,
        size,
        leaf_hash: leaf_hash(&bytes).to_base64(),
        proof: base64_all(&proof),
    };
    Ok(respond("application/json", IMMUTABLE).json(body))
}

/// `?from=M&to=N`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The smaller tree size.
    pub from: u64,
    /// The larger tree size, at most the latest checkpoint's.
    pub to: u64,
}

/// An RFC 9162 consistency proof.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyProof {
    /// The smaller tree size.
    pub from: u64,
    /// The larger tree size.
    pub to: u64,
    /// The proof (RFC 9162 §2.1.4), base64; empty when `from` is 0 or equals `to`.
    pub proof: Vec<String>,
}

/// Proves that the tree of one size is a prefix of the tree of a larger size.
#[utoipa::path(
    get, path = "/v1/log/proof/consistency", tag = "transparency", params(ConsistencyQuery),
    responses(
        (status = 200, description = "The proof", body = ConsistencyProof),
        (status = 400, description = "Missing or malformed parameters, or `from` above `to`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "A size beyond the latest checkpoint", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/log/proof/consistency")]
pub async fn consistency(
    state: Shared,
    query: web::Query<ConsistencyQuery>,
) -> Result<HttpResponse, ApiError> {
    let ConsistencyQuery { from, to } = query.into_inner();
    let proof = state
        .ledger
        .consistency_proof(from, to)
        .map_err(|e| tree_error(e, || size_not_found(&state, to)))?;
    let body = ConsistencyProof {
        from,
        to,
        proof: base64_all(&proof),
    };
    Ok(respond("application/json", IMMUTABLE).json(body))
}

/// A C2SP tlog-tiles resource: a hash tile or an entry bundle.
#[utoipa::path(
    get, path = "/v1/log/tile/{path}", tag = "transparency",
    params(("path" = String, Path, description = "The rest of a canonical C2SP tlog-tiles path: `<L>/<N>[.p/<W>]` for a hash tile, `entries/<N>[.p/<W>]` for an entry bundle; N in 3-digit groups, all but the last prefixed by `x`")),
    responses(
        (status = 200, description = "A hash tile (W or 256 concatenated 32-byte hashes of Merkle level 8·L) or an entry bundle (per record a big-endian u16 length and its stored bytes). Full tiles are immutable; only the partial tile the current tree holds is served", content_type = "application/octet-stream"),
        (status = 404, description = "Not a canonical tile path, or not a tile of the latest checkpoint's tree", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/log/tile/{path:.*}")]
pub async fn tile(state: Shared, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let path = format!("tile/{}", path.into_inner());
    let not_found = || ApiError::NotFound {
        what: "tile",
        id: path.chars().take(128).collect(),
    };
    let tile = parse_tile_path(&path).map_err(|_| not_found())?;
    let body = match tile.kind() {
        TileKind::Hashes { level } => state.ledger.hash_tile(level, tile.index(), tile.width()),
        TileKind::Entries => state.ledger.entry_bundle(tile.index(), tile.width()),
    }
    .map_err(|e| tree_error(e, not_found))?;
    let cache = if tile.is_partial() {
        NO_CACHE
    } else {
        IMMUTABLE
    };
    Ok(respond(BINARY, cache).body(body))
}

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody;
    use actix_web::dev::{Service, ServiceResponse};
    use actix_web::http::StatusCode;
    use actix_web::test::{call_service, init_service, read_body, TestRequest};
    use ledger_core::{ActorId, Command, CommandId, Envelope, LibraryId, NisCode};
    use ledger_store::{Durability, Ledger, LedgerOptions};
    use ledger_tlog::{
        encode_entry_bundle, hash_tile, tiles_for_size, tree_root, verify_consistency,
        verify_inclusion, MemoryHashStore, NoteVerifier, SignedCheckpoint, TileRef, TILE_WIDTH,
    };
    use serde_json::Value;

    use super::{IMMUTABLE, NO_CACHE};
    use crate::{test_app, AppState};
    use actix_web::http::header;
    use actix_web::web;
    use ledger_tlog::{leaf_hash, Hash, TileKind};

    const ORIGIN: &str = "bibliotheken.example/ledger";

    /// A ledger of 2 + `libraries` records: init, then one registration per library.
    fn ledger(libraries: u32) -> (Ledger, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let options = LedgerOptions {
            durability: Durability::None,
            ..LedgerOptions::default()
        };
        let ledger =
            Ledger::init(dir.path(), ORIGIN, ActorId::new("secretariaat"), options).unwrap();
        for i in 0..libraries {
            ledger
                .append(Envelope {
                    command_id: CommandId::new(format!("reg-{i}")),
                    actor: ActorId::new("secretariaat"),
                    expected_version: None,
                    command: Command::RegisterLibrary {
                        library: LibraryId::new(format!("lib-{i}")),
                        name: format!("Bibliotheek {i}"),
                        municipalities: vec![NisCode(format!("{:05}", 10_000 + i))],
                        inhabitants: 1_000 + i128::from(i),
                    },
                })
                .unwrap();
        }
        (ledger, dir)
    }

    struct Answer {
        status: StatusCode,
        content_type: String,
        cache: String,
        body: Vec<u8>,
    }

    impl Answer {
        fn json(&self) -> Value {
            serde_json::from_slice(&self.body).unwrap()
        }

        fn hashes(&self, field: &str) -> Vec<Hash> {
            self.json()[field]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap())
                .collect()
        }
    }

    async fn get<S, B>(app: &S, uri: &str) -> Answer
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let response = call_service(app, TestRequest::get().uri(uri).to_request()).await;
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (status, content_type, cache) = (
            response.status(),
            header(header::CONTENT_TYPE),
            header(header::CACHE_CONTROL),
        );
        let body = read_body(response).await.to_vec();
        Answer {
            status,
            content_type,
            cache,
            body,
        }
    }

    macro_rules! app {
        ($ledger:expr) => {{
            let state = web::Data::new(AppState::new($ledger.clone()).unwrap());
            init_service(test_app(state)).await
        }};
    }

    #[actix_web::test]
    async fn the_checkpoint_verifies_and_every_proof_checks_against_independent_roots() {
        let (ledger, _dir) = ledger(18);
        let app = app!(ledger);
        let key = get(&app, "/v1/log/key").await;
        assert_eq!(key.status, StatusCode::OK);
        assert!(key.content_type.starts_with("text/plain"));
        let verifier = NoteVerifier::parse(std::str::from_utf8(&key.body).unwrap().trim()).unwrap();
        assert_eq!(verifier.name(), ORIGIN);

        let note = get(&app, "/v1/log/checkpoint").await;
        assert_eq!(note.status, StatusCode::OK);
        assert!(note.content_type.starts_with("text/plain"));
        assert_eq!(note.cache, "no-cache");
        let note = String::from_utf8(note.body).unwrap();
        let checkpoint = SignedCheckpoint::open(&note, ORIGIN, &[verifier])
            .unwrap()
            .checkpoint;
        let size = checkpoint.size;
        assert_eq!(size, 20);

        // The reader's own tree, from the entries alone.
        let mut entries = Vec::new();
        for i in 0..size {
            let entry = get(&app, &format!("/v1/log/entries/{i}")).await;
            assert_eq!(entry.status, StatusCode::OK);
            assert_eq!(entry.content_type, "application/octet-stream");
            entries.push(entry.body);
        }
        let reader = MemoryHashStore::from_entries(&entries).unwrap();
        assert_eq!(tree_root(size, &reader).unwrap(), checkpoint.root);

        let root = |n: u64| tree_root(n, &reader).unwrap();
        for n in [1, 2, 3, 8, 13, size] {
            for i in 0..n {
                let answer =
                    get(&app, &format!("/v1/log/proof/inclusion?index={i}&size={n}")).await;
                assert_eq!(answer.status, StatusCode::OK);
                let json = answer.json();
                assert_eq!(
                    (json["index"].as_u64(), json["size"].as_u64()),
                    (Some(i), Some(n))
                );
                let leaf = Hash::from_base64(json["leaf_hash"].as_str().unwrap()).unwrap();
                assert_eq!(leaf, leaf_hash(&entries[i as usize]));
                verify_inclusion(&leaf, i, n, &answer.hashes("proof"), &root(n)).unwrap();
            }
            for m in 0..=n {
                let answer = get(&app, &format!("/v1/log/proof/consistency?from={m}&to={n}")).await;
                assert_eq!(answer.status, StatusCode::OK);
                let json = answer.json();
                assert_eq!(
                    (json["from"].as_u64(), json["to"].as_u64()),
                    (Some(m), Some(n))
                );
                let old_root = if m == 0 {
                    ledger_tlog::EMPTY_ROOT
                } else {
                    root(m)
                };
                verify_consistency(m, n, &old_root, &root(n), &answer.hashes("proof")).unwrap();
            }
        }

        // The tree grows with the log, and the new checkpoint extends the old one.
        ledger
            .append(Envelope {
                command_id: CommandId::new("reg-late"),
                actor: ActorId::new("secretariaat"),
                expected_version: None,
                command: Command::RegisterLibrary {
                    library: LibraryId::new("lib-late"),
                    name: "Laat".into(),
                    municipalities: vec![NisCode("19999".into())],
                    inhabitants: 5,
                },
            })
            .unwrap();
        let later = get(&app, "/v1/log/checkpoint").await;
        let verifier = NoteVerifier::parse(&ledger.verifier_key()).unwrap();
        let later = SignedCheckpoint::open(
            std::str::from_utf8(&later.body).unwrap(),
            ORIGIN,
            &[verifier],
        )
        .unwrap()
        .checkpoint;
        assert_eq!(later.size, size + 1);
        let answer = get(
            &app,
            &format!("/v1/log/proof/consistency?from={size}&to={}", later.size),
        )
        .await;
        verify_consistency(
            size,
            later.size,
            &checkpoint.root,
            &later.root,
            &answer.hashes("proof"),
        )
        .unwrap();
    }

    #[actix_web::test]
    async fn tiles_hold_the_reference_hashes_and_entries_with_their_cache_rules() {
        let (ledger, _dir) = ledger(298);
        let app = app!(ledger);
        let size = ledger.tree_size();
        assert_eq!(size, 300);
        let entries: Vec<Vec<u8>> = ledger
            .records(0, usize::MAX)
            .unwrap()
            .into_iter()
            .map(|s| s.bytes)
            .collect();
        let reference = MemoryHashStore::from_entries(&entries).unwrap();
        let mut seen = 0;
        for tile in tiles_for_size(size) {
            let TileKind::Hashes { level } = tile.kind() else {
                unreachable!("tiles_for_size lists hash tiles")
            };
            let answer = get(&app, &format!("/v1/log/{}", tile.path())).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", tile.path());
            assert_eq!(answer.content_type, "application/octet-stream");
            let expected_cache = if tile.is_partial() {
                NO_CACHE
            } else {
                IMMUTABLE
            };
            assert_eq!(answer.cache, expected_cache, "{}", tile.path());
            assert_eq!(
                answer.body,
                hash_tile(level, tile.index(), tile.width(), &reference).unwrap()
            );
            if level == 0 {
                let bundle = TileRef::new(TileKind::Entries, tile.index(), tile.width()).unwrap();
                let answer = get(&app, &format!("/v1/log/{}", bundle.path())).await;
                assert_eq!(answer.status, StatusCode::OK, "{}", bundle.path());
                assert_eq!(answer.cache, expected_cache);
                let first = (tile.index() * u64::from(TILE_WIDTH)) as usize;
                let expected =
                    encode_entry_bundle(&entries[first..first + usize::from(tile.width())])
                        .unwrap();
                assert_eq!(answer.body, expected);
            }
            seen += 1;
        }
        // 300 leaves: one full and one partial tile at level 0, one partial at level 1.
        assert_eq!(seen, 3);
    }

    #[actix_web::test]
    async fn bad_or_out_of_range_requests_are_problems_never_faults() {
        let (ledger, _dir) = ledger(298);
        let app = app!(ledger);
        let cases: &[(&str, u16)] = &[
            ("/v1/log/proof/inclusion", 400),
            ("/v1/log/proof/inclusion?index=1", 400),
            ("/v1/log/proof/inclusion?index=a&size=3", 400),
            ("/v1/log/proof/inclusion?index=-1&size=3", 400),
            (
                "/v1/log/proof/inclusion?index=0&size=99999999999999999999999",
                400,
            ),
            ("/v1/log/proof/inclusion?index=0&size=3&extra=1", 400),
            ("/v1/log/proof/inclusion?index=3&size=3", 400),
            ("/v1/log/proof/inclusion?index=0&size=0", 400),
            ("/v1/log/proof/inclusion?index=0&size=301", 404),
            ("/v1/log/proof/inclusion?index=300&size=301", 404),
            (
                "/v1/log/proof/inclusion?index=0&size=18446744073709551615",
                404,
            ),
            ("/v1/log/proof/consistency", 400),
            ("/v1/log/proof/consistency?from=5&to=3", 400),
            ("/v1/log/proof/consistency?from=5&to=x", 400),
            ("/v1/log/proof/consistency?from=0&to=301", 404),
            ("/v1/log/proof/consistency?from=301&to=302", 404),
            ("/v1/log/entries/abc", 400),
            ("/v1/log/entries/-1", 400),
            ("/v1/log/entries/300", 404),
            ("/v1/log/entries/18446744073709551615", 404),
            // 300 leaves: tile 0/000 is full, 0/001.p/44 and 1/000.p/1 are partial.
            ("/v1/log/tile/0/001", 404),
            ("/v1/log/tile/0/001.p/43", 404),
            ("/v1/log/tile/0/001.p/45", 404),
            ("/v1/log/tile/0/000.p/44", 404),
            ("/v1/log/tile/0/002.p/44", 404),
            ("/v1/log/tile/1/000", 404),
            ("/v1/log/tile/2/000.p/1", 404),
            ("/v1/log/tile/9/000.p/1", 404),
            ("/v1/log/tile/64/000", 404),
            ("/v1/log/tile/entries/001", 404),
            ("/v1/log/tile/entries/001.p/43", 404),
            ("/v1/log/tile/0/1", 404),
            ("/v1/log/tile/0/0000", 404),
            ("/v1/log/tile/0/x000/000", 404),
            ("/v1/log/tile/0/000.p/0", 404),
            ("/v1/log/tile/0/000.p/256", 404),
            ("/v1/log/tile/0/000.p/044", 404),
            ("/v1/log/tile/+0/000", 404),
            ("/v1/log/tile/", 404),
            ("/v1/log/tile/0/../../checkpoint", 404),
            (
                "/v1/log/tile/entries/x999/x999/x999/x999/x999/x999/x999/999",
                404,
            ),
        ];
        for (uri, status) in cases {
            let answer = get(&app, uri).await;
            assert_eq!(answer.status.as_u16(), *status, "{uri}");
            assert_eq!(answer.content_type, crate::problem::PROBLEM_JSON, "{uri}");
            assert_eq!(
                answer.json()["status"].as_u64(),
                Some(u64::from(*status)),
                "{uri}"
            );
        }
        // The tiles that do exist, for contrast.
        for uri in [
            "/v1/log/tile/0/000",
            "/v1/log/tile/0/001.p/44",
            "/v1/log/tile/1/000.p/1",
            "/v1/log/tile/entries/001.p/44",
        ] {
            assert_eq!(get(&app, uri).await.status, StatusCode::OK, "{uri}");
        }
    }
}
