//! Small helpers: where the repository is, which PATH tools run with, running commands.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub type Result<T> = std::result::Result<T, String>;

/// The repository root (two levels above this crate's manifest).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest
        .parent()
        .and_then(Path::parent)
        .expect("crates/xtask sits two levels below the root");
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// `$CARGO_HOME/bin`, where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// The PATH every tool runs with: `node_modules/.bin` first (binaryen's wasm-opt, playwright),
/// then `$CARGO_HOME/bin` (trunk, wasm-bindgen), then the caller's PATH.
pub fn tool_path() -> OsString {
    let mut dirs = vec![root().join("node_modules").join(".bin"), cargo_bin_dir()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    env::join_paths(dirs).expect("no ':' in tool directories")
}

/// Looks `name` up on [`tool_path`].
pub fn which(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        let p = PathBuf::from(name);
        return is_executable(&p).then_some(p);
    }
    env::split_paths(&tool_path())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// A command in the repository root, with the tool PATH and Trunk's version check off.
pub fn cmd(program: &str) -> Command {
    let resolved = which(program).map(PathBuf::into_os_string);
    let mut c = Command::new(resolved.unwrap_or_else(|| program.into()));
    c.current_dir(root())
        .env("PATH", tool_path())
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    c
}

fn describe(c: &Command) -> String {
    let prog = Path::new(c.get_program())
        .file_name()
        .unwrap_or(c.get_program())
        .to_string_lossy()
        .into_owned();
    let mut s = prog;
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs a command with inherited stdio; Err when it can't start or exits non-zero.
pub fn run(c: &mut Command) -> Result<()> {
    let what = describe(c);
    eprintln!("xtask: $ {what}");
    let start = Instant::now();
    let status = c
        .status()
        .map_err(|e| format!("`{what}` could not start: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    if status.success() {
        eprintln!("xtask: `{what}` ok ({secs:.1} s)");
        Ok(())
    } else {
        Err(format!("`{what}` failed ({status}) after {secs:.1} s"))
    }
}

/// Runs a command quietly and returns its stdout (plus stderr) when it exits 0.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.stdin(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(s.trim().to_string())
}

/// True when this process runs as root (the owner of /proc/self is the effective uid).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}
