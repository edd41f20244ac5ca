//! Shared by every benchmark: quick mode, the Markdown fragments `scripts/bench.sh` assembles
//! into BENCHMARKS.md, percentiles and number formatting, and the CPU time and peak memory of
//! child processes (`wait4`, `/proc/<pid>/stat`).
#![allow(dead_code)] // each benchmark uses a different part

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// `BENCH_QUICK=1`: short smoke runs (smaller inputs, fewer repetitions).
pub fn quick() -> bool {
    std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `full` normally, `quick` under `BENCH_QUICK=1`.
pub fn pick<T>(full: T, quick_value: T) -> T {
    if quick() {
        quick_value
    } else {
        full
    }
}

/// Where fragments go: `BENCH_OUT`, else `target/bench-out`.
pub fn out_dir() -> PathBuf {
    std::env::var_os("BENCH_OUT").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-out"),
        PathBuf::from,
    )
}

/// A benchmark's output: its section of BENCHMARKS.md and its rows of the summary table
/// (`| what | target | measured |`), written to `<name>.md` and `<name>.summary.md`.
pub struct Report {
    name: &'static str,
    section: String,
    summary: Vec<String>,
}

impl Report {
    pub fn new(name: &'static str) -> Report {
        Report {
            name,
            section: String::new(),
            summary: Vec::new(),
        }
    }

    /// A line of the section (also echoed to stdout).
    pub fn line(&mut self, s: impl AsRef<str>) {
        println!("{}", s.as_ref());
        self.section.push_str(s.as_ref());
        self.section.push('\n');
    }

    /// A Markdown table: header and rows.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        self.line(format!("| {} |", header.join(" | ")));
        self.line(format!("|{}", "---|".repeat(header.len())));
        for r in rows {
            self.line(format!("| {} |", r.join(" | ")));
        }
        self.line("");
    }

    /// A row of the summary table; `met` is `None` when there is no target.
    pub fn summary(&mut self, what: &str, target: &str, measured: String, met: Option<bool>) {
        let verdict = match met {
            Some(true) => "met",
            Some(false) => "**not met**",
            None => "—",
        };
        self.summary
            .push(format!("| {what} | {target} | {measured} | {verdict} |"));
    }

    /// Writes the fragments.
    pub fn write(self) {
        let dir = out_dir();
        std::fs::create_dir_all(&dir).expect("create the bench output folder");
        std::fs::write(dir.join(format!("{}.md", self.name)), &self.section)
            .expect("write the section");
        let rows: String = self.summary.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(dir.join(format!("{}.summary.md", self.name)), rows)
            .expect("write the summary rows");
        eprintln!("wrote {}/{}.md", dir.display(), self.name);
        // A missed target fails the benchmark (and so `scripts/bench.sh`), after its figures are
        // written for a look.
        let missed: Vec<&String> = self
            .summary
            .iter()
            .filter(|r| r.contains("not met"))
            .collect();
        if !missed.is_empty() {
            for r in &missed {
                eprintln!("target not met: {r}");
            }
            std::process::exit(1);
        }
    }
}

/// The value at quantile `q` (0..=1) of sorted `v`.
pub fn quantile(v: &[Duration], q: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// Median and p99.
pub fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort_unstable();
    (quantile(&v, 0.5), quantile(&v, 0.99))
}

/// Milliseconds with three decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// Microseconds with one decimal.
pub fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// `a / b` as `12.3×` (or `—` when `b` is zero).
pub fn ratio(a: f64, b: f64) -> String {
    if b <= 0.0 {
        return "—".into();
    }
    let r = a / b;
    if r >= 100.0 {
        format!("{r:.0}×")
    } else if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.2}×")
    }
}

/// An integer with thousands separators: `19,392`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// KiB as MiB with one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Seconds of CPU (user + system) a live process has used, from `/proc/<pid>/stat`.
pub fn process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) in parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(Duration::from_secs_f64(ticks as f64 / hz))
}

