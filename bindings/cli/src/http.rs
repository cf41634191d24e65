//! Plain HTTP/1.1 over std sockets, the one implementation behind `send`,
//! `listen` (the server that takes deliveries and the client that forwards
//! them) and `replay`. No TLS: every peer is a process on this machine or next
//! to it, and a sidecar sits on loopback.
//!
//! Every read is bounded: the head by [`MAX_HEAD`] bytes and [`MAX_HEADERS`]
//! lines, a body by the caller's cap (checked against Content-Length before
//! reading, and while decoding chunks), and the whole message by a deadline, so
//! a hostile or stalled peer costs one thread for a bounded time and never a
//! panic. One request per connection (`Connection: close`): deliveries are
//! independent, and no idle connection can hold up a shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The most bytes a message head (start line and headers) may take.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// The most header lines a message may have.
pub(crate) const MAX_HEADERS: usize = 128;
/// The body cap unless told otherwise: 5 MiB, as the Python and Node adapters.
pub(crate) const DEFAULT_MAX_BODY: usize = 5 * 1024 * 1024;
/// How long one read or write may wait on a silent peer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a server has to answer a request we sent, in all.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a message could not be read: the status and code to answer with.
#[derive(Debug)]
pub(crate) struct HttpError {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl HttpError {
    fn bad(message: impl Into<String>) -> HttpError {
        HttpError {
            status: 400,
            code: "bad_request",
            message: message.into(),
        }
    }

    fn too_large(max_body: usize) -> HttpError {
        let err = hooksig::Error::InvalidBody {
            reason: format!(
                "the body is larger than {max_body} bytes (raise the cap with --max-body)"
            ),
        };
        HttpError {
            status: 413,
            code: err.code(),
            message: err.to_string(),
        }
    }

    fn io(err: std::io::Error) -> HttpError {
        match err.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => HttpError {
                status: 408,
                code: "request_timeout",
                message: "the message did not arrive in time".into(),
            },
            _ => HttpError::bad(format!("the connection failed: {err}")),
        }
    }
}

/// A message head: the start line, and the headers with their raw lines.
pub(crate) struct Head {
    pub(crate) start: String,
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// The header lines exactly as received, CRLF-terminated: what the records keep.
    pub(crate) raw_headers: Vec<u8>,
}

impl Head {
    /// The value of the first header named `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&[u8]> {
        header(&self.headers, name)
    }
}

pub(crate) fn header<'a>(headers: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_slice())
}

/// A reader that fails with `TimedOut` once its deadline has passed, so a
/// peer that trickles bytes (each read inside the socket's timeout) is still
/// cut off.
pub(crate) struct Deadline<R> {
    inner: R,
    until: Instant,
}

impl<R> Deadline<R> {
    pub(crate) fn new(inner: R, budget: Duration) -> Deadline<R> {
        Deadline {
            inner,
            until: Instant::now() + budget,
        }
    }
}

impl<R: Read> Read for Deadline<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if Instant::now() >= self.until {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.inner.read(buf)
    }
}

/// Reads one line (up to and including LF) of at most `limit` bytes.
fn read_line(reader: &mut impl BufRead, limit: usize) -> Result<Vec<u8>, HttpError> {
    let mut line = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(HttpError::io)?;
    if line.len() > limit {
        return Err(HttpError {
            status: 431,
            code: "headers_too_large",
            message: format!("a line is longer than {limit} bytes"),
        });
    }
    if line.last() != Some(&b'\n') {
        return Err(HttpError::bad("the connection closed mid-message"));
    }
    Ok(line)
}

/// Reads a head: the start line, then header lines up to the empty line.
pub(crate) fn read_head(reader: &mut impl BufRead) -> Result<Head, HttpError> {
    let start = read_line(reader, MAX_HEAD)?;
    let mut budget = MAX_HEAD - start.len();
    let start = String::from_utf8(start)
        .map_err(|_| HttpError::bad("the start line is not text"))?
        .trim_end()
        .to_owned();
    let mut raw_headers = Vec::new();
    loop {
        let line = read_line(reader, budget).map_err(|mut err| {
            if err.status == 431 {
                err.message = format!("the headers are larger than {MAX_HEAD} bytes");
            }
            err
        })?;
        budget -= line.len();
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        raw_headers.extend_from_slice(&line);
    }
    let headers = parse_header_lines(&raw_headers)?;
    Ok(Head {
        start,
        headers,
        raw_headers,
    })
}

