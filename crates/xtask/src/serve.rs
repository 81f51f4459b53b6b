//! A small static file server for `dist/`: std only, one thread per connection.
//!
//! GET and HEAD; `index.html` for directories (a directory asked for without its trailing slash
//! is redirected, so relative asset URLs resolve); 404 for anything missing, for dot files, and
//! for anything that would resolve outside the served directory.

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds 127.0.0.1:`port` (0 picks a free port) and serves `dir` on a background thread.
    pub fn start(dir: &Path, port: u16, log: bool) -> io::Result<Server> {
        let dir = dir.canonicalize()?;
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("xtask-serve".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stop2.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    let dir = dir.clone();
                    let _ = thread::Builder::new().spawn(move || {
                        let _ = handle(stream, &dir, log);
                    });
                }
            })?;
        Ok(Server {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr())
    }

    /// Blocks for as long as the server runs (i.e. until the process is stopped).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.shutdown();
        }
    }
}

pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Decodes %XX escapes; None for a malformed escape, a NUL, or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    if out.contains(&0) {
        return None;
    }
    String::from_utf8(out).ok()
}

/// The path segments of a request target, or None when it must not be served: not origin-form,
/// a bad escape, a `..` segment, a dot file, or a backslash.
pub fn segments(target: &str) -> Option<Vec<String>> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(path)?;
    let mut segs = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            s if s.starts_with('.') || s.contains('\\') => return None,
            s => segs.push(s.to_string()),
        }
    }
    Some(segs)
}

enum Resolved {
    File(PathBuf),
    Redirect(String),
    NotFound,
}

fn resolve(root: &Path, target: &str) -> Resolved {
    let Some(segs) = segments(target) else {
        return Resolved::NotFound;
    };
    let mut path = root.to_path_buf();
    path.extend(&segs);
    // Symlinks may point anywhere; only serve what really lies under the root.
    let Ok(real) = path.canonicalize() else {
        return Resolved::NotFound;
    };
    if !real.starts_with(root) {
        return Resolved::NotFound;
    }
    if real.is_dir() {
        let (p, q) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (target, None),
        };
        if !p.ends_with('/') {
            let mut loc = format!("{p}/");
            if let Some(q) = q {
                loc.push('?');
                loc.push_str(q);
            }
            return Resolved::Redirect(loc);
        }
        let index = real.join("index.html");
        return if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if real.is_file() {
        Resolved::File(real)
    } else {
        Resolved::NotFound
    }
}

fn handle(stream: TcpStream, root: &Path, log: bool) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(64 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read (and ignore) the headers.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut out = stream;
    let status = match method {
        "GET" | "HEAD" => {
            let head = method == "HEAD";
            match resolve(root, target) {
                Resolved::File(path) => match fs::read(&path) {
                    Ok(body) => {
                        respond(&mut out, "200 OK", content_type(&path), &[], &body, head)?;
                        200
                    }
                    Err(_) => {
                        not_found(&mut out, head)?;
                        404
                    }
                },
                Resolved::Redirect(loc) => {
                    let headers = [("Location", loc.as_str())];
                    respond(
                        &mut out,
                        "301 Moved Permanently",
                        "text/plain; charset=utf-8",
                        &headers,
                        b"moved\n",
                        head,
                    )?;
                    301
                }
                Resolved::NotFound => {
                    not_found(&mut out, head)?;
                    404
                }
            }
        }
        "" => return Ok(()),
        _ => {
            let headers = [("Allow", "GET, HEAD")];
            respond(
                &mut out,
                "405 Method Not Allowed",
                "text/plain; charset=utf-8",
                &headers,
                b"method not allowed\n",
                false,
            )?;
            405
        }
    };
    if log || status >= 400 {
        eprintln!("serve: {method} {target} {status}");
    }
    let _ = out.shutdown(Shutdown::Write);
    Ok(())
}

fn not_found(out: &mut TcpStream, head: bool) -> io::Result<()> {
    respond(
        out,
        "404 Not Found",
        "text/plain; charset=utf-8",
        &[],
        b"not found\n",
        head,
    )
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    head: bool,
) -> io::Result<()> {
    let mut h = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    out.write_all(h.as_bytes())?;
    if !head {
        out.write_all(body)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_traversal_and_dot_files() {
        assert_eq!(
            segments("/a/b.js?x=1"),
            Some(vec!["a".into(), "b.js".into()])
        );
        assert_eq!(segments("/"), Some(vec![]));
        assert_eq!(segments("/./a//b"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(segments("/../etc/passwd"), None);
        assert_eq!(segments("/a/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(segments("/a/..%2f..%2fetc"), None);
        assert_eq!(segments("/.stage/x"), None);
        assert_eq!(segments("/a%00b"), None);
        assert_eq!(segments("/a%zz"), None);
        assert_eq!(segments("/a\\..\\b"), None);
        assert_eq!(segments("http://evil/"), None);
        assert_eq!(segments("/with%20space"), Some(vec!["with space".into()]));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("index.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }

    #[test]
    fn serves_files_and_refuses_the_rest() {
        let base = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        let dist = base.join("dist");
        fs::create_dir_all(dist.join("sub")).unwrap();
        fs::write(dist.join("index.html"), "<p>hi</p>").unwrap();
        fs::write(dist.join("app_bg.wasm"), b"\0asm").unwrap();
        fs::write(dist.join("sub/index.html"), "sub").unwrap();
        fs::write(base.join("secret.txt"), "secret").unwrap();
        let server = Server::start(&dist, 0, false).unwrap();
        let get = |target: &str| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            write!(s, "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut resp = String::new();
            s.read_to_string(&mut resp).unwrap();
            resp
        };
        let r = get("/");
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        assert!(r.ends_with("<p>hi</p>"), "{r}");
        let r = get("/app_bg.wasm");
        assert!(r.contains("Content-Type: application/wasm\r\n"), "{r}");
        assert!(get("/sub").starts_with("HTTP/1.1 301"));
        assert!(get("/sub").contains("Location: /sub/\r\n"));
        assert!(get("/sub/").ends_with("sub"));
        assert!(get("/../secret.txt").starts_with("HTTP/1.1 404"));
        assert!(get("/%2e%2e/secret.txt").starts_with("HTTP/1.1 404"));
        assert!(get("/missing.js").starts_with("HTTP/1.1 404"));
        server.stop();
        fs::remove_dir_all(&base).unwrap();
    }
}