/// Peak resident memory (`VmHWM`, KiB) of a live process.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// How a child process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Signalled(i32),
    /// Killed by us after the time limit.
    TimedOut,
}

/// A finished child: wall time, CPU, peak RSS (from `wait4`, so nothing is missed at exit),
/// and the last bytes of its stdout with their total count.
#[derive(Debug, Clone)]
pub struct ChildRun {
    pub ending: Ending,
    pub wall: Duration,
    pub cpu: Duration,
    pub peak_rss_kib: u64,
    pub stdout_bytes: u64,
    pub stdout_tail: String,
}

/// The first argument that makes a benchmark binary a spawner (see [`run_child`]).
const SPAWN_ARG: &str = "__bench_spawn";

/// Runs `cmd` (its stdout is read and counted, stderr discarded) and waits at most `limit`,
/// killing it after that. `max_memory` caps its address space (`RLIMIT_AS`) so a runaway
/// child cannot take the shared machine's memory.
///
/// The command is started by a fresh copy of this benchmark binary (see [`serve_spawn`], which
/// `main` must call first): a process forked from a big one inherits its RSS high-water mark,
/// so `wait4`'s peak RSS is only the command's own when its parent is small.
pub fn run_child(cmd: &Command, limit: Duration, max_memory: Option<u64>) -> ChildRun {
    let mut sp = Command::new(std::env::current_exe().expect("the benchmark's own path"));
    sp.arg(SPAWN_ARG)
        .arg(limit.as_millis().to_string())
        .arg(max_memory.unwrap_or(0).to_string())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => sp.env(k, v),
            None => sp.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        sp.current_dir(d);
    }
    sp.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = sp.spawn().expect("spawn the spawner");
    let mut out = child.stdout.take().expect("stdout piped");
    let reader = std::thread::spawn(move || {
        let (mut total, mut tail, mut buf) = (0u64, Vec::new(), vec![0u8; 64 * 1024]);
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n as u64;
            tail.extend_from_slice(&buf[..n]);
            if tail.len() > 8192 {
                tail.drain(..tail.len() - 4096);
            }
        }
        (total, String::from_utf8_lossy(&tail).into_owned())
    });
    let mut report = String::new();
    child
        .stderr
        .take()
        .expect("stderr piped")
        .read_to_string(&mut report)
        .expect("the spawner's report");
    let status = child.wait().expect("the spawner exits");
    assert!(status.success(), "the spawner failed: {report}");
    let (stdout_bytes, stdout_tail) = reader.join().unwrap_or_default();
    let f: Vec<&str> = report.split_whitespace().collect();
    let [kind, code, wall, cpu, rss] = f[..] else {
        panic!("the spawner's report: {report:?}")
    };
    let num = |s: &str| s.parse::<u64>().expect("a number in the spawner's report");
    ChildRun {
        ending: match kind {
            "exit" => Ending::Exited(num(code) as i32),
            "signal" => Ending::Signalled(num(code) as i32),
            _ => Ending::TimedOut,
        },
        wall: Duration::from_nanos(num(wall)),
        cpu: Duration::from_nanos(num(cpu)),
        peak_rss_kib: num(rss),
        stdout_bytes,
        stdout_tail,
    }
}

