//! After Trunk: move its inline start-up script into a file and add a Content-Security-Policy
//! that forbids inline and remote scripts, so the page passes its own policy.

use std::fs;
use std::path::Path;

/// The policy: scripts and everything else from the page's own origin only; WebAssembly may
/// compile; styles may be inline (attributes set by the app), images may be data:/blob: (PNG
/// export). Frames may embed the page (`?embed=`), so no frame-ancestors.
pub const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'none'";

/// FNV-1a, for a cache-busting file name.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

/// Rewrites `html`: the inline `<script type=module>…</script>` becomes `<script type=module
/// src=./start-HASH.js>`, returned with the script's text; the CSP meta goes after the charset.
pub fn rewrite(html: &str) -> Result<(String, String, String), String> {
    let open = ["<script type=module>", "<script type=\"module\">"]
        .iter()
        .find_map(|tag| html.find(tag).map(|i| (i, tag.len())))
        .ok_or("dist/index.html has no inline module script to move")?;
    let body_start = open.0 + open.1;
    let close = html[body_start..]
        .find("</script>")
        .map(|i| body_start + i)
        .ok_or("unterminated inline script in dist/index.html")?;
    let script = html[body_start..close].to_string();
    if html[close..].contains("<script>") || html[close..].contains("<script type=module>") {
        return Err("dist/index.html has more than one inline script".into());
    }
    let name = format!("start-{:016x}.js", fnv(&script));
    let mut out = String::with_capacity(html.len() + POLICY.len() + 64);
    out.push_str(&html[..open.0]);
    out.push_str(&format!("<script type=module src=./{name}></script>"));
    out.push_str(&html[close + "</script>".len()..]);
    let meta = format!("<meta http-equiv=Content-Security-Policy content=\"{POLICY}\">");
    let at = ["<meta charset=utf-8>", "<meta charset=\"utf-8\">"]
        .iter()
        .find_map(|m| out.find(m).map(|i| i + m.len()))
        .ok_or("dist/index.html has no <meta charset>")?;
    out.insert_str(at, &meta);
    Ok((drop_fetch_preload_integrity(&out), name, script))
}

/// Removes `integrity=…` from `<link … as=fetch …>` tags. Chromium does not apply subresource
/// integrity to fetch preloads and warns on every load ("The `integrity` attribute is
/// currently ignored for preload destinations that do not support subresource integrity",
/// crbug.com/981419); the wasm is same-origin under `script-src 'self'`, so the attribute
/// protects nothing there. Other tags keep theirs.
fn drop_fetch_preload_integrity(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<link") {
        let Some(len) = rest[i..].find('>') else {
            break;
        };
        let tag = &rest[i..i + len + 1];
        out.push_str(&rest[..i]);
        if tag.contains(" as=fetch") || tag.contains(" as=\"fetch\"") {
            out.push_str(&without_attribute(tag, "integrity"));
        } else {
            out.push_str(tag);
        }
        rest = &rest[i + len + 1..];
    }
    out.push_str(rest);
    out
}

/// `tag` without the attribute `name` (quoted or not).
fn without_attribute(tag: &str, name: &str) -> String {
    let key = format!(" {name}=");
    let Some(start) = tag.find(&key) else {
        return tag.to_string();
    };
    let value = &tag[start + key.len()..];
    let end = match value.chars().next() {
        Some(q @ ('"' | '\'')) => value[1..].find(q).map_or(value.len(), |j| j + 2),
        _ => value.find([' ', '>']).unwrap_or(value.len()),
    };
    format!("{}{}", &tag[..start], &value[end..])
}

/// Applies [`rewrite`] to `dist/index.html`.
pub fn apply(dist: &Path) -> Result<(), String> {
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let (html, name, script) = rewrite(&html)?;
    fs::write(dist.join(&name), script).map_err(|e| format!("{name}: {e}"))?;
    fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))?;
    eprintln!("xtask: moved the start-up script to {name} and added a Content-Security-Policy");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_the_script_and_adds_the_policy() {
        let html = "<!doctype html><html><meta charset=utf-8><title>t</title><script type=module>import init from\"./a.js\";await init();</script><link href=./s.css rel=stylesheet></head><body></body></html>";
        let (out, name, script) = rewrite(html).unwrap();
        assert_eq!(script, "import init from\"./a.js\";await init();");
        assert!(name.starts_with("start-") && name.ends_with(".js"));
        assert!(out.contains(&format!("<script type=module src=./{name}></script>")));
        assert!(!out.contains("await init"));
        assert!(out.contains("Content-Security-Policy"));
        assert!(out.find("charset").unwrap() < out.find("Content-Security-Policy").unwrap());
    }

    #[test]
    fn fetch_preloads_lose_their_integrity_attribute_and_nothing_else_does() {
        let html = "<meta charset=utf-8><script type=module>x</script><link href=./s.css integrity=sha384-AAA rel=stylesheet><link as=fetch crossorigin href=./a.wasm integrity=sha384-BBB rel=preload type=application/wasm><link as=\"fetch\" href=b integrity=\"sha384-C C\" rel=preload>";
        let (out, _, _) = rewrite(html).unwrap();
        assert!(
            out.contains("<link href=./s.css integrity=sha384-AAA rel=stylesheet>"),
            "{out}"
        );
        assert!(
            out.contains(
                "<link as=fetch crossorigin href=./a.wasm rel=preload type=application/wasm>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<link as=\"fetch\" href=b rel=preload>"),
            "{out}"
        );
        assert!(!out.contains("BBB") && !out.contains("sha384-C"));
    }

    #[test]
    fn refuses_a_page_without_the_script() {
        assert!(rewrite("<meta charset=utf-8><body></body>").is_err());
    }
}
