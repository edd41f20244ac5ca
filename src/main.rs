//! The `curriculum-bot` binary: parse the command line, load settings, start tracing, run one
//! subcommand. Everything else lives in the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use curriculum_bot::{cli, config::Settings, delivery, discord, load, reply::ask::Asker};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "curriculum-bot",
    version,
    about = "A Discord bot for a Docusaurus-style curriculum"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the bot on the Discord gateway (the default).
    Run,
    /// Serve Discord's HTTP interactions endpoint (+ /healthz, /metrics) on HTTP_BIND.
    Serve,
    /// Run only the reminder delivery worker (for scaled deployments on PostgreSQL).
    Deliver,
    /// Register the slash commands (globally, or in DISCORD_GUILD_ID) and exit; for deployments
    /// that use `serve` instead of the gateway.
    Register,
    /// Validate a curriculum: parse errors, missing pages, duplicates, modules without duration.
    Check {
        path: Option<PathBuf>,
        /// `text` for people, `github` for GitHub Actions annotations, `json` for tools.
        #[arg(long, value_enum, default_value_t = cli::CheckFormat::Text)]
        format: cli::CheckFormat,
        /// Also print notes (e.g. a title that names several URLs), each once with its places.
        #[arg(long)]
        verbose: bool,
    },
    /// Search the curriculum.
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Only this track (slug or label).
        #[arg(long)]
        track: Option<String>,
    },
    /// Run a slash command offline through the bot's own handler, e.g. `ask "/resource mlflow"`.
    Ask {
        line: String,
        #[arg(long)]
        json: bool,
        /// Ask as a moderator (Manage Messages, Manage Channels, Manage Server).
        #[arg(long)]
        moderator: bool,
        /// Write the reply's picture (e.g. `/roadmap`'s) to this PNG file.
        #[arg(long)]
        png: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The tools (`check`, `search`, `ask`) answer on stdout; stderr carries only warnings and
    // errors, and colour only when it is a terminal.
    let tool = matches!(
        cli.command,
        Some(Cmd::Check { .. } | Cmd::Search { .. } | Cmd::Ask { .. })
    );
    let default_filter = if tool {
        "warn"
    } else {
        "curriculum_bot=info,warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(cli::EXIT_ERRORS)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let settings = Settings::from_env()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut out = std::io::stdout().lock();
    match cli.command.unwrap_or(Cmd::Run) {
        Cmd::Check {
            path,
            format,
            verbose,
        } => {
            let path = path.unwrap_or_else(|| settings.curriculum_path.clone());
            Ok(cli::check_verbose(
                &path, &settings, format, verbose, &mut out,
            )?)
        }
        Cmd::Search {
            query,
            json,
            limit,
            track,
        } => {
            let (cat, _) = load::load_catalog(&settings.curriculum_path, &settings)?;
            Ok(cli::search(
                &cat,
                &query,
                json,
                limit,
                track.as_deref(),
                &mut out,
            )?)
        }
        Cmd::Ask {
            line,
            json,
            moderator,
            png,
        } => {
            let (cat, _) = load::load_catalog(&settings.curriculum_path, &settings)?;
            // Offline, the asker runs the bot's own files: any "server" may reload them.
            let mut local = settings.clone();
            local.curriculum_admin_guilds.clear();
            let source = (settings.curriculum_path.clone(), local);
            let app = rt.block_on(cli::offline_app_from(cat, Some(source)))?;
            let who = Asker {
                moderator,
                ..Asker::default()
            };
            let png = png.as_deref();
            Ok(rt.block_on(cli::ask_with_png(&app, &line, json, &who, png, &mut out))?)
        }
        Cmd::Deliver => {
            let (cat, _) = load::load_catalog(&settings.curriculum_path, &settings)?;
            rt.block_on(async {
                let rest = Arc::new(rest_client(&settings)?);
                let store = open_store(&settings).await?;
                let app = Arc::new(curriculum_bot::app::App::new(cat, rest, store));
                tracing::info!("delivering reminders");
                delivery::run(
                    app,
                    delivery_config(&settings),
                    discord::gateway::shutdown_signal(),
                )
                .await;
                anyhow::Ok(())
            })?;
            Ok(0)
        }
        Cmd::Register => {
            let (cat, _) = load::load_catalog(&settings.curriculum_path, &settings)?;
            let rest = rest_client(&settings)?;
            let defs = curriculum_bot::reply::registry::definitions(&cat.curriculum);
            let n = rt.block_on(async {
                let app_id = rest.application_id().await?;
                rest.register_commands(&app_id, settings.discord_guild_id.as_deref(), &defs)
                    .await
            })?;
            println!("registered {n} commands");
            Ok(0)
        }
        Cmd::Serve => {
            let (cat, _) = load::load_catalog(&settings.curriculum_path, &settings)?;
            rt.block_on(run_endpoint(&settings, cat))?;
            Ok(0)
        }
        Cmd::Run => {
            let (cat, _) = load::load_catalog(&settings.curriculum_path, &settings)?;
            rt.block_on(run_gateway(&settings, cat))?;
            Ok(0)
        }
    }
}

async fn run_gateway(
    settings: &Settings,
    cat: curriculum_bot::reply::Catalog,
) -> anyhow::Result<()> {
    let token = settings.discord_token.clone().with_context(token_missing)?;
    let rest = Arc::new(discord::rest::Rest::new(&discord::rest::RestConfig {
        base_url: settings.discord_api_url.clone(),
        token: token.clone(),
        global_per_second: settings.rest_per_second,
        max_attempts: 6,
    })?);
    let store = open_store(settings).await?;
    let app = Arc::new(
        curriculum_bot::app::App::new(cat, rest.clone(), store)
            .with_source(settings.curriculum_path.clone(), settings.clone()),
    );
    assign_untracked(&app).await;
    app.refresh_pins();
    let cfg = discord::gateway::GatewayConfig {
        token,
        api_url: settings.discord_api_url.clone(),
        guild_id: settings.discord_guild_id.clone(),
        shards: settings
            .shard_range
            .zip(settings.shard_count)
            .map(|((a, b), n)| (a, b, n)),
        deadlines: Default::default(),
    };
    let deliveries = tokio::spawn(delivery::run(
        app.clone(),
        delivery_config(settings),
        discord::gateway::shutdown_signal(),
    ));
    let watcher = live_curriculum(&app, settings).await?;
    discord::gateway::run(cfg, app, rest, discord::gateway::shutdown_signal()).await?;
    let _ = deliveries.await;
    if let Some(w) = watcher {
        let _ = w.await;
    }
    Ok(())
}

/// One fixed worker id on SQLite (one instance per database, so a restart takes its own claims
/// back at once); a unique one per process on PostgreSQL, where several workers share the work.
fn delivery_config(settings: &Settings) -> delivery::DeliveryConfig {
    let worker = if settings.database_url.starts_with("sqlite:") {
        "local".to_string()
    } else {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        format!("worker-{}-{nanos:x}", std::process::id())
    };
    delivery::DeliveryConfig {
        worker,
        lease_secs: i64::from(settings.delivery_lease_secs),
        batch: settings.rest_per_second.clamp(100, 5_000),
        ..Default::default()
    }
}

async fn run_endpoint(
    settings: &Settings,
    cat: curriculum_bot::reply::Catalog,
) -> anyhow::Result<()> {
    use discord::endpoint;
    let key_hex = settings.discord_public_key.clone().context(
        "DISCORD_PUBLIC_KEY is not set: `serve` needs it to verify Discord's signatures",
    )?;
    let key = endpoint::public_key(&key_hex).map_err(anyhow::Error::msg)?;
    let rest = Arc::new(discord::rest::Rest::new(&discord::rest::RestConfig {
        base_url: settings.discord_api_url.clone(),
        token: settings.discord_token.clone().unwrap_or_default(),
        global_per_second: settings.rest_per_second,
        max_attempts: 6,
    })?);
    let store = open_store(settings).await?;
    let app = Arc::new(
        curriculum_bot::app::App::new(cat, rest.clone(), store.clone())
            .with_source(settings.curriculum_path.clone(), settings.clone()),
    );
    assign_untracked(&app).await;
    let _watcher = live_curriculum(&app, settings).await?;
    app.refresh_pins();
    let health: endpoint::HealthCheck = Arc::new(move || {
        let store = store.clone();
        Box::pin(async move { store.ping().await.map_err(|e| e.to_string()) })
    });
    let listener = tokio::net::TcpListener::bind(&settings.http_bind)
        .await
        .with_context(|| format!("binding HTTP_BIND={}", settings.http_bind))?;
    tracing::info!(addr = %settings.http_bind, "serving interactions");
    let secs = |s: u32| std::time::Duration::from_secs(u64::from(s));
    let deadlines = discord::deadline::Deadlines::default();
    let opts = endpoint::ServeOptions {
        max_connections: settings.http_max_connections as usize,
        header_timeout: secs(settings.http_timeout_secs),
        // Time to send the body, plus the answer's own time until it is deferred.
        request_timeout: secs(settings.http_timeout_secs) + deadlines.ack,
        shutdown_deadline: secs(settings.http_shutdown_secs),
    };
    let state = endpoint::Endpoint {
        app,
        key,
        health,
        rest,
        deadlines,
        pending: Default::default(),
    };
    endpoint::serve(listener, state, opts, async {
        discord::gateway::shutdown_signal().await;
        tracing::info!("shutting down: closing the listener");
    })
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Start-up of the bot (`run`, `serve`): subscriptions made before tracks follow the track they
/// were made under. `deliver` replicas don't run it (reminders of an untracked subscription
/// already use the first track), so several workers never race over the same rows at start.
async fn assign_untracked(app: &curriculum_bot::app::App) {
    match app.assign_untracked().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            moved = n,
            "subscriptions made before tracks now follow a track"
        ),
        Err(e) => tracing::warn!(error = %e, "could not assign tracks to older subscriptions"),
    }
    // Subscriptions of a track that went missing while the bot was down pause; those whose
    // track came back resume.
    let now = curriculum_bot::app::unix_now();
    let cat = app.catalog();
    match curriculum_bot::reload::tracks::follow(&*app.store, &cat.curriculum, now).await {
        Ok(f) => match f.line() {
            Some(line) if f.missing.is_empty() => tracing::info!("{line}"),
            Some(line) => tracing::warn!("{line}"),
            None => {}
        },
        Err(e) => tracing::warn!(error = %e, "could not check the subscriptions' tracks"),
    }
}

