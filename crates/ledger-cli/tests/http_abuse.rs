//! HTTP abuse against the real `ledger serve` on a real TCP port: oversized, truncated and
//! malformed bodies, nonsense limits and cursors, slow and idle clients.
//!
//! The promise: every abusive request gets a clear 4xx (a problem+json body whose `type`
//! names the problem) or a closed connection, a refused write leaves the head hash as it
//! was, and the server keeps answering everybody else within a bound. Requests are written
//! by hand on a `std::net::TcpStream`, because a client library would refuse to send most
//! of them. This file must never change the server; it only talks to it.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The server's body limit (`ServerConfig::default().body_limit`).
const BODY_LIMIT: usize = 64 * 1024;

/// How long a normal request may take while others abuse the server. Generous on
/// purpose (a loaded CI machine), yet far below the 10 s the server grants a slow client,
/// so a server that let slow clients block it would fail.
const SERVED_WITHIN: Duration = Duration::from_secs(3);

/// The real server under test, with the token of library `lib-000`'s account.
struct Server {
    addr: SocketAddr,
    token: String,
    // Dropped first: the server is killed before its directory goes.
    _server: support::Server,
    _dir: tempfile::TempDir,
}

/// A ledger with two libraries, the first one's account token, and a round open for a
/// day (`support::small_ledger`); then `ledger serve` on a free port.
fn start() -> Server {
    start_with(&[])
}

/// [`start`] with more `ledger serve` arguments.
fn start_with(args: &[&str]) -> Server {
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("ledger");
    let token = support::small_ledger(&dir, 2).remove(0);
    let server = support::Server::start(&dir, args);
    let addr = server
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("a socket address");
    Server {
        addr,
        token,
        _server: server,
        _dir: parent,
    }
}

/// What came back on one connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The server closed the connection after the answer.
    closed: bool,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts a problem+json answer with this status and problem code.
    fn assert_problem(&self, status: u16, code: &str, what: &str) {
        assert_eq!(
            self.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{what}"
        );
        let problem = self.json();
        assert_eq!(
            problem["type"],
            format!("urn:governance-ledger:problem:{code}"),
            "{what}: {problem}"
        );
        assert!(
            problem["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{what}: {problem}"
        );
        assert_eq!(problem["status"], status, "{what}: {problem}");
    }
}

/// Sends `request` as raw bytes (write errors ignored: the server may close early, which
/// is an allowed answer) and reads one answer.
fn exchange(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let _ = stream.write_all(request);
    read_answer(&mut stream)
}

/// Reads one HTTP/1.1 answer (head, then a `Content-Length` body), then checks whether
/// the server closed the connection.
fn read_answer(stream: &mut TcpStream) -> Answer {
    try_read_answer(stream)
        .unwrap_or_else(|partial| panic!("connection ended without an answer: {partial:?}"))
}

