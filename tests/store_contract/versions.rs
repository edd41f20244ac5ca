//! Contract tests of the curriculum versions replicas record (issue 10).

use std::sync::Arc;

use curriculum_bot::store::{StoreError, MAX_REPLICAS_KEPT};

use super::fixture::*;

/// Two replicas record their versions; a reload replaces a replica's row; bad ids store
/// nothing; restarts never grow the table past the cap, the latest loads kept.
pub async fn curriculum_versions(fx: Arc<Fixture>) {
    let store = fx.open().await;
    store
        .record_curriculum_version("host-a-1-ff", "00000000000000aa", T0)
        .await
        .unwrap();
    store
        .record_curriculum_version("host-b-2-ee", "00000000000000aa", T0 + 1)
        .await
        .unwrap();
    store
        .record_curriculum_version("host-a-1-ff", "00000000000000bb", T0 + 2)
        .await
        .unwrap();
    let shown: Vec<String> = store
        .curriculum_versions()
        .await
        .unwrap()
        .iter()
        .map(|v| format!("{} {} {}", v.replica, v.hash, v.loaded_at - T0))
        .collect();
    assert_eq!(
        shown,
        [
            "host-a-1-ff 00000000000000bb 2",
            "host-b-2-ee 00000000000000aa 1"
        ]
    );
    for (replica, hash) in [("", "aa"), ("a b", "aa"), ("ok", ""), ("ok", "h\n")] {
        let r = store.record_curriculum_version(replica, hash, T0 + 3).await;
        assert!(
            matches!(r, Err(StoreError::Invalid(_))),
            "{replica:?} {hash:?}: {r:?}"
        );
    }
    let long = "x".repeat(129);
    assert!(store
        .record_curriculum_version(&long, "aa", T0)
        .await
        .is_err());
    assert_eq!(store.curriculum_versions().await.unwrap().len(), 2);
    let cap = MAX_REPLICAS_KEPT;
    for n in 0..cap + 10 {
        let replica = format!("restart-{n:03}");
        store
            .record_curriculum_version(&replica, "cc", T0 + 100 + n)
            .await
            .unwrap();
    }
    let kept = store.curriculum_versions().await.unwrap();
    assert_eq!(kept.len() as i64, cap);
    assert_eq!(kept[0].replica, format!("restart-{:03}", cap + 9));
    assert_eq!(kept.last().unwrap().replica, "restart-010");
}
