//! File reads that `paved lint --fix` can redirect. A fix is verified by linting the repository
//! again with the fixed texts in place of the files, before anything is written: every reader
//! of linted files (the walk's files, included Makefiles, charts, values files, kustomizations
//! and what they load) reads through here, and sees the fixed text while an overlay is set.
//! With no overlay (every plain `paved lint`), a read is `std::fs::read` plus one atomic load.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

static ACTIVE: AtomicBool = AtomicBool::new(false);
static OVERLAY: RwLock<Option<HashMap<PathBuf, Arc<[u8]>>>> = RwLock::new(None);

/// The overlaid bytes for `path`, if an overlay is set and holds it (keyed by canonical path).
fn overlaid(path: &Path) -> Option<Arc<[u8]>> {
    if !ACTIVE.load(Ordering::Acquire) {
        return None;
    }
    let canon = std::fs::canonicalize(path).ok()?;
    let guard = OVERLAY.read().unwrap_or_else(|e| e.into_inner());
    guard.as_ref()?.get(&canon).cloned()
}

/// The bytes of `path`, or the overlay's text for it.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    match overlaid(path) {
        Some(bytes) => Ok(bytes.to_vec()),
        None => std::fs::read(path),
    }
}

/// Like [`read`], at most `max` bytes (a longer file reads as `max` bytes and one more).
pub fn read_limited(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    if let Some(bytes) = overlaid(path) {
        let n = bytes.len().min(max as usize + 1);
        return Ok(bytes[..n].to_vec());
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Like `std::fs::read_to_string`, through the overlay.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Replaces the overlay: reads of these files (canonical paths) return these texts until
/// [`clear`]. One overlay per process: only the fix driver sets it.
pub fn set(files: HashMap<PathBuf, Arc<[u8]>>) {
    let mut guard = OVERLAY.write().unwrap_or_else(|e| e.into_inner());
    let active = !files.is_empty();
    *guard = Some(files);
    ACTIVE.store(active, Ordering::Release);
}

/// Removes the overlay.
pub fn clear() {
    let mut guard = OVERLAY.write().unwrap_or_else(|e| e.into_inner());
    *guard = None;
    ACTIVE.store(false, Ordering::Release);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_overlay_while_set_and_the_disk_after() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "disk\n").unwrap();
        let canon = std::fs::canonicalize(&path).unwrap();
        set(HashMap::from([(canon, Arc::from(&b"overlay\n"[..]))]));
        assert_eq!(read_to_string(&path).unwrap(), "overlay\n");
        assert_eq!(read_limited(&path, 3).unwrap(), b"over");
        clear();
        assert_eq!(read_to_string(&path).unwrap(), "disk\n");
    }
}