/// Splits header lines (as [`Head::raw_headers`] holds them) into names and
/// values, values trimmed of surrounding blanks and otherwise kept as bytes.
pub(crate) fn parse_header_lines(raw: &[u8]) -> Result<Vec<(String, Vec<u8>)>, HttpError> {
    let mut headers = Vec::new();
    for line in raw.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if headers.len() == MAX_HEADERS {
            return Err(HttpError {
                status: 431,
                code: "headers_too_large",
                message: format!("more than {MAX_HEADERS} headers"),
            });
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(|| HttpError::bad("a header line has no colon"))?;
        let name = &line[..colon];
        // A token: no blanks (a folded or space-padded name is refused, as
        // RFC 9112 asks, so no two parsers can read the head differently).
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic()) {
            return Err(HttpError::bad("a header name is empty or not a token"));
        }
        let value = line[colon + 1..].trim_ascii();
        // A bare CR could end the line for the next hop's parser: a header
        // smuggled past the listener. Refused, as RFC 9112 allows.
        if value.iter().any(|&b| b == b'\r' || b == 0) {
            return Err(HttpError::bad("a header value holds a CR or NUL"));
        }
        let name = String::from_utf8_lossy(name).into_owned();
        headers.push((name, value.to_vec()));
    }
    Ok(headers)
}

/// How a message's body is delimited.
pub(crate) enum Framing {
    Length(usize),
    Chunked,
    /// A response without length: the body runs to the end of the connection.
    UntilClose,
}

/// The body's framing, refused when it is ambiguous or over `max_body`
/// before a byte of it is read. `request`: no framing headers mean no body.
pub(crate) fn framing(
    headers: &[(String, Vec<u8>)],
    max_body: usize,
    request: bool,
) -> Result<Framing, HttpError> {
    let lengths: Vec<&[u8]> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.as_slice())
        .collect();
    if let Some(coding) = header(headers, "transfer-encoding") {
        // Both headers, or any coding but chunked alone, can be read two ways
        // (request smuggling): refused rather than guessed.
        if !lengths.is_empty() {
            return Err(HttpError::bad(
                "both Transfer-Encoding and Content-Length are set",
            ));
        }
        if !coding.eq_ignore_ascii_case(b"chunked") {
            return Err(HttpError {
                status: 501,
                code: "bad_request",
                message: "only the chunked transfer coding is supported".into(),
            });
        }
        return Ok(Framing::Chunked);
    }
    let Some(first) = lengths.first() else {
        return Ok(if request {
            Framing::Length(0)
        } else {
            Framing::UntilClose
        });
    };
    if lengths.iter().any(|v| v != first) {
        return Err(HttpError::bad(
            "Content-Length is repeated with different values",
        ));
    }
    let length = std::str::from_utf8(first)
        .ok()
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<usize>().ok())
        .ok_or_else(|| HttpError::bad("Content-Length is not a number"))?;
    if length > max_body {
        return Err(HttpError::too_large(max_body));
    }
    Ok(Framing::Length(length))
}

