//! A fault-injecting HTTP/1.1 proxy for the end-to-end fault tests: loopback only, bounded (a
//! request budget and a deadline), one thread per connection, stopped when dropped.
//!
//! It reads each request whole (head, then the body by Content-Length or chunked framing, forwarded
//! as raw bytes), decides its fate by its number (1-based, in arrival order, retries included), and
//! either answers with an AWS-style error itself, closes the socket, or forwards it upstream with
//! `Connection: close` and relays the full answer. Include it with
//! `#[path = "support/proxy.rs"] mod proxy;`.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[path = "realism.rs"]
pub mod realism;

/// One kind of fault. Several can be combined; for one request the first that applies wins, in
/// the order `AnswerLostAt`, `ResetEvery`, `FailEvery`, `ThrottleEvery`.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Every n-th request is answered by the proxy with this 5xx status and an AWS error body
    /// (`InternalError` / `InternalFailure` / `ServiceException` by protocol). Never forwarded.
    FailEvery { n: u64, status: u16 },
    /// Every n-th request is answered with the service's throttling error (400 `Throttling` for
    /// IAM/STS, `RequestLimitExceeded` for EC2, 503 `SlowDown` for S3, `ThrottlingException` for
    /// the JSON protocols). Never forwarded.
    ThrottleEvery { n: u64 },
    /// Every n-th request is read, then its connection is closed without an answer. Never forwarded.
    ResetEvery { n: u64 },
    /// Every request waits this long before it is forwarded.
    Latency(u64),
    /// Request n is forwarded and takes effect upstream, but the client gets its connection closed
    /// instead of the answer. With `freeze_after_lost`, every later request is held unanswered
    /// (never forwarded) so a test can kill the client at exactly that point.
    AnswerLostAt { n: u64 },
    /// Like `AnswerLostAt`, for the `nth` (1-based) request whose description (`iam CreateRole`,
    /// `ec2 RunInstances`, `s3 PUT /bucket?tagging`) equals `what` — stable whatever the
    /// interleaving, and able to reach the second call of a kind as well as the first.
    AnswerLostOn { what: String, nth: u64 },
    /// Every request whose description equals `what` is answered with this 5xx status (as
    /// `FailEvery`), retries included: that call can never succeed. Never forwarded.
    FailAlwaysOn { what: String, status: u16 },
}

#[derive(Clone, Debug)]
pub struct ProxyConfig {
    pub upstream: SocketAddr,
    pub faults: Vec<Fault>,
    /// Requests beyond this many are refused with a 503 (and counted in `refused`).
    pub max_requests: u64,
    /// After this the listener stops accepting and open connections are closed.
    pub deadline: Duration,
    /// See `Fault::AnswerLostAt`.
    pub freeze_after_lost: bool,
    /// Real AWS behaviours the emulator skips (`realism.rs`), applied to every request.
    pub realism: Option<Arc<realism::Realism>>,
}

impl ProxyConfig {
    /// `endpoint` is the sandbox's `http://127.0.0.1:PORT`.
    pub fn new(endpoint: &str, faults: Vec<Fault>) -> ProxyConfig {
        let hostport = endpoint.trim_start_matches("http://").trim_end_matches('/');
        ProxyConfig {
            upstream: hostport
                .parse()
                .expect("upstream must be http://127.0.0.1:PORT"),
            faults,
            max_requests: 2_000,
            deadline: Duration::from_secs(600),
            freeze_after_lost: false,
            realism: None,
        }
    }
}

/// What happened to one request, for the test's assertions and the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fate {
    Forwarded,
    Failed(u16),
    Throttled,
    Reset,
    AnswerLost,
    Held,
    Refused,
}

#[derive(Clone, Debug)]
pub struct Seen {
    pub n: u64,
    /// e.g. `iam CreateRole` or `s3 PUT /bucket?tagging`.
    pub what: String,
    /// Which request of that description this was (1 for the first `iam CreateRole`, 2 for the
    /// second…), retries included.
    pub nth: u64,
    pub fate: Fate,
}

struct Shared {
    cfg: ProxyConfig,
    count: AtomicU64,
    stop: AtomicBool,
    frozen: AtomicBool,
    lost_once: AtomicBool,
    log: Mutex<Vec<Seen>>,
    lost_tx: Mutex<Option<Sender<u64>>>,
    /// Requests seen so far per description, for `Seen::nth`.
    kinds: Mutex<std::collections::HashMap<String, u64>>,
}

pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    lost_rx: Mutex<Receiver<u64>>,
}

