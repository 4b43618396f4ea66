//! Which Go release a generated service targets.
//!
//! The go.mod `go` line, the builder image (`golang:X.Y.Z-bookworm`) and the CI toolchain must
//! name the same release, and images need an exact patch version. So the generator keeps a
//! table of the newest patch of each supported minor (refresh it when Go ships: `go list -m
//! -versions golang.org/toolchain`), and resolves the user's choice against it.

use std::fmt;
use std::process::Command;

use anyhow::{Result, bail};

/// Newest known patch release of each supported minor, oldest first. 1.22 is the floor: the
/// generated code uses method patterns in `http.ServeMux`.
pub const KNOWN_RELEASES: &[GoVersion] = &[
    GoVersion::new(1, 22, 12),
    GoVersion::new(1, 23, 12),
    GoVersion::new(1, 24, 13),
    GoVersion::new(1, 25, 14),
    GoVersion::new(1, 26, 11),
    GoVersion::new(1, 27, 4),
];

/// Oldest minor release the generated code supports.
pub const MIN_MINOR: u32 = 22;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl GoVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self { major, minor, patch }
    }

    /// `X.Y`
    pub fn minor_string(&self) -> String {
        format!("{}.{}", self.major, self.minor)
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The versions a generated project uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoTarget {
    /// The `go` line of go.mod (what `go mod init` would write).
    pub go_mod: GoVersion,
    /// The exact release for the builder image and CI.
    pub toolchain: GoVersion,
    /// Where the choice came from, for the summary line.
    pub source: &'static str,
}

pub fn newest_known() -> GoVersion {
    *KNOWN_RELEASES.last().expect("release table is not empty")
}

fn newest_patch_of(minor: u32) -> Option<GoVersion> {
    KNOWN_RELEASES.iter().copied().find(|v| v.major == 1 && v.minor == minor)
}

/// Parses `X.Y` or `X.Y.Z` (an optional leading `go` is accepted, as in `go1.26.8`).
/// Returns the version and whether a patch was given.
fn parse(text: &str) -> Option<(GoVersion, bool)> {
    let text = text.trim();
    let text = text.strip_prefix("go").unwrap_or(text);
    let parts: Vec<&str> = text.split('.').collect();
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) { None } else { s.parse().ok() }
    };
    match parts.as_slice() {
        [x, y] => Some((GoVersion::new(num(x)?, num(y)?, 0), false)),
        [x, y, z] => Some((GoVersion::new(num(x)?, num(y)?, num(z)?), true)),
        _ => None,
    }
}

/// Resolves `--go-version`. `X.Y` takes the newest known patch of that minor for images and CI
/// and writes `X.Y.0` in go.mod, so any patch of the minor builds it; `X.Y.Z` is used exactly.
pub fn from_flag(flag: &str) -> Result<GoTarget> {
    let Some((version, has_patch)) = parse(flag) else {
        bail!("--go-version {flag:?} is not a Go version: expected X.Y or X.Y.Z, e.g. 1.26 or 1.26.8");
    };
    if version.major != 1 || version.minor < MIN_MINOR {
        bail!(
            "--go-version {flag}: the generated service needs Go 1.{MIN_MINOR} or newer \
             (it uses method patterns in http.ServeMux)"
        );
    }
    if has_patch {
        return Ok(GoTarget { go_mod: version, toolchain: version, source: "--go-version" });
    }
    match newest_patch_of(version.minor) {
        Some(toolchain) => {
            Ok(GoTarget { go_mod: GoVersion::new(1, version.minor, 0), toolchain, source: "--go-version" })
        }
        None => bail!(
            "--go-version {flag}: paved does not know the releases of Go {flag} (newest known: {}); \
             pass the exact release, e.g. --go-version {flag}.0",
            newest_known()
        ),
    }
}

/// The `go` on PATH, as `go env GOVERSION` reports it (`go1.26.8`). Development builds and
/// anything unparseable count as absent.
pub fn detect_installed() -> Option<GoVersion> {
    let output = Command::new("go").args(["env", "GOVERSION"]).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    match parse(&text) {
        Some((v, true)) => Some(v),
        _ => None,
    }
}

/// The default: the installed `go` (so the project builds at once), else the newest release
/// this generator knows. An installed Go older than the floor is not used.
pub fn default_target(installed: Option<GoVersion>) -> GoTarget {
    match installed {
        Some(v) if v.major == 1 && v.minor >= MIN_MINOR => {
            GoTarget { go_mod: v, toolchain: v, source: "the go on PATH" }
        }
        _ => {
            let v = newest_known();
            GoTarget { go_mod: v, toolchain: v, source: "newest known release" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_flag_takes_newest_known_patch() {
        let t = from_flag("1.25").unwrap();
        assert_eq!(t.go_mod, GoVersion::new(1, 25, 0));
        assert_eq!(t.toolchain, GoVersion::new(1, 25, 14));
    }

    #[test]
    fn exact_flag_is_used_as_is() {
        let t = from_flag("1.26.3").unwrap();
        assert_eq!(t.go_mod, GoVersion::new(1, 26, 3));
        assert_eq!(t.toolchain, GoVersion::new(1, 26, 3));
        // A release newer than the table is fine when exact.
        assert_eq!(from_flag("1.30.1").unwrap().toolchain, GoVersion::new(1, 30, 1));
    }

    #[test]
    fn bad_flags_are_refused_with_reason() {
        for (flag, needle) in [
            ("1.21", "needs Go 1.22"),
            ("2.0", "needs Go 1.22"),
            ("1.30", "pass the exact release"),
            ("latest", "not a Go version"),
            ("1.26.x", "not a Go version"),
            ("1", "not a Go version"),
            ("", "not a Go version"),
            ("1.26.8.1", "not a Go version"),
        ] {
            let err = from_flag(flag).unwrap_err().to_string();
            assert!(err.contains(needle), "{flag}: {err}");
        }
    }

    #[test]
    fn default_prefers_installed_go_above_the_floor() {
        let installed = GoVersion::new(1, 26, 8);
        assert_eq!(default_target(Some(installed)).toolchain, installed);
        assert_eq!(default_target(Some(GoVersion::new(1, 21, 13))).toolchain, newest_known());
        assert_eq!(default_target(None).toolchain, newest_known());
    }

    #[test]
    fn parses_go_env_output() {
        assert_eq!(parse("go1.26.8\n"), Some((GoVersion::new(1, 26, 8), true)));
        assert_eq!(parse("devel go1.27-abcdef"), None);
    }

    #[test]
    fn table_is_sorted_and_starts_at_the_floor() {
        assert!(KNOWN_RELEASES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(KNOWN_RELEASES[0].minor, MIN_MINOR);
    }
}
