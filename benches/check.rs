//! `curriculum-bot check` (the real binary, a child process) on hostile pages (issue 11): one
//! resource line repeated 5,000 times, and a 10 MB page of distinct links. Baseline in the same
//! run: a page of ordinary content (prose topics with a few distinct links each) of the same
//! size. Time, CPU, peak RSS (`wait4`) and bytes printed; each run is capped in time and memory
//! and an overrun is reported as such. `cargo bench --bench check`.

#[path = "common/mod.rs"]
mod common;

use common::{mib, pick, ratio, run_child, thousands, ChildRun, Ending, Report};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const HEAD: &str =
    "# Bench page\n\n## Tools\n- **Containers**\n  - Docker basics\n  - **Resources:**\n";
/// Address-space cap of each child: a quadratic run stops here instead of taking the machine.
const MAX_MEMORY: u64 = 4 << 30;

/// One resource line `n` times.
fn identical_lines(n: usize) -> String {
    let mut s = HEAD.to_string();
    for _ in 0..n {
        s.push_str("    - [Docker Docs](https://docs.docker.com) - Containers\n");
    }
    s
}

/// Distinct links until the page reaches `bytes`; returns the page and the number of links.
fn distinct_links(bytes: usize) -> (String, usize) {
    let mut s = HEAD.to_string();
    let mut n = 0;
    while s.len() < bytes {
        let _ = writeln!(s, "    - [Link {n}](https://example.com/r/{n}) - item {n}");
        n += 1;
    }
    (s, n)
}

/// Ordinary content of about `bytes`: topics with prose bullets and three distinct links each.
fn ordinary(bytes: usize) -> String {
    let mut s = String::from("# Bench page\n\n");
    let mut t = 0;
    while s.len() < bytes {
        let _ = write!(
            s,
            "## Section {t}\n- **Topic {t}: pipelines and monitoring**\n  \
             - Design and run training pipelines for model {t} with tracked experiments\n  \
             - Package the model in a container and deploy it behind an API\n  \
             - Watch latency, drift and errors, and alert the team on call\n  \
             - **Resources:**\n"
        );
        for k in 0..3 {
            let _ = writeln!(
                s,
                "    - [Guide {t}.{k}](https://example.org/guides/{t}/{k}) - A practical guide"
            );
        }
        s.push('\n');
        t += 1;
    }
    s
}

fn write_page(root: &Path, name: &str, text: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("page folder");
    std::fs::write(dir.join("page.md"), text).expect("write page");
    dir
}

fn check(dir: &Path, limit: Duration) -> ChildRun {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_curriculum-bot"));
    cmd.arg("check").arg(dir).env("RUST_LOG", "error");
    run_child(&cmd, limit, Some(MAX_MEMORY))
}

/// The `N resources` of `check`'s summary line, if it printed one.
fn resources(run: &ChildRun) -> Option<u64> {
    let last = run.stdout_tail.lines().last()?;
    if !(last.starts_with("ok: ") || last.starts_with("FAILED: ")) {
        return None;
    }
    let words: Vec<&str> = last.split_whitespace().collect();
    let i = words.iter().position(|w| w.starts_with("resources"))?;
    words.get(i.checked_sub(1)?)?.parse().ok()
}

fn outcome(run: &ChildRun, limit: Duration) -> String {
    match run.ending {
        Ending::Exited(code) => format!("exit {code}"),
        Ending::TimedOut => format!("**did not finish in {} s** (killed)", limit.as_secs()),
        Ending::Signalled(sig) => format!(
            "**killed by signal {sig}** (at the {} GiB memory cap?)",
            MAX_MEMORY >> 30
        ),
    }
}

/// A run cut short took at least what it shows.
fn at_least(run: &ChildRun) -> &'static str {
    match run.ending {
        Ending::Exited(_) => "",
        _ => "≥ ",
    }
}

fn main() {
    common::serve_spawn();
    let limit = pick(Duration::from_secs(60), Duration::from_secs(10));
    let root = std::env::temp_dir().join(format!("cb-check-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dup = identical_lines(5_000);
    let mb = pick(10, 2);
    let (links, n_links) = distinct_links(mb << 20);
    let links_name = format!("{mb} MB of distinct links");
    let cases = [
        ("5,000 identical resource lines", dup, None),
        (links_name.as_str(), links, Some(n_links as u64)),
    ];
    let mut rep = Report::new("check");
    rep.line(format!(
        "Each page alone in a folder, `curriculum-bot check <folder>` as a child process (time \
         limit {} s, address space capped at {} GiB); peak RSS from `wait4`, the child started by a small process so that it is its own. Baseline in the same \
         run: a page of ordinary content (topics of prose bullets with three distinct links each) \
         of the same size.\n",
        limit.as_secs(),
        MAX_MEMORY >> 30
    ));
    let mut rows = Vec::new();
    for (i, (name, page, expect_resources)) in cases.into_iter().enumerate() {
        let base_page = ordinary(page.len());
        let base = check(&write_page(&root, &format!("base{i}"), &base_page), limit);
        // The baseline must be right, or the comparison means nothing.
        assert_eq!(
            base.ending,
            Ending::Exited(0),
            "check on the ordinary page failed: {}",
            base.stdout_tail
        );
        assert!(
            resources(&base).is_some_and(|n| n > 0),
            "{}",
            base.stdout_tail
        );
        let run = check(&write_page(&root, &format!("hostile{i}"), &page), limit);
        let finished = matches!(run.ending, Ending::Exited(0 | 1));
        if finished {
            let got = resources(&run);
            assert!(
                got.is_some(),
                "check finished without its summary line: {}",
                run.stdout_tail
            );
            if let Some(n) = expect_resources {
                assert_eq!(got, Some(n), "every distinct link is a resource");
            }
        }
        let size_kib = page.len() as u64 / 1024;
        let over = run.peak_rss_kib.saturating_sub(base.peak_rss_kib);
        let met = finished && over <= 10 * size_kib;
        rep.summary(
            &format!("`check` on {name}"),
            "finishes; peak RSS ≤ an ordinary page's + 10× the page size",
            format!(
                "{}{:.2} s, {}{} ({} and {} for an ordinary page)",
                at_least(&run),
                run.wall.as_secs_f64(),
                at_least(&run),
                mib(run.peak_rss_kib),
                format_args!("{:.2} s", base.wall.as_secs_f64()),
                mib(base.peak_rss_kib)
            ),
            Some(met),
        );
        for (label, r) in [
            (format!("ordinary content (baseline for {name})"), &base),
            (name.to_string(), &run),
        ] {
            rows.push(vec![
                label,
                format!("{} KiB", thousands(size_kib)),
                format!("{}{:.2} s", at_least(r), r.wall.as_secs_f64()),
                format!("{}{:.2} s", at_least(r), r.cpu.as_secs_f64()),
                format!("{}{}", at_least(r), mib(r.peak_rss_kib)),
                format!("{}{} bytes", at_least(r), thousands(r.stdout_bytes)),
                outcome(r, limit),
                format!(
                    "{}{}",
                    at_least(r),
                    ratio(r.wall.as_secs_f64(), base.wall.as_secs_f64())
                ),
                format!(
                    "{}{}",
                    at_least(r),
                    ratio(r.peak_rss_kib as f64, base.peak_rss_kib as f64)
                ),
            ]);
        }
    }
    rep.table(
        &[
            "page",
            "size",
            "wall time",
            "CPU",
            "peak RSS",
            "printed",
            "result",
            "time vs baseline",
            "RSS vs baseline",
        ],
        &rows,
    );
    rep.write();
    let _ = std::fs::remove_dir_all(&root);
}
