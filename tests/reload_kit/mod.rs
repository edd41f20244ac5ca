//! The reload tests' bot: the seed-free fixture site copied to a scratch folder, a real SQLite
//! store, a `Discord` that records posts, and typed commands and button clicks as a moderator.
#![allow(dead_code)]

use curriculum_bot::app::App;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::ports::{Discord, RestError};
use curriculum_bot::reply::{self, ask, Interaction, Response};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Scratch(pub PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Posts recorded: (channel, content).
#[derive(Default)]
pub struct Posts(pub Mutex<Vec<(String, String)>>);

#[async_trait::async_trait]
impl Discord for Posts {
    async fn create_message(
        &self,
        channel: &str,
        message: &reply::Message,
        _nonce: Option<&str>,
    ) -> Result<String, RestError> {
        let text = message.content.clone().unwrap_or_default();
        self.0.lock().unwrap().push((channel.to_string(), text));
        Ok("1".into())
    }
    async fn pin(&self, _: &str, _: &str) -> Result<(), RestError> {
        Ok(())
    }
    async fn create_dm(&self, _: &str) -> Result<String, RestError> {
        Ok("2".into())
    }
    async fn messages_after(
        &self,
        _: &str,
        _: u64,
        _: u8,
    ) -> Result<Vec<curriculum_bot::ports::PostedMessage>, RestError> {
        Ok(Vec::new())
    }
    async fn own_user_id(&self) -> Result<String, RestError> {
        Ok("100000000000000097".into())
    }
    async fn edit_message(&self, _: &str, _: &str, _: &reply::Message) -> Result<(), RestError> {
        Ok(())
    }
}

pub struct Bot {
    pub app: Arc<App>,
    pub posts: Arc<Posts>,
    pub docs: PathBuf,
    _site: Scratch,
}

pub async fn bot(name: &str) -> Bot {
    bot_with(name, &[]).await
}

/// [`bot`] with extra settings.
pub async fn bot_with(name: &str, vars: &[(&str, &str)]) -> Bot {
    let dir = std::env::temp_dir().join(format!("reload-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/site"),
        &dir,
    );
    let site = Scratch(dir.clone());
    let docs = dir.join("docs");
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some("/nonexistent/aliases.txt".into()),
        _ => vars
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string()),
    })
    .unwrap();
    let (cat, _) = load_catalog(&docs, &settings).unwrap();
    let store_url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let store = curriculum_bot::store::open(&store_url, &Default::default())
        .await
        .unwrap();
    let posts = Arc::new(Posts::default());
    let app = App::new(cat, posts.clone(), store).with_source(docs.clone(), settings);
    Bot {
        app: Arc::new(app),
        posts,
        docs,
        _site: site,
    }
}

impl Bot {
    pub async fn ask(&self, line: &str) -> Response {
        self.ask_as(MODERATOR, line).await
    }

    pub async fn ask_as(&self, user: &str, line: &str) -> Response {
        let defs = reply::registry::definitions(&self.app.catalog().curriculum);
        let i = ask::interaction(line, &defs, &moderator(user)).unwrap();
        self.app.handle(&i).await.response
    }

    pub async fn click(&self, custom_id: &str) -> Response {
        self.click_as(MODERATOR, custom_id).await
    }

    pub async fn click_as(&self, user: &str, custom_id: &str) -> Response {
        let defs = reply::registry::definitions(&self.app.catalog().curriculum);
        let who = moderator(user);
        let mut v = serde_json::to_value(ask::interaction("/help", &defs, &who).unwrap()).unwrap();
        v["type"] = 3.into();
        v["data"] = serde_json::json!({ "custom_id": custom_id, "component_type": 2 });
        let i: Interaction = serde_json::from_value(v).unwrap();
        self.app.handle(&i).await.response
    }

    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.docs.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

/// The moderator `ask` plays by default.
pub const MODERATOR: &str = "100000000000000001";

pub fn moderator(user: &str) -> ask::Asker {
    ask::Asker {
        moderator: true,
        user_id: user.into(),
        ..ask::Asker::default()
    }
}

pub fn text(r: &Response) -> String {
    r.message()
        .and_then(|m| m.content.clone())
        .unwrap_or_default()
}
