//! `/curriculum` per moderator and per server, and `/pin list` paged (issue 17's minor items),
//! through the bot's own handler on a copy of the fixture site.

mod reload_kit;

use curriculum_bot::reply::Response;
use reload_kit::*;

/// Regression: the diff behind the paging buttons was one global "last diff": another
/// moderator's validation replaced it under the first one's buttons.
#[tokio::test]
async fn each_moderator_pages_their_own_diff() {
    let bot = bot("per-user").await;
    for t in 0..20 {
        let d = bot.docs.join(format!("{:02}-extra-{t}", 10 + t));
        std::fs::create_dir_all(&d).unwrap();
        let overview = format!("# Extra {t}\n\n## Modules\n- Module 1: Start (1 week) - Go\n");
        std::fs::write(d.join("overview.md"), overview).unwrap();
    }
    let first = bot.ask("/curriculum reload").await;
    assert!(text(&first).contains("(page 1 of 2)"), "{}", text(&first));
    let other = "100000000000000009";
    let theirs = text(&bot.ask_as(other, "/curriculum validate").await);
    // "no changes" said once, not again under the headline.
    assert_eq!(
        theirs.to_lowercase().matches("no changes").count(),
        1,
        "{theirs}"
    );
    let mine = text(&bot.click("cur|page|1").await);
    assert!(mine.contains("(page 2 of 2)"), "{mine}");
    assert_eq!(
        text(&bot.click_as(other, "cur|page|1").await),
        "No changes."
    );
}

/// The curriculum is shared by every server the bot is in: only `CURRICULUM_ADMIN_GUILDS`
/// (default `DISCORD_GUILD_ID`) may reload or validate it.
#[tokio::test]
async fn only_the_admin_guilds_may_reload() {
    let bot = bot_with("admin", &[("DISCORD_GUILD_ID", "100000000000000077")]).await;
    let refused = text(&bot.ask("/curriculum reload").await);
    assert!(refused.contains("CURRICULUM_ADMIN_GUILDS"), "{refused}");
    assert_eq!(bot.app.metrics.reloads("reloaded"), 0);
    // `ask` plays in guild …002: listed, it may.
    let listed = [(
        "CURRICULUM_ADMIN_GUILDS",
        "100000000000000077,100000000000000002",
    )];
    let bot = bot_with("admin-listed", &listed).await;
    let done = text(&bot.ask("/curriculum validate").await);
    assert!(done.starts_with("Checked ("), "{done}");
}

/// Regression: `/pin list` with 40 pins was cut mid-line at 2,000 characters; now it is paged
/// with `pin|list|N` buttons, every pin on a page, whole.
#[tokio::test]
async fn pin_list_of_40_pins_is_paged() {
    let bot = bot("pinlist").await;
    let slug = bot.app.catalog().curriculum.tracks[0].slug.clone();
    for n in 0..40 {
        let pin = curriculum_bot::store::NewPin {
            guild_id: 100000000000000002,
            channel_id: 100000000000000003,
            message_id: 200000000000000000 + n,
            track: &slug,
            module: 1,
            hash: "abc",
        };
        bot.app.store.record_pin(&pin, 1).await.unwrap();
    }
    let first = bot.ask("/pin list").await;
    let mut seen = std::collections::BTreeSet::new();
    let mut page = first;
    let mut clicks = 0;
    loop {
        let shown = text(&page);
        assert!(shown.chars().count() <= 2000);
        assert!(shown.starts_with("**Living pins** (40) — page "), "{shown}");
        for l in shown.lines().skip(1) {
            assert!(
                l.starts_with("• Module 1 (") && l.ends_with("after the next reload"),
                "{l}"
            );
            seen.insert(l.to_string());
        }
        let buttons = &page.message().unwrap().components[0].components;
        let next = &buttons[1];
        if next.disabled == Some(true) {
            break;
        }
        page = bot.click(next.custom_id.as_deref().unwrap()).await;
        assert!(matches!(page, Response::Update(_)));
        clicks += 1;
    }
    assert_eq!(seen.len(), 40, "every pin listed once");
    assert!(clicks >= 2);
}
