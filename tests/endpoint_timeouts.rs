//! The HTTP server under `serve` against slow and idle clients, with its limits shrunk to fractions
//! of a second: idle and slow-header connections are closed, a slow body gets 408, the connection
//! cap holds without starving a signed PING for long, and shutdown finishes within its deadline
//! even while clients keep connections open (in-process and for the real binary on SIGTERM).

mod endpoint_kit;

use curriculum_bot::discord::endpoint::ServeOptions;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SHORT: Duration = Duration::from_millis(200);
const LONG: Duration = Duration::from_secs(30);

struct Server {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(opts: ServeOptions) -> Server {
    let state = endpoint_kit::offline(endpoint_kit::key().verifying_key()).await;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr, task) = endpoint_kit::serve(state, opts, async {
        let _ = rx.await;
    })
    .await;
    Server {
        addr,
        stop: Some(tx),
        task,
    }
}

/// A signed PING, answered within `within` or `None`.
async fn ping(addr: std::net::SocketAddr, within: Duration) -> Option<u16> {
    let body = r#"{"id":"1","application_id":"2","type":1,"token":"t"}"#;
    let (sig, ts) = endpoint_kit::sign(
        &endpoint_kit::key(),
        endpoint_kit::unix_now(),
        body.as_bytes(),
    );
    let req = reqwest::Client::new()
        .post(format!("http://{addr}/interactions"))
        .header("X-Signature-Ed25519", sig)
        .header("X-Signature-Timestamp", ts)
        .body(body)
        .send();
    let resp = tokio::time::timeout(within, req).await.ok()?.ok()?;
    Some(resp.status().as_u16())
}

/// What the server does with a connection within `within`: `Some(bytes)` when it answered or
/// closed it (empty: closed without a word), `None` while it stays open and silent.
async fn outcome(conn: &mut TcpStream, within: Duration) -> Option<String> {
    let mut buf = vec![0u8; 1024];
    match tokio::time::timeout(within, conn.read(&mut buf)).await {
        Err(_) => None,
        Ok(Ok(n)) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        Ok(Err(_)) => Some(String::new()),
    }
}

fn opts(header: Duration, request: Duration, max_connections: usize) -> ServeOptions {
    ServeOptions {
        max_connections,
        header_timeout: header,
        request_timeout: request,
        shutdown_deadline: Duration::from_millis(300),
    }
}

#[tokio::test]
async fn idle_sockets_beyond_the_cap_are_closed_and_a_ping_still_gets_through() {
    let s = start(opts(SHORT, SHORT, 4)).await;
    let mut idle = Vec::new();
    for _ in 0..12 {
        idle.push(TcpStream::connect(s.addr).await.unwrap());
    }
    // Bounded by the ping's own timeout: idle sockets beyond the cap never hold it for long.
    assert_eq!(ping(s.addr, LONG / 2).await, Some(200));
    for conn in &mut idle {
        assert_eq!(
            outcome(conn, Duration::from_secs(3)).await.as_deref(),
            Some(""),
            "an idle connection is closed"
        );
    }
}

#[tokio::test]
async fn the_connection_cap_holds_until_a_slot_frees() {
    let s = start(opts(LONG, LONG, 2)).await;
    let mut idle = vec![
        TcpStream::connect(s.addr).await.unwrap(),
        TcpStream::connect(s.addr).await.unwrap(),
    ];
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        ping(s.addr, Duration::from_millis(500)).await,
        None,
        "capped"
    );
    idle.pop();
    assert_eq!(ping(s.addr, Duration::from_secs(3)).await, Some(200));
}

#[tokio::test]
async fn a_slow_header_connection_is_dropped() {
    let s = start(opts(SHORT, LONG, 16)).await;
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    conn.write_all(b"POST /interactions HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let start = Instant::now();
    let got = outcome(&mut conn, LONG / 2).await;
    assert!(got.is_some(), "still open after {:?}", start.elapsed());
    assert!(!got.unwrap().starts_with("HTTP/1.1 2"));
    // Dropped by the header timeout, long before the request timeout (LONG).
    assert!(start.elapsed() < LONG / 2, "{:?}", start.elapsed());
}

#[tokio::test]
async fn a_slow_body_gets_408() {
    let s = start(opts(LONG, SHORT, 16)).await;
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    conn.write_all(
        b"POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\
          X-Signature-Ed25519: 00\r\nX-Signature-Timestamp: 1\r\n\r\n{\"id\":",
    )
    .await
    .unwrap();
    let got = outcome(&mut conn, Duration::from_secs(3)).await;
    let got = got.expect("answered");
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
}

#[tokio::test]
async fn shutdown_finishes_within_its_deadline_despite_open_connections() {
    let mut s = start(opts(LONG, LONG, 16)).await;
    let mut idle = TcpStream::connect(s.addr).await.unwrap();
    let mut slow = TcpStream::connect(s.addr).await.unwrap();
    slow.write_all(b"POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    s.stop.take().unwrap().send(()).unwrap();
    let done = tokio::time::timeout(LONG / 2, &mut s.task).await;
    let took = start.elapsed();
    assert!(matches!(done, Ok(Ok(Ok(())))), "{done:?}");
    // The shutdown deadline (300 ms), not the connections' timeouts (LONG), ends it.
    assert!(took < LONG / 4, "{took:?}");
    assert!(outcome(&mut idle, Duration::from_secs(1)).await.is_some());
    assert!(outcome(&mut slow, Duration::from_secs(1)).await.is_some());
}

fn bin(port: u16, key_hex: &str, db: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_curriculum-bot"));
    cmd.arg("serve")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HTTP_BIND", format!("127.0.0.1:{port}"))
        .env("DISCORD_PUBLIC_KEY", key_hex)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        )
        .env("HTTP_TIMEOUT_SECS", "60")
        .env("HTTP_SHUTDOWN_SECS", "1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    cmd
}

fn temp_db(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cb-timeouts-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("db.sqlite")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn the_binary_exits_within_the_deadline_after_sigterm_with_a_client_holding_on() {
    let port = free_port();
    let db = temp_db("term");
    let key = hex::encode(endpoint_kit::key().verifying_key().to_bytes());
    let mut child = bin(port, &key, &db).spawn().unwrap();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut up = false;
    for _ in 0..200 {
        if ping(addr, Duration::from_secs(1)).await == Some(200) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "serve starts");
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST /interactions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    let _idle = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let start = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if start.elapsed() > Duration::from_secs(40) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = start.elapsed();
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?} after {took:?}"
    );
    // HTTP_SHUTDOWN_SECS (1 s) ends it, not HTTP_TIMEOUT_SECS (60 s).
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn the_binary_refuses_a_weak_public_key_naming_the_setting() {
    let db = temp_db("weak");
    for weak in ["00".repeat(32), format!("01{}", "00".repeat(31))] {
        let out = bin(free_port(), &weak, &db).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{err}");
        assert!(
            err.contains("DISCORD_PUBLIC_KEY") && err.contains("weak"),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
