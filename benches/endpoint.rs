//! Load test of `curriculum-bot serve` on loopback: signed `/resource` interactions from an
//! in-repo client, against the same client hitting `/healthz` (HTTP with no work) as the baseline
//! in the same run. Reports throughput and p50/p99. `cargo bench --bench endpoint`.

use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 32;
const RUN: Duration = Duration::from_secs(6);

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

struct Report {
    rate: f64,
    p50: Duration,
    p99: Duration,
    errors: usize,
}

/// A URL and, for POSTs, (signature, timestamp, body).
type Request = (String, Option<(String, String, Vec<u8>)>);

async fn load(client: reqwest::Client, reqs: Arc<Vec<Request>>) -> Report {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..CONCURRENCY {
        let client = client.clone();
        let reqs = reqs.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            let mut n = w;
            while start.elapsed() < RUN {
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
    all.sort();
    Report {
        rate: all.len() as f64 / secs,
        p50: all[all.len() / 2],
        p99: all[all.len() * 99 / 100],
        errors,
    }
}

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let key = SigningKey::from_bytes(&[42u8; 32]);
    let port = free_port();
    let db = std::env::temp_dir().join(format!("cb-load-{}", std::process::id()));
    let _server = Server(
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
    let health = vec![(format!("{base}/healthz"), None)];
    rt.block_on(load(client.clone(), Arc::new(signed.clone()))); // warm-up
    let baseline = rt.block_on(load(client.clone(), Arc::new(health)));
    let real = rt.block_on(load(client, Arc::new(signed)));
    println!("endpoint load test: {CONCURRENCY} connections, {}s each, server and client on one 2-core machine", RUN.as_secs());
    for (name, r) in [
        ("GET /healthz (baseline)", &baseline),
        ("POST /interactions /resource", &real),
    ] {
        println!(
            "{name:<30} {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  errors {}",
            r.rate,
            r.p50.as_secs_f64() * 1e3,
            r.p99.as_secs_f64() * 1e3,
            r.errors
        );
    }
    println!(
        "ratio (interactions / baseline): throughput {:.2}x, p99 {:.2}x",
        real.rate / baseline.rate,
        real.p99.as_secs_f64() / baseline.p99.as_secs_f64()
    );
}
