//! Load test of `curriculum-bot serve` (its own process) on loopback: signed `/resource`
//! interactions from an in-repo client, against the same client hitting `/healthz` (HTTP with no
//! work) as the baseline in the same run. Reports throughput, p50/p99, errors (any failed or
//! non-2xx request fails the run) and the server's CPU time per request, from its
//! `/proc/<pid>/stat` before and after each run. `cargo bench --bench endpoint`.

#[path = "common/mod.rs"]
mod common;

use common::{pick, ratio, thousands, Report};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 32;
fn run_time() -> Duration {
    pick(Duration::from_secs(6), Duration::from_secs(1))
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Load {
    rate: f64,
    p50: Duration,
    p99: Duration,
    requests: usize,
    errors: usize,
    /// The server's CPU time per request.
    cpu_per_request: Duration,
}

/// A URL and, for POSTs, (signature, timestamp, body).
type Request = (String, Option<(String, String, Vec<u8>)>);

async fn load(client: reqwest::Client, reqs: Arc<Vec<Request>>, server: u32) -> Load {
    let cpu_before = common::process_cpu(server).expect("the server's /proc stat");
    let run = run_time();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..CONCURRENCY {
        let client = client.clone();
        let reqs = reqs.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut n = w;
            while start.elapsed() < run {
                let (url, signed) = &reqs[n % reqs.len()];
                n += CONCURRENCY;
                let t = Instant::now();
                let resp = match signed {
                    None => client.get(url).send().await,
                    Some((sig, ts, body)) => {
                        client
                            .post(url)
                            .header("X-Signature-Ed25519", sig)
                            .header("X-Signature-Timestamp", ts)
                            .header("Content-Type", "application/json")
                            .body(body.clone())
                            .send()
                            .await
                    }
                };
                match resp {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = common::process_cpu(server).expect("the server's /proc stat") - cpu_before;
    all.sort();
    Load {
        rate: all.len() as f64 / secs,
        p50: common::quantile(&all, 0.5),
        p99: common::quantile(&all, 0.99),
        requests: all.len(),
        errors,
        cpu_per_request: cpu / (all.len() + errors).max(1) as u32,
    }
}

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let port = free_port();
    let db = std::env::temp_dir().join(format!("cb-load-{}", std::process::id()));
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_curriculum-bot"))
            .arg("serve")
            .current_dir(root)
            .env("HTTP_BIND", format!("127.0.0.1:{port}"))
            .env(
                "DISCORD_PUBLIC_KEY",
                hex::encode(key.verifying_key().to_bytes()),
            )
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/db.sqlite?mode=rwc", db.display()),
            )
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("server starts"),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    rt.block_on(async {
        for _ in 0..100 {
            if client
                .get(format!("{base}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let queries = [
        "mlflow",
        "docker",
        "kubeflw",
        "terraform",
        "k8s",
        "airflow",
        "monitoring",
        "aws",
    ];
    let signed: Vec<_> = (0..256)
        .map(|i| {
            let body = json!({
                "id": (1_000_000 + i).to_string(), "application_id": "2", "type": 2, "token": "t", "channel_id": "3", "guild_id": "4",
                "member": { "user": { "id": "5", "username": "u" }, "permissions": "0", "roles": [] },
                "data": { "id": "6", "name": "resource", "type": 1, "options": [{ "name": "query", "type": 3, "value": queries[i % queries.len()] }] }
            })
            .to_string()
            .into_bytes();
            let mut msg = ts.clone().into_bytes();
            msg.extend_from_slice(&body);
            let sig = hex::encode(key.sign(&msg).to_bytes());
            (format!("{base}/interactions"), Some((sig, ts.clone(), body)))
        })
        .collect();
    // One request checked in full: a signed /resource gets its answer.
    rt.block_on(async {
        let (url, Some((sig, ts, body))) = &signed[0] else {
            unreachable!("signed requests carry a signature")
        };
        let r = client
            .post(url)
            .header("X-Signature-Ed25519", sig)
            .header("X-Signature-Timestamp", ts)
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .expect("the server answers");
        assert!(r.status().is_success(), "{}", r.status());
        let v: serde_json::Value = r.json().await.expect("a JSON answer");
        assert_eq!(v["type"], 4, "{v}");
        assert!(v.to_string().to_lowercase().contains("mlflow"), "{v}");
    });
    let health = vec![(format!("{base}/healthz"), None)];
    let pid = server.0.id();
    rt.block_on(load(client.clone(), Arc::new(signed.clone()), pid)); // warm-up
    let baseline = rt.block_on(load(client.clone(), Arc::new(health), pid));
    let real = rt.block_on(load(client, Arc::new(signed), pid));
    let mut rows = Vec::new();
    for (name, r) in [
        ("GET /healthz (baseline)", &baseline),
        ("POST /interactions, signed /resource", &real),
    ] {
        assert_eq!(r.errors, 0, "{name}: {} failed requests", r.errors);
        rows.push(vec![
            name.to_string(),
            format!("{} req/s", thousands(r.rate as u64)),
            format!("{:.2} ms", r.p50.as_secs_f64() * 1e3),
            format!("{:.2} ms", r.p99.as_secs_f64() * 1e3),
            thousands(r.requests as u64),
            r.errors.to_string(),
            format!("{:.1} µs", r.cpu_per_request.as_secs_f64() * 1e6),
        ]);
    }
    rows.push(vec![
        "ratio (interactions / baseline)".into(),
        ratio(real.rate, baseline.rate),
        ratio(real.p50.as_secs_f64(), baseline.p50.as_secs_f64()),
        ratio(real.p99.as_secs_f64(), baseline.p99.as_secs_f64()),
        String::new(),
        String::new(),
        ratio(
            real.cpu_per_request.as_secs_f64(),
            baseline.cpu_per_request.as_secs_f64(),
        ),
    ]);
    let mut rep = Report::new("endpoint");
    rep.line(format!(
        "`curriculum-bot serve` as its own process (2 worker threads) and an in-repo load \
         generator (1 thread, {CONCURRENCY} keep-alive connections) on loopback, sharing the \
         machine's cores; {} s per scenario after a warm-up. Each interaction is signed \
         (Ed25519 checked) and handled by the one handler. Server CPU: user + system time of \
         the server process over the run, per request.\n",
        run_time().as_secs()
    ));
    rep.table(
        &[
            "scenario",
            "throughput",
            "p50",
            "p99",
            "requests",
            "errors",
            "server CPU per request",
        ],
        &rows,
    );
    rep.summary(
        "HTTP endpoint, signed `/resource`",
        "≥ 5,000/s, p99 ≤ 10 ms",
        format!(
            "{}/s, p99 {:.1} ms, {:.0} µs server CPU per request, 0 errors",
            thousands(real.rate as u64),
            real.p99.as_secs_f64() * 1e3,
            real.cpu_per_request.as_secs_f64() * 1e6
        ),
        Some(real.rate >= 5_000.0 && real.p99 <= Duration::from_millis(10)),
    );
    rep.write();
}
