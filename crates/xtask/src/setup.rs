//! `cargo xtask setup`: installs what is missing, and says so, one line per tool.

use crate::util::{cmd, is_root, output, root, run, which, Result};
use std::fs;
use std::path::Path;
use std::time::SystemTime;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const TRUNK_VERSION: &str = "0.22.1";
/// What `node_modules/.bin/wasm-opt --version` must print (npm `binaryen` 132); pinned in Trunk.toml.
pub const WASM_OPT_VERSION: &str = "version_132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn setup() -> Result<()> {
    rust_target()?;
    npm_packages()?;
    system_packages()?;
    wasm_bindgen_cli()?;
    trunk()?;
    Ok(())
}

fn report(tool: &str, state: &str) {
    println!("setup: {tool:<28} {state}");
}

fn rust_target() -> Result<()> {
    let tool = format!("rust target {WASM_TARGET}");
    if target_installed() {
        report(&tool, "present");
        return Ok(());
    }
    run(cmd("rustup").args(["target", "add", WASM_TARGET]))?;
    if !target_installed() {
        return Err(format!("{tool}: still missing after `rustup target add`"));
    }
    report(&tool, "installed");
    Ok(())
}

fn target_installed() -> bool {
    output(cmd("rustc").args(["--print", "sysroot"]))
        .map(|sysroot| {
            Path::new(sysroot.lines().next().unwrap_or(""))
                .join("lib/rustlib")
                .join(WASM_TARGET)
                .join("lib")
                .is_dir()
        })
        .unwrap_or(false)
}

fn trunk() -> Result<()> {
    let tool = format!("trunk {TRUNK_VERSION}");
    let installed = || output(cmd("trunk").arg("--version"));
    match installed() {
        Some(v) if v.split_whitespace().any(|w| w == TRUNK_VERSION) => {
            report(&tool, "present");
            return Ok(());
        }
        Some(v) => eprintln!("setup: found `{v}`, want trunk {TRUNK_VERSION}; installing"),
        None => eprintln!("setup: trunk missing; installing (about 10 min on 2 cores)"),
    }
    // trunk declares a newer rust-version than it needs; --locked alone refuses (TOOLCHAIN.md).
    run(cmd("cargo").args([
        "install",
        "trunk",
        "--version",
        TRUNK_VERSION,
        "--locked",
        "--ignore-rust-version",
        "--force",
    ]))?;
    match installed() {
        Some(v) if v.split_whitespace().any(|w| w == TRUNK_VERSION) => {
            report(&tool, "installed");
            Ok(())
        }
        other => Err(format!(
            "{tool}: after install `trunk --version` says {other:?}"
        )),
    }
}

/// The version of the `wasm-bindgen` package in Cargo.lock.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let versions = lock_versions(&lock, "wasm-bindgen");
    match versions.as_slice() {
        [v] => Ok(v.clone()),
        [] => Err("Cargo.lock has no `wasm-bindgen` package".into()),
        many => Err(format!(
            "Cargo.lock has several `wasm-bindgen` versions {many:?}; the CLI must match exactly one"
        )),
    }
}

/// Every `version` of the `[[package]]` entries named `name` in a Cargo.lock.
pub fn lock_versions(lock: &str, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        if field("name").as_deref() == Some(name) {
            if let Some(v) = field("version") {
                if !found.contains(&v) {
                    found.push(v);
                }
            }
        }
    }
    found
}

/// The `[tools] wasm_bindgen` pin in Trunk.toml, which must equal Cargo.lock's wasm-bindgen.
fn trunk_toml_wasm_bindgen() -> Option<String> {
    let toml = fs::read_to_string(root().join("Trunk.toml")).ok()?;
    toml.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == "wasm_bindgen").then(|| v.trim().trim_matches('"').to_string())
    })
}

