//! `ledger export-tiles`: writes the transparency log as static files in the C2SP
//! tlog-tiles layout, for a mirror or a CDN: `OUT/checkpoint` (the signed note),
//! `OUT/key` (the verifier key), `OUT/tile/<L>/<N>[.p/<W>]` (hash tiles) and
//! `OUT/tile/entries/<N>[.p/<W>]` (entry bundles), byte for byte what the server serves
//! under `/v1/log/`.
//!
//! Every file is written beside its name and renamed into place, and the checkpoint is
//! written last, so a mirror never shows a checkpoint whose tiles are not there yet. It
//! must never mix two logs in one directory: an `OUT/key` of another log is refused.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use ledger_tlog::{tiles_for_size, TileKind, TileRef};

use super::DataDir;
use crate::failure::{self, Failure, INPUT};

/// Arguments of `ledger export-tiles`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    dir: DataDir,
    /// The directory to write (created if missing; files of an earlier export of the same
    /// log are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let ledger = super::open(&args.dir)?;
    let key = format!("{}\n", ledger.verifier_key());
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    match std::fs::read_to_string(out.join("key")) {
        Ok(existing) if existing != key => {
            return Err(Failure::error(
                INPUT,
                format!(
                    "{} holds the tiles of another log (its key is {}); choose another directory",
                    out.display(),
                    existing.trim()
                ),
            ))
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => bail!("cannot read {}: {e}", out.join("key").display()),
    }

    let checkpoint = ledger.checkpoint();
    let size = ledger.tree_size();
    let mut tiles = 0;
    let mut bundles = 0;
    for tile in tiles_for_size(size) {
        let TileKind::Hashes { level } = tile.kind() else {
            continue;
        };
        let body = ledger
            .hash_tile(level, tile.index(), tile.width())
            .map_err(failure::store)?;
        write(out, &tile.path(), &body)?;
        tiles += 1;
        if level == 0 {
            let bundle = TileRef::new(TileKind::Entries, tile.index(), tile.width())?;
            let body = ledger
                .entry_bundle(tile.index(), tile.width())
                .map_err(failure::store)?;
            write(out, &bundle.path(), &body)?;
            bundles += 1;
        }
    }
    write(out, "key", key.as_bytes())?;
    write(out, "checkpoint", checkpoint.as_bytes())?;
    println!(
        "exported a tree of {size} entries to {}: {tiles} hash tiles, {bundles} entry bundles, \
         checkpoint and key",
        out.display()
    );
    Ok(())
}

/// Writes `body` to `out/relative` through a temporary file renamed into place.
fn write(out: &Path, relative: &str, body: &[u8]) -> anyhow::Result<()> {
    let path = out.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut partial = path.clone().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut file =
        File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    file.write_all(body)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, &path)
        .with_context(|| format!("cannot move {} into place", path.display()))?;
    Ok(())
}