/// Records the version this replica serves and, with `CURRICULUM_WATCH=true`, starts the
/// watcher that reloads the curriculum when its files change (until shutdown).
async fn live_curriculum(
    app: &Arc<curriculum_bot::app::App>,
    settings: &Settings,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    curriculum_bot::reload::record_version(&*app.store, &app.reload).await;
    if !settings.curriculum_watch {
        return Ok(None);
    }
    let app = app.clone();
    let channel = settings.curriculum_log_channel.clone();
    let reload = move || {
        let (app, channel) = (app.clone(), channel.clone());
        async move {
            let ctx = app.reload_ctx();
            let swap = |cat| app.swap_catalog(cat);
            curriculum_bot::moderation::auto_reload(
                &ctx,
                &*app.discord,
                channel.as_deref(),
                || app.catalog(),
                swap,
            )
            .await;
        }
    };
    let task = curriculum_bot::watch::spawn(
        &settings.curriculum_path,
        Default::default(),
        discord::gateway::shutdown_signal(),
        reload,
    )
    .with_context(|| {
        format!(
            "watching CURRICULUM_PATH={}",
            settings.curriculum_path.display()
        )
    })?;
    Ok(Some(task))
}

async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn curriculum_bot::store::Store>> {
    curriculum_bot::store::open(
        &settings.database_url,
        &curriculum_bot::store::OpenOptions::default(),
    )
    .await
    .with_context(|| "opening DATABASE_URL".to_string())
}

/// The error for a missing token: where to put it (".env exists" or "copy .env.example").
fn token_missing() -> String {
    if std::path::Path::new(".env").exists() {
        "DISCORD_TOKEN is not set: add `DISCORD_TOKEN=…` to .env (or the environment)".to_string()
    } else {
        "DISCORD_TOKEN is not set: copy .env.example to .env and fill it in".to_string()
    }
}

fn rest_client(settings: &Settings) -> anyhow::Result<discord::rest::Rest> {
    let token = settings.discord_token.clone().with_context(token_missing)?;
    Ok(discord::rest::Rest::new(&discord::rest::RestConfig {
        base_url: settings.discord_api_url.clone(),
        token,
        global_per_second: settings.rest_per_second,
        max_attempts: 6,
    })?)
}