/// Reads a body as `framing` delimits it, at most `max_body` bytes.
pub(crate) fn read_body(
    reader: &mut impl BufRead,
    framing: Framing,
    max_body: usize,
) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    match framing {
        Framing::Length(length) => {
            // The length is within the cap: room for it at once, not by doubling.
            body.reserve_exact(length);
            reader
                .take(length as u64)
                .read_to_end(&mut body)
                .map_err(HttpError::io)?;
            if body.len() < length {
                return Err(HttpError::bad("the connection closed mid-body"));
            }
        }
        Framing::UntilClose => {
            reader
                .take(max_body as u64 + 1)
                .read_to_end(&mut body)
                .map_err(HttpError::io)?;
            if body.len() > max_body {
                return Err(HttpError::too_large(max_body));
            }
        }
        Framing::Chunked => loop {
            let line = read_line(reader, 1024).map_err(|err| match err.status {
                431 => HttpError::bad("a chunk size line is longer than 1024 bytes"),
                _ => err,
            })?;
            let size = line
                .split(|&b| b == b';' || b == b'\r' || b == b'\n')
                .next()
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| usize::from_str_radix(hex.trim(), 16).ok())
                .ok_or_else(|| HttpError::bad("a chunk size is not hexadecimal"))?;
            if size == 0 {
                // Trailers (ignored, as a proxy may) up to the empty line.
                read_head_lines_until_empty(reader)?;
                break;
            }
            if size > max_body - body.len() {
                return Err(HttpError::too_large(max_body));
            }
            let before = body.len();
            reader
                .take(size as u64 + 2)
                .read_to_end(&mut body)
                .map_err(HttpError::io)?;
            // The chunk, then its CRLF, which is not part of the body.
            if body.len() - before != size + 2 || body.split_off(before + size) != b"\r\n" {
                return Err(HttpError::bad(
                    "a chunk is cut short or not followed by CRLF",
                ));
            }
        },
    }
    Ok(body)
}

fn read_head_lines_until_empty(reader: &mut impl BufRead) -> Result<(), HttpError> {
    let mut budget = MAX_HEAD;
    loop {
        let line = read_line(reader, budget)?;
        budget -= line.len();
        if line == b"\r\n" || line == b"\n" {
            return Ok(());
        }
    }
}

/// Headers that describe one connection, not the message: never passed on
/// (RFC 9110 §7.6.1), with those the Connection header names. Host and
/// Content-Length are written anew for the next hop, and Expect would make
/// the next hop wait for a 100 Continue that nobody sends.
pub(crate) fn end_to_end(headers: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>)> {
    const HOP_BY_HOP: [&str; 12] = [
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "expect",
    ];
    let named: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    headers
        .iter()
        .filter(|(n, _)| {
            let n = n.to_ascii_lowercase();
            !HOP_BY_HOP.contains(&n.as_str()) && !named.contains(&n)
        })
        .cloned()
        .collect()
}

/// An `http://` URL taken apart.
pub(crate) struct Target {
    address: String,
    host_header: String,
    path: String,
}

impl Target {
    /// `flag` names the option the URL came from, for the error.
    pub(crate) fn parse(flag: &str, url: &str) -> Result<Target, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            format!("{flag} {url:?}: only plain http:// is spoken (to a receiver on this machine or beside it)")
        })?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.is_empty() {
            return Err(format!("{flag} {url:?} has no host"));
        }
        let address = if authority
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        Ok(Target {
            address,
            host_header: authority.to_owned(),
            path: path.to_owned(),
        })
    }

    /// The URL's path (and query), `/` when it has none.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The path to request for a delivery that came in on `received`: a URL
    /// ending in `/` takes the received path (and query) after it.
    pub(crate) fn path_for(&self, received: &str) -> String {
        if self.path.ends_with('/') {
            format!("{}{}", self.path, received.trim_start_matches('/'))
        } else {
            self.path.clone()
        }
    }
}

/// What a server answered.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: Option<Vec<u8>>,
    pub(crate) body: Vec<u8>,
}

