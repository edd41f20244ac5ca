//! `curriculum-bot ask` leaves nothing behind in the temporary folder (issue 11, item 7).

use std::process::Command;

#[test]
fn ask_removes_its_scratch_database() {
    let tmp = std::env::temp_dir().join(format!("cb-ask-tmp-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    for line in [
        "/help",
        "/remind subscribe",
        "/search nothing-matches-this-zzz",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_curriculum-bot"))
            .args(["ask", line])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("CURRICULUM_PATH")
            .env_remove("CURRICULUM_BASE_URL")
            .env("TMPDIR", &tmp)
            .output()
            .expect("the binary runs");
        // 0, or 2 for the search that finds nothing: either way the command ran.
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let left: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{line} left {left:?} in {}", tmp.display());
    }
    std::fs::remove_dir(&tmp).unwrap();
}
