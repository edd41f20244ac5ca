//! The curriculum watcher on a real folder (issue 17): it keeps watching when the docs folder is
//! replaced (`rm -rf` + copy) or a release symlink is swapped (`ln -sfn`), ignores everything but
//! curriculum files (a page beside the SQLite database), and lets a save written in chunks
//! settle before a reload.

use curriculum_bot::watch::{self, scope::Scope, Debounce};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("watch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn page(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

/// A watcher on `path` whose reloads are counted (with their instants).
struct Watching {
    reloads: Arc<Mutex<Vec<Instant>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Watching {
    fn start(path: &Path) -> Watching {
        let reloads = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let seen = reloads.clone();
        let d = Debounce {
            quiet: Duration::from_millis(200),
            max: Duration::from_secs(5),
        };
        let task = watch::spawn(
            path,
            d,
            async move {
                let _ = stopped.await;
            },
            move || {
                let seen = seen.clone();
                async move { seen.lock().unwrap().push(Instant::now()) }
            },
        )
        .expect("watching");
        Watching {
            reloads,
            stop: Some(stop),
            task: Some(task),
        }
    }

    fn count(&self) -> usize {
        self.reloads.lock().unwrap().len()
    }

    /// Waits (generously) for more than `n` reloads.
    async fn after(&self, n: usize, what: &str) {
        let start = Instant::now();
        while self.count() <= n {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no reload after {what}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_keeps_watching_a_folder_replaced_by_rm_rf_and_copy() {
    let s = scratch("replaced");
    let docs = s.0.join("docs");
    page(&docs, "intro.md", "# Intro\n");
    page(&s.0.join("release"), "intro.md", "# Intro, new\n");
    let w = Watching::start(&docs);
    // rm -rf docs: a reload (which can't watch the folder for now, and says so).
    std::fs::remove_dir_all(&docs).unwrap();
    w.after(0, "removing the folder").await;
    let n = w.count();
    // cp -r release docs: seen through the parent.
    copy_dir(&s.0.join("release"), &docs);
    w.after(n, "copying the folder back").await;
    // A change inside the new folder: it is watched.
    let n = w.count();
    page(&docs, "more.md", "# More\n");
    w.after(n, "a page written into the new folder").await;
    w.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_follows_a_release_symlink_swapped_with_ln_sfn() {
    let s = scratch("symlink");
    page(&s.0.join("rel1"), "intro.md", "# One\n");
    page(&s.0.join("rel2"), "intro.md", "# Two\n");
    let current = s.0.join("current");
    std::os::unix::fs::symlink("rel1", &current).unwrap();
    let w = Watching::start(&current);
    page(&current, "a.md", "# A\n");
    w.after(0, "a page written through the link").await;
    // ln -sfn rel2 current: a new link renamed over the old one.
    let n = w.count();
    std::os::unix::fs::symlink("rel2", s.0.join("current.tmp")).unwrap();
    std::fs::rename(s.0.join("current.tmp"), &current).unwrap();
    w.after(n, "the symlink swapped").await;
    // The new release is watched.
    let n = w.count();
    page(&s.0.join("rel2"), "b.md", "# B\n");
    w.after(n, "a page written into the new release").await;
    w.stop().await;
}

/// Regression: with `CURRICULUM_PATH=data/page.md` and the SQLite database in `data/`, every
/// database write reloaded the curriculum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_page_is_not_reloaded_by_database_writes_beside_it() {
    let s = scratch("page");
    page(&s.0, "page.md", "# Page\n");
    let w = Watching::start(&s.0.join("page.md"));
    for n in 0..5 {
        std::fs::write(s.0.join("bot.db"), format!("write {n}")).unwrap();
        std::fs::write(s.0.join("bot.db-wal"), format!("write {n}")).unwrap();
    }
    // The scenario's spacing: the page is saved well after the database writes.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let saved = Instant::now();
    page(&s.0, "page.md", "# Page, edited\n");
    w.after(0, "saving the page").await;
    let first = w.reloads.lock().unwrap()[0];
    assert!(first >= saved, "a reload came from the database writes");
    w.stop().await;
}

/// A save written in chunks: the watcher's settling returns only once the file stopped changing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settling_waits_for_a_save_written_in_chunks() {
    let s = scratch("settle");
    let docs = s.0.join("docs");
    page(&docs, "intro.md", "");
    let file = docs.join("intro.md");
    let chunks = 10;
    let writer = {
        let file = file.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&file)
                .unwrap();
            for n in 0..chunks {
                writeln!(f, "- line {n} of a long save").unwrap();
                f.sync_all().unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    watch::settle(&Scope::new(&docs), Duration::from_secs(10)).await;
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text.lines().count(),
        chunks,
        "settled before the save was done"
    );
    writer.join().unwrap();
}