/// Call first in a benchmark's `main` that uses [`run_child`]: when this process is a spawner,
/// it runs the command (stdout inherited, stderr discarded), reports
/// `exit|signal|timeout CODE WALL_NS CPU_NS PEAK_RSS_KIB` on stderr and exits.
pub fn serve_spawn() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).and_then(|a| a.to_str()) != Some(SPAWN_ARG) {
        return;
    }
    let arg = |i: usize| -> u64 {
        args.get(i)
            .and_then(|a| a.to_str())
            .and_then(|a| a.parse().ok())
            .expect("spawner arguments")
    };
    let (limit, max_memory) = (Duration::from_millis(arg(2)), arg(3));
    let mut cmd = Command::new(&args[4]);
    cmd.args(&args[5..]).stderr(std::process::Stdio::null());
    let r = wait_child(&mut cmd, limit, (max_memory > 0).then_some(max_memory));
    let (kind, code) = match r.ending {
        Ending::Exited(c) => ("exit", c),
        Ending::Signalled(s) => ("signal", s),
        Ending::TimedOut => ("timeout", 0),
    };
    eprintln!(
        "{kind} {code} {} {} {}",
        r.wall.as_nanos(),
        r.cpu.as_nanos(),
        r.peak_rss_kib
    );
    std::process::exit(0);
}

/// Spawns `cmd` and `wait4`s for it, killing it after `limit`; stdout is not read here.
fn wait_child(cmd: &mut Command, limit: Duration, max_memory: Option<u64>) -> ChildRun {
    use std::os::unix::process::CommandExt;
    if let Some(bytes) = max_memory {
        // SAFETY: setrlimit is async-signal-safe, as pre_exec requires.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let start = Instant::now();
    #[allow(clippy::zombie_processes)] // reaped by `wait4` below, which gives its rusage
    let mut child: Child = cmd.spawn().expect("spawn the child");
    let pid = child.id() as libc::pid_t;
    let mut timed_out = false;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value to be overwritten.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let flags = if timed_out { 0 } else { libc::WNOHANG };
        // SAFETY: pid is our own unreaped child; the pointers are valid.
        let r = unsafe { libc::wait4(pid, &mut status, flags, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        assert!(r == 0, "wait4: {}", std::io::Error::last_os_error());
        if start.elapsed() >= limit {
            let _ = child.kill();
            timed_out = true;
        } else {
            std::thread::sleep(Duration::from_millis(2));
        }
    };
    let wall = start.elapsed();
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let ending = if timed_out {
        Ending::TimedOut
    } else if libc::WIFEXITED(status) {
        Ending::Exited(libc::WEXITSTATUS(status))
    } else {
        Ending::Signalled(libc::WTERMSIG(status))
    };
    ChildRun {
        ending,
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_rss_kib: usage.ru_maxrss as u64,
        stdout_bytes: 0,
        stdout_tail: String::new(),
    }
}

/// A PostgreSQL schema of one benchmark run's own (named `<prefix>_<hash of the pid>`): the store
/// opened in it, and (from [`PgScratch::new`]) a raw connection to it for bulk loading;
/// [`PgScratch::drop`] removes it.
pub struct PgScratch {
    schema: String,
    admin: sqlx::PgConnection,
    /// The URL that reaches the schema, for further connections.
    pub url: String,
    pub store: std::sync::Arc<dyn curriculum_bot::store::Store>,
}

impl PgScratch {
    pub async fn new(base: &str, prefix: &str) -> (PgScratch, sqlx::PgConnection) {
        use sqlx::{Connection, Executor};
        use std::hash::{BuildHasher, RandomState};
        let schema = format!(
            "{prefix}_{:x}",
            RandomState::new().hash_one(std::process::id())
        );
        let mut admin = sqlx::PgConnection::connect(base).await.expect("connect");
        admin
            .execute(format!("CREATE SCHEMA {schema}").as_str())
            .await
            .expect("schema");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let store = curriculum_bot::store::open(&url, &Default::default())
            .await
            .expect("open");
        let conn = sqlx::PgConnection::connect(&url).await.expect("connect");
        (
            PgScratch {
                schema,
                admin,
                url,
                store,
            },
            conn,
        )
    }

    /// Closes the store and drops the schema with everything in it.
    pub async fn drop(mut self) {
        use sqlx::Executor;
        self.store.close().await;
        self.admin
            .execute(format!("DROP SCHEMA {} CASCADE", self.schema).as_str())
            .await
            .expect("drop");
    }
}