fn wasm_bindgen_cli() -> Result<()> {
    let version = locked_wasm_bindgen()?;
    match trunk_toml_wasm_bindgen() {
        Some(pin) if pin == version => {}
        other => {
            return Err(format!(
                "Trunk.toml pins [tools] wasm_bindgen = {other:?} but Cargo.lock has wasm-bindgen \
                 {version}; make them equal"
            ))
        }
    }
    let tool = format!("wasm-bindgen-cli {version}");
    let ok = || {
        let bindgen = output(cmd("wasm-bindgen").arg("--version"));
        let bindgen_ok = bindgen
            .as_deref()
            .is_some_and(|v| v.split_whitespace().any(|w| w == version));
        (
            bindgen_ok && which("wasm-bindgen-test-runner").is_some(),
            bindgen,
        )
    };
    match ok() {
        (true, _) => {
            report(&tool, "present");
            return Ok(());
        }
        (false, Some(v)) => eprintln!("setup: found `{v}`, want {version}; installing"),
        (false, None) => eprintln!("setup: wasm-bindgen-cli missing; installing (about 2 min)"),
    }
    // Without --locked: its lockfile pins a crate version the registry here lacks (TOOLCHAIN.md).
    run(cmd("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--force",
    ]))?;
    match ok() {
        (true, _) => {
            report(&tool, "installed");
            Ok(())
        }
        (false, v) => Err(format!(
            "{tool}: after install `wasm-bindgen --version` says {v:?}"
        )),
    }
}

fn mtime(p: &Path) -> Option<SystemTime> {
    p.metadata().and_then(|m| m.modified()).ok()
}

/// node_modules is stale when npm's record of it (node_modules/.package-lock.json) is missing or
/// older than package.json / package-lock.json, or a tool we need isn't there.
fn node_modules_fresh() -> bool {
    let r = root();
    let installed = match mtime(&r.join("node_modules/.package-lock.json")) {
        Some(t) => t,
        None => return false,
    };
    let newer = |f: &str| mtime(&r.join(f)).is_some_and(|t| t > installed);
    !newer("package.json")
        && !newer("package-lock.json")
        && r.join("node_modules/.bin/wasm-opt").exists()
        && r.join("node_modules/.bin/playwright").exists()
}

fn npm_packages() -> Result<()> {
    let tool = "npm packages (node_modules)";
    if which("npm").is_none() || which("node").is_none() {
        return Err("node and npm are needed (Node.js 20 and npm); install them first".into());
    }
    let r = root();
    if !r.join("package-lock.json").exists() {
        return Err("package-lock.json is missing at the repository root".into());
    }
    let state = if node_modules_fresh() {
        "present"
    } else {
        run(cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
        "installed"
    };
    let wasm_opt =
        output(cmd(r.join("node_modules/.bin/wasm-opt").to_str().unwrap()).arg("--version"))
            .unwrap_or_default();
    if !wasm_opt.contains(WASM_OPT_VERSION) {
        return Err(format!(
            "node_modules/.bin/wasm-opt --version says {wasm_opt:?}, want {WASM_OPT_VERSION}"
        ));
    }
    report(
        tool,
        &format!("{state} (wasm-opt {WASM_OPT_VERSION}, @playwright/test)"),
    );
    Ok(())
}

fn system_packages() -> Result<()> {
    let checks: [(&str, bool); 5] = [
        ("chromium", Path::new(CHROMIUM).exists()),
        // The CLI's `chart -o FILE.png` draws its text with this font (no font ships with us).
        (
            "fonts-dejavu-core",
            Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists(),
        ),
        ("chromium-driver", Path::new(CHROMEDRIVER).exists()),
        ("brotli", which("brotli").is_some()),
        ("gzip", which("gzip").is_some()),
    ];
    let missing: Vec<&str> = checks.iter().filter(|c| !c.1).map(|c| c.0).collect();
    let tool = "apt chromium chromium-driver brotli fonts-dejavu-core";
    if missing.is_empty() {
        report(tool, "present");
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "missing Debian packages: {}. As root run: \
             apt-get update && apt-get install -y chromium chromium-driver brotli gzip \
             fonts-dejavu-core",
            missing.join(" ")
        ));
    }
    eprintln!(
        "setup: missing {}; installing with apt-get",
        missing.join(" ")
    );
    run(cmd("apt-get")
        .arg("update")
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(cmd("apt-get")
        .args([
            "install",
            "-y",
            "chromium",
            "chromium-driver",
            "brotli",
            "gzip",
            "fonts-dejavu-core",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    for p in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(p).exists() {
            return Err(format!("{p} still missing after apt-get install"));
        }
    }
    report(tool, "installed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::lock_versions;

    #[test]
    fn finds_the_locked_version() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]
"#;
        assert_eq!(lock_versions(lock, "wasm-bindgen"), ["0.2.130"]);
        assert!(lock_versions(lock, "trunk").is_empty());
    }

    #[test]
    fn trunk_toml_pins_the_locked_wasm_bindgen() {
        let locked = super::locked_wasm_bindgen().unwrap();
        assert_eq!(super::trunk_toml_wasm_bindgen(), Some(locked));
    }
}
