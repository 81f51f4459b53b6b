//! `cargo xtask size`: transfer size of `dist/`, measured as /work/shared/MEASURING.md says:
//! every file except source maps and dot files; raw, `gzip -9` and `brotli -q 11` bytes, summed.

use crate::util::{cmd, root, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

pub const BROTLI_BUDGET: u64 = 150 * 1024; // 153,600 bytes

pub struct Row {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Files under `dir`, sorted, skipping `*.map` and anything whose name (or a parent's) starts
/// with a dot.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = fs::read_dir(&d).map_err(|e| format!("reading {}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let ft = entry.file_type().map_err(|e| e.to_string())?;
            if ft.is_dir() {
                stack.push(path);
            } else if !name.ends_with(".map") && path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Bytes written to stdout by `program args < file`.
fn compressed_len(file: &Path, program: &str, args: &[&str]) -> Result<u64> {
    let input = fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let out = cmd(program)
        .args(args)
        .stdin(input)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("`{program}` could not start ({e}); run `cargo xtask setup`"))?;
    if !out.status.success() {
        return Err(format!(
            "`{program} {}` failed on {}",
            args.join(" "),
            file.display()
        ));
    }
    Ok(out.stdout.len() as u64)
}

pub fn measure(dist: &Path) -> Result<Vec<Row>> {
    files(dist)?
        .into_iter()
        .map(|f| {
            let raw = f.metadata().map_err(|e| e.to_string())?.len();
            Ok(Row {
                name: f.strip_prefix(dist).unwrap_or(&f).display().to_string(),
                raw,
                gzip: compressed_len(&f, "gzip", &["-9", "-c"])?,
                brotli: compressed_len(&f, "brotli", &["-q", "11", "-c"])?,
            })
        })
        .collect()
}

/// Prints the table and the budget line; Ok(true) when within budget.
pub fn size() -> Result<bool> {
    let dist = root().join("dist");
    if !dist.is_dir() {
        return Err("dist/ does not exist; run `cargo xtask build` first".into());
    }
    let rows = measure(&dist)?;
    if rows.is_empty() {
        return Err("dist/ holds no files".into());
    }
    let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(5);
    println!(
        "{:<w$} {:>10} {:>10} {:>12}",
        "file", "raw", "gzip -9", "brotli -q 11"
    );
    for r in &rows {
        println!(
            "{:<w$} {:>10} {:>10} {:>12}",
            r.name, r.raw, r.gzip, r.brotli
        );
    }
    let (raw, gzip, brotli) = rows.iter().fold((0, 0, 0), |(a, b, c), r| {
        (a + r.raw, b + r.gzip, c + r.brotli)
    });
    println!("{:<w$} {:>10} {:>10} {:>12}", "total", raw, gzip, brotli);
    let pct = brotli as f64 * 100.0 / BROTLI_BUDGET as f64;
    println!("brotli total {brotli} of {BROTLI_BUDGET} bytes budget ({pct:.1}%)");
    if brotli > BROTLI_BUDGET {
        println!("OVER BUDGET by {} bytes", brotli - BROTLI_BUDGET);
    }
    Ok(brotli <= BROTLI_BUDGET)
}