/// [`read_answer`], or what arrived when the connection ended (or the read timed out)
/// before a whole head did.
fn try_read_answer(stream: &mut TcpStream) -> Result<Answer, String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(String::from_utf8_lossy(&buffer).into_owned()),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a status line: {status_line}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(1500)));
    let closed = match stream.read(&mut chunk) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    };
    Ok(Answer {
        status,
        headers,
        body,
        closed,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn get(addr: SocketAddr, target: &str) -> Answer {
    exchange(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: ledger\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// A POST to the write route with the given extra head lines and raw body bytes.
fn post(server: &Server, extra_head: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST /v1/commands HTTP/1.1\r\nHost: ledger\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n{extra_head}\r\n",
        server.token
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

fn with_length(server: &Server, body: &[u8]) -> Vec<u8> {
    post(
        server,
        &format!("Content-Length: {}\r\nConnection: close\r\n", body.len()),
        body,
    )
}

/// Opens a connection (reads time out after `timeout`) and sends a POST of `body` whose
/// Content-Length promises 100 bytes more than it carries; returns the open stream.
fn send_truncated(server: &Server, body: &[u8], timeout: Duration) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).expect("connect");
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    stream
        .write_all(&post(
            server,
            &format!("Content-Length: {}\r\n", body.len() + 100),
            body,
        ))
        .expect("send");
    stream
}

/// The head hash from `/healthz`.
fn head(addr: SocketAddr) -> String {
    let answer = get(addr, "/healthz");
    assert_eq!(answer.status, 200);
    answer.json()["head"]
        .as_str()
        .expect("head hash")
        .to_owned()
}

fn a_vote() -> Value {
    json!({"type": "cast_vote", "round": "r-1", "library": "lib-000", "choice": "yes"})
}

#[test]
fn malformed_reads_get_a_clear_400_and_the_server_keeps_serving() {
    let server = start();
    let addr = server.addr;
    let huge_cursor = "z".repeat(20_000);
    let cases: Vec<(String, &str)> = vec![
        ("/v1/rounds?limit=99999999999999999999".into(), "huge limit"),
        ("/v1/rounds?limit=4294967296".into(), "limit over u32"),
        ("/v1/rounds?limit=501".into(), "limit over the maximum"),
        ("/v1/rounds?limit=0".into(), "zero limit"),
        ("/v1/rounds?limit=-1".into(), "negative limit"),
        ("/v1/rounds?limit=abc".into(), "non-numeric limit"),
        ("/v1/rounds/r-1/votes?limit=1e3".into(), "float limit"),
        ("/v1/events?limit=-5".into(), "negative events limit"),
        ("/v1/events?limit=100000".into(), "huge events limit"),
        ("/v1/rounds?after=%FF%FE%00".into(), "cursor of bad bytes"),
        (
            "/v1/rounds/r-1/votes?after=not-a-cursor".into(),
            "malformed cursor",
        ),
        (format!("/v1/rounds?after={huge_cursor}"), "huge cursor"),
        (
            "/v1/events?after=99999999999999999999999".into(),
            "events cursor over u64",
        ),
        ("/v1/events?after=-1".into(), "negative events cursor"),
        ("/v1/rounds/r-1/remarks?after=x".into(), "remarks cursor"),
        (
            "/v1/rounds/r-1/result?at=999999".into(),
            "at beyond the head",
        ),
        (
            "/v1/rounds/r-1/result?at=18446744073709551615".into(),
            "at = u64::MAX",
        ),
        ("/v1/rounds?at=-1".into(), "negative at"),
        ("/v1/rounds?colour=blue".into(), "unknown query field"),
        (
            "/v1/digest?from=0&to=999999".into(),
            "digest beyond the head",
        ),
        ("/v1/digest?from=3&to=1".into(), "digest backwards"),
        ("/v1/events/-1".into(), "negative position"),
        ("/v1/events/abc".into(), "non-numeric position"),
    ];
    for (target, what) in &cases {
        get(addr, target).assert_problem(400, "bad-request", what);
    }
    get(addr, "/v1/events/99999999").assert_problem(404, "not-found", "position past the head");
    get(addr, "/v1/nowhere").assert_problem(404, "not-found", "unknown route");

    // A request head far over what the server reads is refused and the connection closed.
    let monster = format!("/v1/rounds?after={}", "z".repeat(200_000));
    let answer = get(addr, &monster);
    assert!(
        (400..500).contains(&answer.status),
        "a 200 KB request line: {}",
        answer.status
    );
    assert!(
        answer.closed,
        "a 200 KB request line leaves the connection open"
    );

    let answer = get(addr, "/v1/rounds/r-1/result");
    assert_eq!(answer.status, 200, "the server still serves reads");
    assert_eq!(answer.json()["round"], "r-1");
}

#[test]
fn refused_writes_get_a_clear_4xx_and_leave_the_head_unchanged() {
    let server = start();
    let addr = server.addr;
    let before = head(addr);
    let vote = serde_json::to_vec(&a_vote()).expect("json");

    let mut deep = "[".repeat(10_000).into_bytes();
    deep.extend_from_slice("]".repeat(10_000).as_bytes());
    let mut deep_object = r#"{"a":"#.repeat(10_000).into_bytes();
    deep_object.push(b'1');
    deep_object.extend_from_slice("}".repeat(10_000).as_bytes());
    let mut deep_remark =
        br#"{"type":"cast_vote","round":"r-1","library":"lib-000","choice":"yes","remark":"#
            .to_vec();
    deep_remark.extend_from_slice("[".repeat(10_000).as_bytes());
    deep_remark.extend_from_slice("]".repeat(10_000).as_bytes());
    deep_remark.push(b'}');
    let invalid_utf8 =
        b"{\"type\":\"cast_vote\",\"round\":\"r-1\",\"library\":\"lib-000\",\"choice\":\"yes\",\"remark\":\"\xff\xfe\xc3\"}".to_vec();
    let unknown_field = serde_json::to_vec(
        &json!({"type": "cast_vote", "round": "r-1", "library": "lib-000", "choice": "yes", "weight": 1_000_000}),
    )
    .expect("json");
    let unknown_type = br#"{"type":"mint_money","amount":1}"#.to_vec();
    let bad: Vec<(Vec<u8>, &str)> = vec![
        (invalid_utf8, "invalid UTF-8"),
        (deep, "10,000-deep array"),
        (deep_object, "10,000-deep object"),
        (deep_remark, "10,000-deep value inside a command"),
        (unknown_field, "unknown field"),
        (unknown_type, "unknown command type"),
        (b"".to_vec(), "empty body"),
        (b"null".to_vec(), "null body"),
        (vote[..vote.len() / 2].to_vec(), "half a command"),
    ];
    for (body, what) in &bad {
        exchange(addr, &with_length(&server, body)).assert_problem(400, "bad-request", what);
        assert_eq!(head(addr), before, "{what} changed the head");
    }

    // Bad headers around a good body.
    for (extra, what) in [
        ("Idempotency-Key: bad key!\r\n", "bad Idempotency-Key"),
        (
            "Idempotency-Key: a\r\nIdempotency-Key: b\r\n",
            "two Idempotency-Keys",
        ),
        ("If-Match: -1\r\n", "negative If-Match"),
        ("If-Match: 99999999999999999999999\r\n", "huge If-Match"),
    ] {
        let head_lines = format!("{extra}Content-Length: {}\r\n", vote.len());
        exchange(addr, &post(&server, &head_lines, &vote)).assert_problem(400, "bad-request", what);
        assert_eq!(head(addr), before, "{what} changed the head");
    }

    // No token, a wrong token: 401 before the body is looked at.
    let mut anonymous = format!(
        "POST /v1/commands HTTP/1.1\r\nHost: ledger\r\nContent-Length: {}\r\n\r\n",
        vote.len()
    )
    .into_bytes();
    anonymous.extend_from_slice(&vote);
    exchange(addr, &anonymous).assert_problem(401, "unauthorized", "no token");
    let forged = String::from_utf8_lossy(&with_length(&server, &vote))
        .replace(&server.token, "lgt_forged")
        .into_bytes();
    exchange(addr, &forged).assert_problem(401, "unauthorized", "forged token");

    // A body announced over the limit is refused from its Content-Length, unread, and the
    // connection closed (the rest of the body would otherwise be read as a request).
    let announced = post(
        &server,
        &format!("Content-Length: {}\r\n", 100 * BODY_LIMIT),
        b"{",
    );
    let answer = exchange(addr, &announced);
    answer.assert_problem(413, "payload-too-large", "announced oversized body");
    assert!(answer.closed, "the connection stays open after a 413");
    assert_eq!(head(addr), before);

    // A chunked body that grows over the limit is cut off at the limit.
    let mut chunked = post(&server, "Transfer-Encoding: chunked\r\n", b"");
    let piece = vec![b' '; 8192];
    for _ in 0..(BODY_LIMIT / piece.len() + 2) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(&piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    exchange(addr, &chunked).assert_problem(413, "payload-too-large", "chunked oversized body");
    assert_eq!(head(addr), before);

    // A truncated body: Content-Length promises more than the client sends, then the
    // client stops writing. The server answers 400 at once.
    let mut stream = send_truncated(&server, &vote, Duration::from_secs(30));
    stream
        .shutdown(std::net::Shutdown::Write)
        .expect("half close");
    read_answer(&mut stream).assert_problem(400, "bad-request", "truncated body, half-closed");
    assert_eq!(head(addr), before);

    // A client that writes the same count of missing bytes and then waits (without
    // closing) gets 408 once the body timeout passes, with the connection closed; the
    // head is unchanged meanwhile.
    let mut stream = send_truncated(&server, &vote, Duration::from_secs(60));
    let answer = read_answer(&mut stream);
    answer.assert_problem(408, "request-timeout", "truncated body, held open");
    assert!(answer.closed, "the connection stays open after a 408");
    assert_eq!(head(addr), before);

    // After all that, a proper vote is taken.
    let answer = exchange(addr, &with_length(&server, &vote));
    assert_eq!(
        answer.status,
        201,
        "a good vote after the abuse: {}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_ne!(head(addr), before);
}

#[test]
fn slow_and_idle_clients_do_not_keep_others_waiting() {
    let server = start();
    let addr = server.addr;

    // Many connections opened and left idle, and a slowloris that sends one byte of its
    // request head per second.
    let idle: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(addr).expect("connect an idle client"))
        .collect();
    let slowloris = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).expect("connect the slowloris");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let head = b"GET /healthz HTTP/1.1\r\nHost: ledger\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let started = Instant::now();
        for byte in head {
            if stream.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_secs(1));
            // Stop sending once the server has answered (it closes the connection).
            if started.elapsed() > Duration::from_secs(30) {
                break;
            }
            stream.set_nonblocking(true).expect("nonblocking");
            let mut peek = [0u8; 1];
            let answered = !matches!(stream.peek(&mut peek), Err(ref e) if e.kind() == std::io::ErrorKind::WouldBlock);
            stream.set_nonblocking(false).expect("blocking");
            if answered {
                break;
            }
        }
        (try_read_answer(&mut stream), started.elapsed())
    });

    // Meanwhile a normal client gets each of its answers within the bound.
    let started = Instant::now();
    let mut asked = 0;
    while started.elapsed() < Duration::from_secs(12) {
        let t = Instant::now();
        let answer = get(addr, "/v1/rounds/r-1/result");
        assert_eq!(answer.status, 200);
        assert!(
            t.elapsed() < SERVED_WITHIN,
            "a normal read took {:?} while slow clients were connected",
            t.elapsed()
        );
        asked += 1;
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(asked >= 10);

    // The slowloris is cut off: 408 and a closed connection, well before its head is done.
    let (answer, took) = slowloris.join().expect("slowloris thread");
    let answer = answer.unwrap_or_else(|partial| {
        panic!("the slowloris was never answered nor cut off after {took:?} (got {partial:?})")
    });
    assert_eq!(answer.status, 408, "the slowloris");
    assert!(answer.closed, "the slowloris's connection stays open");
    assert!(
        took < Duration::from_secs(30),
        "the slowloris was not cut off: {took:?}"
    );

    // The idle connections were closed by the server (answered 408, or just closed).
    let mut still_open = 0;
    for mut stream in idle {
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        let mut rest = Vec::new();
        match stream.read_to_end(&mut rest) {
            Ok(_) => {
                assert!(
                    rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
                    "an idle connection got {:?}",
                    String::from_utf8_lossy(&rest)
                );
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                still_open += 1
            }
            Err(_) => {}
        }
    }
    assert_eq!(
        still_open, 0,
        "idle connections the server never closed after 12 s"
    );
    assert_eq!(get(addr, "/healthz").status, 200);
}

/// Sends `request` and reads only the answer's head (for HEAD, whose answer has no body);
/// returns the head and whatever bytes followed it before the server closed.
fn exchange_head_only(addr: SocketAddr, request: &[u8]) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let end = find(&buffer, b"\r\n\r\n").expect("a whole head");
    (
        String::from_utf8_lossy(&buffer[..end]).into_owned(),
        buffer[end + 4..].to_vec(),
    )
}

