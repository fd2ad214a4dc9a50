//! Writing a file so that a reader (or a crash) sees either the old content or the new,
//! never half of it: a temporary file beside the target, synced, then renamed over it.
//!
//! Used for the remembered checkpoint and for proof files. This module must never write
//! the target path directly.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Context, Result};

/// Replaces `path` with `text` atomically.
pub fn write(path: &Path, text: &str) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} names no file", path.display()))?;
    let temp = path.with_file_name(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut file = File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    // Make the rename itself durable where the platform allows it.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}