impl Proxy {
    pub fn start(cfg: ProxyConfig) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = channel();
        let shared = Arc::new(Shared {
            cfg,
            count: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            frozen: AtomicBool::new(false),
            lost_once: AtomicBool::new(false),
            log: Mutex::new(Vec::new()),
            lost_tx: Mutex::new(Some(tx)),
            kinds: Mutex::new(std::collections::HashMap::new()),
        });
        let s = shared.clone();
        let accept = std::thread::spawn(move || accept_loop(listener, s));
        Proxy {
            addr,
            shared,
            accept: Some(accept),
            lost_rx: Mutex::new(rx),
        }
    }

    /// `http://127.0.0.1:PORT`, for `--endpoint-url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests received so far (retries included).
    pub fn requests(&self) -> u64 {
        self.shared.count.load(Ordering::SeqCst)
    }

    pub fn log(&self) -> Vec<Seen> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn count_fate(&self, f: &Fate) -> usize {
        self.log().iter().filter(|s| &s.fate == f).count()
    }

    /// Waits until the `AnswerLostAt` request has been forwarded and answered upstream (it took
    /// effect), returning its number; `None` on timeout.
    pub fn wait_answer_lost(&self, timeout: Duration) -> Option<u64> {
        self.lost_rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .recv_timeout(timeout)
            .ok()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn accept_loop(listener: TcpListener, s: Arc<Shared>) {
    let start = Instant::now();
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    while !s.stop.load(Ordering::SeqCst) && start.elapsed() < s.cfg.deadline {
        match listener.accept() {
            Ok((sock, _)) => {
                let s2 = s.clone();
                workers.push(std::thread::spawn(move || {
                    let _ = serve(sock, &s2, start);
                }));
                workers.retain(|w| !w.is_finished());
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    s.stop.store(true, Ordering::SeqCst);
    drop(listener);
    // Workers notice `stop` within their read timeout; they never block longer than that.
    for w in workers {
        let _ = w.join();
    }
}

/// Sleeps in small slices so a stopped proxy does not linger.
fn nap(s: &Shared, d: Duration) {
    let end = Instant::now() + d;
    while Instant::now() < end && !s.stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(10).min(end - Instant::now()));
    }
}

struct Request {
    head: Vec<u8>,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The SigV4 credential scope's service: `iam`, `sts`, `ec2`, `s3`, `lambda`, `ssm`, `logs`.
    fn service(&self) -> String {
        self.header("authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .and_then(|c| c.split('/').nth(3))
            .unwrap_or("?")
            .to_string()
    }

    fn describe(&self) -> String {
        let svc = self.service();
        if let Some(t) = self.header("x-amz-target") {
            return format!("{svc} {}", t.rsplit('.').next().unwrap_or(t));
        }
        let body = String::from_utf8_lossy(&self.body);
        if let Some(a) = body.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
            return format!("{svc} {a}");
        }
        // The query is part of what a REST call is: `PUT /b?tagging` is not `PUT /b`.
        format!("{svc} {} {}", self.method, self.path)
    }
}

/// Reads up to and including `\r\n\r\n`; `Ok(None)` on a clean EOF before any byte.
fn read_head(sock: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Option<Vec<u8>>> {
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            let head = buf[..i + 4].to_vec();
            buf.drain(..i + 4);
            return Ok(Some(head));
        }
        let n = sock.read(&mut chunk)?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in head"))
            };
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 1 << 20 {
            return Err(io::Error::other("head too large"));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_headers(head: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or("").to_string();
    let headers = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    (first, headers)
}

fn need(sock: &mut TcpStream, buf: &mut Vec<u8>, n: usize) -> io::Result<()> {
    let mut chunk = [0u8; 65536];
    while buf.len() < n {
        let r = sock.read(&mut chunk)?;
        if r == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in body"));
        }
        buf.extend_from_slice(&chunk[..r]);
    }
    Ok(())
}

/// Reads a body framed by `headers` from `buf` + `sock`, returning its raw bytes (chunked framing
/// kept as is, trailers included). `until_eof` for responses without framing.
fn read_body(
    sock: &mut TcpStream,
    buf: &mut Vec<u8>,
    headers: &[(String, String)],
    until_eof: bool,
) -> io::Result<Vec<u8>> {
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    if get("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        let mut out = Vec::new();
        loop {
            // Chunk-size line.
            let line_end = loop {
                if let Some(i) = find(buf, b"\r\n") {
                    break i;
                }
                let l = buf.len();
                need(sock, buf, l + 1)?;
            };
            let line = String::from_utf8_lossy(&buf[..line_end]).to_string();
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| io::Error::other(format!("bad chunk size {line:?}")))?;
            out.extend(buf.drain(..line_end + 2));
            if size == 0 {
                // Trailers, then an empty line.
                loop {
                    let i = loop {
                        if let Some(i) = find(buf, b"\r\n") {
                            break i;
                        }
                        let l = buf.len();
                        need(sock, buf, l + 1)?;
                    };
                    out.extend(buf.drain(..i + 2));
                    if i == 0 {
                        return Ok(out);
                    }
                }
            }
            need(sock, buf, size + 2)?;
            out.extend(buf.drain(..size + 2));
        }
    } else if let Some(cl) = get("content-length") {
        let n: usize = cl
            .parse()
            .map_err(|_| io::Error::other("bad content-length"))?;
        need(sock, buf, n)?;
        Ok(buf.drain(..n).collect())
    } else if until_eof {
        let mut out = std::mem::take(buf);
        sock.read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(Vec::new())
    }
}

fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Option<Request>> {
    let Some(head) = read_head(sock, buf)? else {
        return Ok(None);
    };
    let (first, headers) = parse_headers(&head);
    let mut parts = first.split(' ');
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("expect") && v.eq_ignore_ascii_case("100-continue"))
    {
        sock.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = read_body(sock, buf, &headers, false)?;
    Ok(Some(Request {
        head,
        method,
        path,
        headers,
        body,
    }))
}

/// The head with `Connection: close` instead of any connection header (and no `Expect`).
fn rewrite_head(head: &[u8], drop_expect: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    for (i, line) in text.split("\r\n").enumerate() {
        if line.is_empty() {
            continue;
        }
        if i > 0 {
            let name = line.split(':').next().unwrap_or("").trim();
            if name.eq_ignore_ascii_case("connection")
                || name.eq_ignore_ascii_case("keep-alive")
                || (drop_expect && name.eq_ignore_ascii_case("expect"))
            {
                continue;
            }
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

/// Sends the request upstream and returns the full raw response.
fn forward(s: &Shared, req: &Request) -> io::Result<Vec<u8>> {
    let mut up = TcpStream::connect_timeout(&s.cfg.upstream, Duration::from_secs(5))?;
    up.set_read_timeout(Some(Duration::from_secs(120)))?;
    up.write_all(&rewrite_head(&req.head, true))?;
    up.write_all(&req.body)?;
    up.flush()?;
    let mut buf = Vec::new();
    let head = loop {
        let h = read_head(&mut up, &mut buf)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no answer"))?;
        // Skip interim 1xx answers.
        if h.starts_with(b"HTTP/1.1 1") || h.starts_with(b"HTTP/1.0 1") {
            continue;
        }
        break h;
    };
    let (status_line, headers) = parse_headers(&head);
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let bodyless = req.method.eq_ignore_ascii_case("HEAD") || status == 204 || status == 304;
    let body = if bodyless {
        Vec::new()
    } else {
        read_body(&mut up, &mut buf, &headers, true)?
    };
    let mut out = rewrite_head(&head, false);
    out.extend_from_slice(&body);
    Ok(out)
}

/// The answer to a request: the realism layer's own when it has one, else the emulator's, seen by
/// the realism layer on its way back (an empty answer: lost on the way, the connection just closes).
fn upstream(s: &Shared, req: &Request) -> io::Result<Vec<u8>> {
    match &s.cfg.realism {
        Some(r) => match r.before(req) {
            realism::Verdict::Answer(a) => Ok(a),
            realism::Verdict::Forward => forward(s, req).map(|a| r.after(req, a)),
        },
        None => forward(s, req),
    }
}

fn error_response(req: &Request, status: u16, throttle: bool) -> Vec<u8> {
    let svc = req.service();
    let rid = "fault-injected-0000";
    let (ctype, extra, body): (&str, String, String) = match svc.as_str() {
        "s3" => {
            let code = if throttle {
                "SlowDown"
            } else {
                "InternalError"
            };
            (
                "application/xml",
                String::new(),
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>injected by the fault proxy</Message><RequestId>{rid}</RequestId></Error>"
                ),
            )
        }
        "ec2" => {
            let code = if throttle {
                "RequestLimitExceeded"
            } else {
                "InternalError"
            };
            (
                "text/xml",
                String::new(),
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>injected by the fault proxy</Message></Error></Errors><RequestID>{rid}</RequestID></Response>"
                ),
            )
        }
        "iam" | "sts" => {
            let (kind, code) = if throttle {
                ("Sender", "Throttling")
            } else {
                ("Receiver", "InternalFailure")
            };
            (
                "text/xml",
                String::new(),
                format!(
                    "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>injected by the fault proxy</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
                ),
            )
        }
        // REST-JSON (lambda) and awsJson (ssm, logs).
        _ => {
            let code = if throttle {
                "ThrottlingException"
            } else {
                "ServiceException"
            };
            (
                "application/x-amz-json-1.1",
                format!("x-amzn-ErrorType: {code}\r\n"),
                format!("{{\"__type\":\"{code}\",\"message\":\"injected by the fault proxy\"}}"),
            )
        }
    };
    let reason = match status {
        400 => "Bad Request",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nx-amzn-RequestId: {rid}\r\n{extra}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn record(s: &Shared, n: u64, nth: u64, req: &Request, fate: Fate) {
    s.log.lock().unwrap_or_else(|e| e.into_inner()).push(Seen {
        n,
        what: req.describe(),
        nth,
        fate,
    });
}

fn serve(mut sock: TcpStream, s: &Shared, start: Instant) -> io::Result<()> {
    sock.set_nodelay(true)?;
    sock.set_read_timeout(Some(Duration::from_millis(200)))?;
    // Wait for the first byte, checking `stop` between short timeouts; then read it all.
    let mut one = [0u8; 1];
    loop {
        match sock.peek(&mut one) {
            Ok(0) => return Ok(()),
            Ok(_) => break,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if s.stop.load(Ordering::SeqCst) || start.elapsed() > s.cfg.deadline {
                    return Ok(());
                }
            }
            Err(e) => return Err(e),
        }
    }
    sock.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut buf = Vec::new();
    let Some(req) = read_request(&mut sock, &mut buf)? else {
        return Ok(());
    };
    sock.set_read_timeout(Some(Duration::from_secs(30)))?;
    // Numbered under one lock with its occurrence, so both follow the same arrival order.
    let (n, nth) = {
        let mut kinds = s.kinds.lock().unwrap_or_else(|e| e.into_inner());
        let k = kinds.entry(req.describe()).or_insert(0);
        *k += 1;
        (s.count.fetch_add(1, Ordering::SeqCst) + 1, *k)
    };

    if s.frozen.load(Ordering::SeqCst) {
        record(s, n, nth, &req, Fate::Held);
        nap(s, s.cfg.deadline);
        return Ok(());
    }
    if n > s.cfg.max_requests {
        record(s, n, nth, &req, Fate::Refused);
        sock.write_all(&error_response(&req, 503, false))?;
        return Ok(());
    }
    for f in &s.cfg.faults {
        if let Fault::Latency(ms) = f {
            nap(s, Duration::from_millis(*ms));
        }
    }
    let every = |k: u64| k > 0 && n.is_multiple_of(k);
    let mut fate = Fate::Forwarded;
    for f in &s.cfg.faults {
        fate = match f {
            Fault::AnswerLostAt { n: k } if *k == n => Fate::AnswerLost,
            Fault::AnswerLostOn { what, nth: k }
                if *k == nth
                    && req.describe() == *what
                    && !s.lost_once.swap(true, Ordering::SeqCst) =>
            {
                Fate::AnswerLost
            }
            Fault::FailAlwaysOn { what, status } if req.describe() == *what => {
                Fate::Failed(*status)
            }
            Fault::ResetEvery { n: k } if every(*k) => Fate::Reset,
            Fault::FailEvery { n: k, status } if every(*k) => Fate::Failed(*status),
            Fault::ThrottleEvery { n: k } if every(*k) => Fate::Throttled,
            _ => continue,
        };
        break;
    }
    record(s, n, nth, &req, fate.clone());
    match fate {
        Fate::Reset => {
            let _ = sock.shutdown(Shutdown::Both);
        }
        Fate::Failed(status) => sock.write_all(&error_response(&req, status, false))?,
        Fate::Throttled => {
            let status = if req.service() == "s3" { 503 } else { 400 };
            sock.write_all(&error_response(&req, status, true))?
        }
        Fate::AnswerLost => {
            let answer = upstream(s, &req);
            if s.cfg.freeze_after_lost {
                s.frozen.store(true, Ordering::SeqCst);
            }
            if let Some(tx) = s.lost_tx.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
                let _ = tx.send(n);
            }
            drop(answer);
            if s.cfg.freeze_after_lost {
                // Hold the client until it is killed (or the proxy stops).
                nap(s, s.cfg.deadline);
            }
            let _ = sock.shutdown(Shutdown::Both);
        }
        _ => {
            let answer = upstream(s, &req)?;
            sock.write_all(&answer)?;
            sock.flush()?;
            let _ = sock.shutdown(Shutdown::Write);
        }
    }
    Ok(())
}