#[test]
fn http_edges_hold_on_the_wire() {
    let server = start_with(&["--public-url", "https://ledger.example.be"]);
    let addr = server.addr;
    let before = head(addr);

    // Links come from --public-url, whatever Host and the forwarded headers say.
    let forged = exchange(
        addr,
        b"GET / HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: javascript:alert(1)//\r\nForwarded: host=evil.example;proto=https\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(forged.status, 200);
    let page = String::from_utf8_lossy(&forged.body);
    assert!(page.contains("curl -s https://ledger.example.be/v1/log/key"));
    assert!(!page.contains("evil") && !page.contains("javascript"));

    // HEAD answers like GET, without a body on the wire.
    let get_answer = get(addr, "/v1/rounds/r-1");
    let (head_text, after) = exchange_head_only(
        addr,
        b"HEAD /v1/rounds/r-1 HTTP/1.1\r\nHost: ledger\r\nConnection: close\r\n\r\n",
    );
    assert!(head_text.starts_with("HTTP/1.1 200"), "{head_text}");
    let etag = get_answer.header("etag").expect("an ETag");
    assert!(
        head_text
            .to_ascii_lowercase()
            .contains(&format!("etag: {etag}")),
        "{head_text}"
    );
    assert!(after.is_empty(), "HEAD sent {} body bytes", after.len());

    // A route's path with another method: 405 with Allow.
    let answer = exchange(
        addr,
        b"DELETE /v1/rounds/r-1 HTTP/1.1\r\nHost: ledger\r\nConnection: close\r\n\r\n",
    );
    answer.assert_problem(405, "method-not-allowed", "DELETE on a round");
    assert_eq!(answer.header("allow"), Some("GET, HEAD, OPTIONS"));

    // A gzip body is 415 before anything reads it.
    let vote = serde_json::to_vec(&a_vote()).expect("json");
    let gzip = post(
        &server,
        &format!(
            "Content-Length: {}\r\nContent-Encoding: gzip\r\nIdempotency-Key: gz-1\r\nConnection: close\r\n",
            vote.len()
        ),
        &vote,
    );
    let answer = exchange(addr, &gzip);
    answer.assert_problem(415, "unsupported-content-encoding", "gzip body");
    assert_eq!(answer.header("accept-encoding"), Some("identity"));

    // A 30 KB unknown query field name is not echoed whole.
    let answer = get(addr, &format!("/v1/rounds?{}=1", "q".repeat(30_000)));
    answer.assert_problem(400, "bad-request", "30 KB query field");
    assert!(answer.body.len() < 1_000, "{} bytes", answer.body.len());

    // A refused CORS preflight is problem+json.
    let answer = exchange(
        addr,
        b"OPTIONS /v1/commands HTTP/1.1\r\nHost: ledger\r\nOrigin: https://reader.example\r\nAccess-Control-Request-Method: DELETE\r\nConnection: close\r\n\r\n",
    );
    answer.assert_problem(400, "bad-request", "preflight for DELETE");

    // Malformed heads are answered by actix-http before the application (400, 431 with
    // an empty body: no hook there) and are not logged at ERROR, so nobody can flood
    // the log with them.
    for _ in 0..20 {
        let answer = exchange(
            addr,
            b"GET / HTTP/1.1\r\nHost: ledger\r\nBad Header\x01: x\r\n\r\n",
        );
        assert_eq!(answer.status, 400);
        let answer = exchange(
            addr,
            format!(
                "GET /?{} HTTP/1.1\r\nHost: ledger\r\n\r\n",
                "a".repeat(100_000)
            )
            .as_bytes(),
        );
        assert!((400..500).contains(&answer.status), "{}", answer.status);
    }
    let log = server._server.stderr();
    assert!(
        !log.contains("ERROR"),
        "malformed requests were logged at ERROR:\n{log}"
    );

    assert_eq!(head(addr), before, "a refusal changed the log");
}

#[test]
fn serve_flags_set_the_limits_and_help_shows_them_with_their_defaults() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args(["serve", "--help"])
        .output()
        .expect("ledger serve --help");
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--rate-limit <N>",
        "[default: 20]",
        "--burst <N>",
        "[default: 40]",
        "--body-limit <BYTES>",
        "[default: 65536]",
        "--public-url <URL>",
    ] {
        assert!(
            help.contains(flag),
            "`ledger serve --help` lacks {flag}:\n{help}"
        );
    }

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_ledger"))
        .args([
            "serve",
            "--data",
            "/nonexistent",
            "--public-url",
            "javascript:alert(1)//",
        ])
        .output()
        .expect("ledger serve");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("must start with http:// or https://")
    );

    let server = start_with(&["--body-limit", "1000", "--rate-limit", "1", "--burst", "1"]);
    let addr = server.addr;
    let before = head(addr);
    let big = serde_json::to_vec(&json!({"type": "cast_vote", "round": "r-1", "library": "lib-000", "choice": "yes", "remark": "x".repeat(1_500)}))
        .expect("json");
    let answer = exchange(addr, &with_length(&server, &big));
    answer.assert_problem(413, "payload-too-large", "a body over --body-limit");
    assert!(answer.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("1000 bytes"));
    assert_eq!(head(addr), before);

    // The refused body took the token's one-request burst; one second refills it.
    std::thread::sleep(Duration::from_millis(1_100));
    let vote = serde_json::to_vec(&a_vote()).expect("json");
    let send = |key: &str| {
        exchange(
            addr,
            &post(
                &server,
                &format!(
                    "Content-Length: {}\r\nIdempotency-Key: {key}\r\nConnection: close\r\n",
                    vote.len()
                ),
                &vote,
            ),
        )
    };
    assert_eq!(send("rate-1").status, 201);
    let after_first = head(addr);
    let answer = send("rate-2");
    answer.assert_problem(
        429,
        "too-many-requests",
        "a second write within the burst of 1",
    );
    assert!(answer.header("retry-after").is_some());
    assert_eq!(head(addr), after_first);
}