/// POSTs `body` to `path` on `target` with `headers` (plus Host,
/// Content-Length and `Connection: close`) and reads the answer, its body at
/// most `max_body` bytes.
pub(crate) fn post(
    target: &Target,
    path: &str,
    headers: &[(String, Vec<u8>)],
    body: &[u8],
    max_body: usize,
) -> Result<Response, String> {
    let mut request =
        format!("POST {path} HTTP/1.1\r\nHost: {}\r\n", target.host_header).into_bytes();
    for (name, value) in headers {
        request.extend_from_slice(name.as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    let stream = connect(target).map_err(|e| e.to_string())?;
    // Head and body in one write: one segment for small deliveries.
    request.extend_from_slice(body);
    (&stream).write_all(&request).map_err(|e| e.to_string())?;
    // The server may think for a while before its first byte: the whole
    // answer, not each read, is what has a limit.
    stream
        .set_read_timeout(Some(ANSWER_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(Deadline::new(&stream, ANSWER_TIMEOUT));
    let reason = |err: HttpError| match err.status {
        408 => format!("no answer within {} s", ANSWER_TIMEOUT.as_secs()),
        _ => err.message,
    };
    loop {
        let head = read_head(&mut reader).map_err(reason)?;
        let status = head
            .start
            .strip_prefix("HTTP/1.")
            .and_then(|rest| rest.get(2..5))
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or("the answer does not start with an HTTP/1.x status line")?;
        // Interim answers (100 Continue, 103 Early Hints) come before the real one.
        if (100..200).contains(&status) {
            continue;
        }
        let framing = match status {
            204 | 304 => Framing::Length(0),
            _ => framing(&head.headers, max_body, false).map_err(reason)?,
        };
        let body = read_body(&mut reader, framing, max_body).map_err(reason)?;
        return Ok(Response {
            status,
            content_type: head.header("content-type").map(<[u8]>::to_vec),
            body,
        });
    }
}

fn connect(target: &Target) -> std::io::Result<TcpStream> {
    let address = target
        .address
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("the host name resolves to no address"))?;
    let stream = TcpStream::connect_timeout(&address, IO_TIMEOUT)?;
    set_timeouts(&stream)?;
    Ok(stream)
}

pub(crate) fn set_timeouts(stream: &TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    stream.set_nodelay(true)
}

/// Writes a whole answer and closes the exchange (`Connection: close`).
pub(crate) fn respond(
    mut stream: &TcpStream,
    status: u16,
    content_type: &[u8],
    body: &[u8],
) -> std::io::Result<()> {
    let mut answer = format!("HTTP/1.1 {status} {}\r\nContent-Type: ", reason(status)).into_bytes();
    answer.extend_from_slice(content_type);
    answer.extend_from_slice(
        format!(
            "\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    answer.extend_from_slice(body);
    stream.write_all(&answer)?;
    stream.flush()
}

/// After answering a request whose body was not read: stops sending and
/// reads (and drops) what the peer still sends, for a moment, before the
/// socket closes. Closing with unread data makes the kernel send a reset,
/// which can destroy the answer before the peer has read it.
pub(crate) fn linger(stream: &TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut rest = Deadline::new(stream, Duration::from_secs(2)).take(16 * 1024 * 1024);
    let _ = std::io::copy(&mut rest, &mut std::io::sink());
}

/// A JSON error answer: `{"code": …, "message": …}`.
pub(crate) fn respond_error(stream: &TcpStream, status: u16, code: &str, message: &str) {
    let body = serde_json::json!({ "code": code, "message": message }).to_string();
    // The sender may be gone already; there is no one else to tell.
    let _ = respond(stream, status, b"application/json", body.as_bytes());
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Head, HttpError> {
        read_head(&mut text.as_bytes())
    }

    fn body(headers: &str, rest: &str, max: usize) -> Result<Vec<u8>, HttpError> {
        let request = format!("POST / HTTP/1.1\r\n{headers}\r\n{rest}");
        let mut reader = request.as_bytes();
        let head = read_head(&mut reader)?;
        let framing = framing(&head.headers, max, true)?;
        read_body(&mut reader, framing, max)
    }

    #[test]
    fn heads() {
        let h = head("POST /a HTTP/1.1\r\nHost: x\r\nX-A:  v v \r\n\r\n")
            .ok()
            .unwrap();
        assert_eq!(h.start, "POST /a HTTP/1.1");
        assert_eq!(h.header("x-a"), Some(&b"v v"[..]));
        assert_eq!(h.raw_headers, b"Host: x\r\nX-A:  v v \r\n");
        assert_eq!(
            head("POST / HTTP/1.1\r\n folded\r\n\r\n")
                .err()
                .unwrap()
                .status,
            400
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nBad Name: x\r\n\r\n")
                .err()
                .unwrap()
                .status,
            400
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nX: a\rB: c\r\n\r\n")
                .err()
                .unwrap()
                .status,
            400
        );
        assert_eq!(
            head("POST / HTTP/1.1\r\nHost: x\r\n").err().unwrap().status,
            400
        );
        let many = "X: y\r\n".repeat(MAX_HEADERS + 1);
        assert_eq!(
            head(&format!("POST / HTTP/1.1\r\n{many}\r\n"))
                .err()
                .unwrap()
                .status,
            431
        );
        let long = format!("POST / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(head(&long).err().unwrap().status, 431);
    }

    #[test]
    fn bodies() {
        assert_eq!(
            body("Content-Length: 3\r\n", "abcdef", 10).ok().unwrap(),
            b"abc"
        );
        assert_eq!(body("", "abc", 10).ok().unwrap(), b"");
        assert_eq!(
            body("Content-Length: 11\r\n", "", 10).err().unwrap().status,
            413
        );
        assert_eq!(
            body("Content-Length: 5\r\n", "abc", 10)
                .err()
                .unwrap()
                .status,
            400
        );
        assert_eq!(
            body("Content-Length: +5\r\n", "abcde", 10)
                .err()
                .unwrap()
                .status,
            400
        );
        assert_eq!(
            body("Content-Length: 1\r\nContent-Length: 2\r\n", "ab", 10)
                .err()
                .unwrap()
                .status,
            400
        );
        let chunked = "Transfer-Encoding: chunked\r\n";
        assert_eq!(
            body(chunked, "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n", 10)
                .ok()
                .unwrap(),
            b"abcde"
        );
        assert_eq!(
            body(chunked, "b\r\nabcdefghijk\r\n0\r\n\r\n", 10)
                .err()
                .unwrap()
                .status,
            413
        );
        assert_eq!(
            body(chunked, "ffffffffffffffffff\r\n", 10)
                .err()
                .unwrap()
                .status,
            400
        );
        assert_eq!(
            body(chunked, "3\r\nabcX\r\n", 10).err().unwrap().status,
            400
        );
        assert_eq!(
            body(
                "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                "",
                10
            )
            .err()
            .unwrap()
            .status,
            400
        );
        assert_eq!(
            body("Transfer-Encoding: gzip\r\n", "", 10)
                .err()
                .unwrap()
                .status,
            501
        );
    }

    #[test]
    fn hop_by_hop_headers_stay() {
        let headers: Vec<(String, Vec<u8>)> = [
            ("Host", "a"),
            ("Connection", "close, X-Private"),
            ("X-Private", "1"),
            ("Webhook-Id", "msg_1"),
            ("Transfer-Encoding", "chunked"),
            ("Content-Type", "application/json"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect();
        let kept = end_to_end(&headers);
        let names: Vec<&str> = kept.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Webhook-Id", "Content-Type"]);
    }

    #[test]
    fn urls() {
        let t = Target::parse("--url", "http://127.0.0.1:8080/hooks?x=1")
            .ok()
            .unwrap();
        assert_eq!(
            (t.address.as_str(), t.path.as_str()),
            ("127.0.0.1:8080", "/hooks?x=1")
        );
        assert_eq!(t.path_for("/other"), "/hooks?x=1");
        let t = Target::parse("--forward", "http://localhost").ok().unwrap();
        assert_eq!(t.address, "localhost:80");
        assert_eq!(t.path_for("/webhooks/stripe?a=b"), "/webhooks/stripe?a=b");
        let t = Target::parse("--forward", "http://localhost:3000/api/")
            .ok()
            .unwrap();
        assert_eq!(t.path_for("/stripe"), "/api/stripe");
        assert!(Target::parse("--url", "https://example.com/").is_err());
        assert!(Target::parse("--url", "http:///x").is_err());
    }
}
