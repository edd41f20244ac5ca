//! Settings from the environment and `.env` (dotenvy). Every value is validated up front, and a bad
//! one is a clear error naming the variable, never a panic later.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("setting {key}={value:?} is invalid: {reason}")]
pub struct ConfigError {
    pub key: &'static str,
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub discord_token: Option<String>,
    pub discord_api_url: String,
    pub discord_guild_id: Option<String>,
    pub discord_public_key: Option<String>,
    pub curriculum_path: PathBuf,
    pub curriculum_base_url: Option<String>,
    pub aliases_path: PathBuf,
    pub database_url: String,
    pub rest_per_second: u32,
    pub shard_count: Option<u32>,
    /// Inclusive shard ids this process runs.
    pub shard_range: Option<(u32, u32)>,
    pub http_bind: String,
    /// How long a delivery worker's claim holds before another worker may take it over.
    pub delivery_lease_secs: u32,
    /// `serve`: the most connections open at once; more wait in the kernel's backlog.
    pub http_max_connections: u32,
    /// `serve`: seconds a client has to send a request's headers (also the idle keep-alive
    /// limit), and again to send its body and get the answer.
    pub http_timeout_secs: u32,
    /// `serve`: after SIGTERM, seconds open connections get to finish before they are closed.
    pub http_shutdown_secs: u32,
    /// `CURRICULUM_WATCH=true`: reload by itself when files under `CURRICULUM_PATH` change.
    pub curriculum_watch: bool,
    /// Where reload results (and their diff) are posted, if set.
    pub curriculum_log_channel: Option<String>,
    /// `CURRICULUM_ADMIN_GUILDS`: the servers whose moderators may `/curriculum reload|validate`
    /// (comma-separated ids; default `DISCORD_GUILD_ID`); empty: any server the bot is in.
    pub curriculum_admin_guilds: Vec<String>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/curriculum-bot.db?mode=rwc";

impl Settings {
    /// Reads `.env` (if present) and then the process environment.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let _ = dotenvy::dotenv();
        Settings::from_vars(|k| std::env::var(k).ok())
    }

    /// Builds settings from a lookup function (the environment, or a map in tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let get = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let bad = |key: &'static str, value: &str, reason: &str| ConfigError {
            key,
            value: value.to_string(),
            reason: reason.to_string(),
        };
        let url = |key: &'static str, v: Option<String>| -> Result<Option<String>, ConfigError> {
            match v {
                // One check for every base URL, also those read from docusaurus.config.
                Some(u) => match crate::curriculum::route::check_http_url(&u) {
                    Ok(()) => Ok(Some(u)),
                    Err(e) => Err(bad(key, &u, &e)),
                },
                None => Ok(None),
            }
        };
        let snowflake = |key: &'static str| -> Result<Option<String>, ConfigError> {
            match get(key) {
                Some(v)
                    if !v.is_empty() && v.len() <= 20 && v.chars().all(|c| c.is_ascii_digit()) =>
                {
                    Ok(Some(v))
                }
                Some(v) => Err(bad(key, &v, "must be a numeric Discord id")),
                None => Ok(None),
            }
        };
        let number = |key: &'static str, min: u32, max: u32| -> Result<Option<u32>, ConfigError> {
            match get(key) {
                Some(v) => match v.parse::<u32>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                    _ => Err(bad(
                        key,
                        &v,
                        &format!("must be a whole number from {min} to {max}"),
                    )),
                },
                None => Ok(None),
            }
        };
        let public_key = match get("DISCORD_PUBLIC_KEY") {
            Some(k) => match strict_public_key(&k) {
                Ok(_) => Some(k),
                Err(reason) => return Err(bad("DISCORD_PUBLIC_KEY", &k, &reason)),
            },
            None => None,
        };
        let token = get("DISCORD_TOKEN");
        if let Some(t) = &token {
            if t.contains(char::is_whitespace) || t.starts_with("Bot ") {
                return Err(bad(
                    "DISCORD_TOKEN",
                    "<hidden>",
                    "give the bare token, without `Bot ` or spaces",
                ));
            }
        }
        let shard_count = number("SHARD_COUNT", 1, 65_535)?;
        let shard_range = match get("SHARD_RANGE") {
            None => None,
            Some(v) => {
                let parsed = v.split_once('-').and_then(|(a, b)| {
                    Some((a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?))
                });
                match (parsed, shard_count) {
                    (Some((a, b)), Some(n)) if a <= b && b < n => Some((a, b)),
                    (Some(_), None) => return Err(bad("SHARD_RANGE", &v, "needs SHARD_COUNT too")),
                    _ => {
                        return Err(bad(
                            "SHARD_RANGE",
                            &v,
                            "must be `first-last` (inclusive) with last < SHARD_COUNT",
                        ))
                    }
                }
            }
        };
        let curriculum_watch = match get("CURRICULUM_WATCH").map(|v| v.to_ascii_lowercase()) {
            None => false,
            Some(v) if ["true", "1", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["false", "0", "no", "off"].contains(&v.as_str()) => false,
            Some(v) => return Err(bad("CURRICULUM_WATCH", &v, "must be true or false")),
        };
        let admin_guilds = match get("CURRICULUM_ADMIN_GUILDS") {
            Some(v) => {
                let ids: Vec<String> = v.split(',').map(|g| g.trim().to_string()).collect();
                let snowflake = |g: &String| g.len() <= 20 && g.parse::<u64>().is_ok();
                if !ids.iter().all(snowflake) {
                    let why = "must be numeric Discord server ids, separated by commas";
                    return Err(bad("CURRICULUM_ADMIN_GUILDS", &v, why));
                }
                ids
            }
            None => snowflake("DISCORD_GUILD_ID")?.into_iter().collect(),
        };
        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "DATABASE_URL",
                &database_url,
                "must start with sqlite: or postgres://",
            ));
        }
        Ok(Settings {
            discord_token: token,
            discord_api_url: url("DISCORD_API_URL", get("DISCORD_API_URL"))?
                .unwrap_or_else(|| "https://discord.com".into())
                .trim_end_matches('/')
                .to_string(),
            discord_guild_id: snowflake("DISCORD_GUILD_ID")?,
            discord_public_key: public_key,
            curriculum_path: get("CURRICULUM_PATH")
                .unwrap_or_else(|| "data/curriculum".into())
                .into(),
            curriculum_base_url: url("CURRICULUM_BASE_URL", get("CURRICULUM_BASE_URL"))?,
            aliases_path: get("ALIASES_PATH")
                .unwrap_or_else(|| "data/aliases.txt".into())
                .into(),
            database_url,
            rest_per_second: number("REST_PER_SECOND", 1, 50_000)?.unwrap_or(40),
            shard_count,
            shard_range,
            http_bind: get("HTTP_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            delivery_lease_secs: number("DELIVERY_LEASE_SECS", 1, 3600)?.unwrap_or(120),
            http_max_connections: number("HTTP_MAX_CONNECTIONS", 1, 65_535)?.unwrap_or(512),
            http_timeout_secs: number("HTTP_TIMEOUT_SECS", 1, 300)?.unwrap_or(10),
            http_shutdown_secs: number("HTTP_SHUTDOWN_SECS", 1, 300)?.unwrap_or(20),
            curriculum_watch,
            curriculum_log_channel: snowflake("CURRICULUM_LOG_CHANNEL")?,
            curriculum_admin_guilds: admin_guilds,
        })
    }
}

/// Parses an Ed25519 public key given as 64 hex characters and refuses every key a forger could
/// exploit: encodings that don't decompress to a curve point, non-canonical encodings (a
/// coordinate not reduced, or a "negative zero" sign bit), points of small order (the identity
/// `0100…00`, the all-zero encoding and the other six torsion points: with such a key one fixed
/// signature verifies every message) and points with a torsion component (a key made the standard
/// way, seed × base point, never has one).
pub fn strict_public_key(hex_key: &str) -> Result<ed25519_dalek::VerifyingKey, String> {
    let hex_key = hex_key.trim();
    if hex_key.len() != 64 || !hex_key.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("must be 64 hex characters".into());
    }
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(hex_key, &mut bytes).map_err(|e| format!("is not hex: {e}"))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| "is not a point on Ed25519's curve".to_string())?;
    let point = key.to_edwards();
    if point.compress().to_bytes() != bytes {
        return Err("is not a canonical encoding of an Ed25519 point".into());
    }
    if key.is_weak() {
        return Err("is a weak (small-order) key: anyone could forge signatures for it".into());
    }
    if !point.is_torsion_free() {
        return Err("has a small-order component, which no genuine key has".into());
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_vars(|k| map.get(k).cloned())
    }

    #[test]
    fn admin_guilds_default_to_the_guild_and_are_validated() {
        let ids = |pairs: &[(&str, &str)]| settings(pairs).unwrap().curriculum_admin_guilds;
        assert!(ids(&[]).is_empty());
        assert_eq!(ids(&[("DISCORD_GUILD_ID", "42")]), ["42"]);
        let both = [
            ("DISCORD_GUILD_ID", "42"),
            ("CURRICULUM_ADMIN_GUILDS", "7, 8"),
        ];
        assert_eq!(ids(&both), ["7", "8"]);
        let bad = settings(&[("CURRICULUM_ADMIN_GUILDS", "7,,#mods")]).unwrap_err();
        assert_eq!(bad.key, "CURRICULUM_ADMIN_GUILDS");
    }

    #[test]
    fn watch_and_log_channel_are_validated() {
        let s = settings(&[
            ("CURRICULUM_WATCH", "TRUE"),
            ("CURRICULUM_LOG_CHANNEL", "123456789012345678"),
        ])
        .unwrap();
        assert!(s.curriculum_watch);
        assert_eq!(
            s.curriculum_log_channel.as_deref(),
            Some("123456789012345678")
        );
        assert!(!settings(&[]).unwrap().curriculum_watch);
        assert_eq!(
            settings(&[("CURRICULUM_WATCH", "sometimes")])
                .unwrap_err()
                .key,
            "CURRICULUM_WATCH"
        );
        let bad = settings(&[("CURRICULUM_LOG_CHANNEL", "#general")]).unwrap_err();
        assert_eq!(bad.key, "CURRICULUM_LOG_CHANNEL");
    }

    #[test]
    fn defaults_and_validation() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.discord_api_url, "https://discord.com");
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.rest_per_second, 40);
        let e = settings(&[("DISCORD_API_URL", "ftp://x")]).unwrap_err();
        assert_eq!(e.key, "DISCORD_API_URL");
        assert_eq!(
            settings(&[("REST_PER_SECOND", "0")]).unwrap_err().key,
            "REST_PER_SECOND"
        );
        assert_eq!(
            settings(&[("DISCORD_GUILD_ID", "abc")]).unwrap_err().key,
            "DISCORD_GUILD_ID"
        );
        assert_eq!(
            settings(&[("SHARD_RANGE", "0-1")]).unwrap_err().key,
            "SHARD_RANGE"
        );
        let s = settings(&[("SHARD_COUNT", "4"), ("SHARD_RANGE", "2-3")]).unwrap();
        assert_eq!(s.shard_range, Some((2, 3)));
        assert_eq!(
            settings(&[("SHARD_COUNT", "4"), ("SHARD_RANGE", "3-4")])
                .unwrap_err()
                .key,
            "SHARD_RANGE"
        );
        assert_eq!(
            settings(&[("DATABASE_URL", "mysql://x")]).unwrap_err().key,
            "DATABASE_URL"
        );
        assert_eq!(
            settings(&[("DISCORD_TOKEN", "Bot abc")]).unwrap_err().key,
            "DISCORD_TOKEN"
        );
    }

    #[test]
    fn http_server_limits() {
        let s = settings(&[]).unwrap();
        let got = (
            s.http_max_connections,
            s.http_timeout_secs,
            s.http_shutdown_secs,
        );
        assert_eq!(got, (512, 10, 20));
        let s = settings(&[("HTTP_TIMEOUT_SECS", "3"), ("HTTP_SHUTDOWN_SECS", "1")]).unwrap();
        assert_eq!((s.http_timeout_secs, s.http_shutdown_secs), (3, 1));
        for key in [
            "HTTP_MAX_CONNECTIONS",
            "HTTP_TIMEOUT_SECS",
            "HTTP_SHUTDOWN_SECS",
        ] {
            assert_eq!(settings(&[(key, "0")]).unwrap_err().key, key);
        }
    }
}

#[cfg(test)]
mod key_tests {
    use super::*;

    fn reason(hex_key: &str) -> String {
        strict_public_key(hex_key)
            .map(|_| String::new())
            .unwrap_or_else(|e| e)
    }

    fn genuine() -> ed25519_dalek::VerifyingKey {
        ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).verifying_key()
    }

    #[test]
    fn weak_keys_are_refused_at_start_up_naming_the_setting() {
        for weak in [
            "00".repeat(32),                    // all zero: order 4
            format!("01{}", "00".repeat(31)),   // the identity
            format!("ec{}7f", "ff".repeat(30)), // -1: order 2
        ] {
            let e = Settings::from_vars(|k| (k == "DISCORD_PUBLIC_KEY").then(|| weak.clone()))
                .unwrap_err();
            assert_eq!(e.key, "DISCORD_PUBLIC_KEY", "{weak}");
            assert!(e.to_string().contains("weak"), "{e}");
        }
    }

    #[test]
    fn each_kind_of_bad_key_gets_its_reason() {
        let cases = [
            ("ab".repeat(31), "64 hex characters"),
            ("zz".repeat(32), "64 hex characters"),
            // y = 2 is on no point of the curve.
            (format!("02{}", "00".repeat(31)), "not a point"),
            // y = p + 1: the identity, encoded unreduced.
            (format!("ee{}7f", "ff".repeat(30)), "not a canonical"),
            // x = 0 with the sign bit set ("negative zero").
            (format!("01{}80", "00".repeat(30)), "not a canonical"),
        ];
        for (key, want) in cases {
            let got = reason(&key);
            assert!(got.contains(want), "{key}: {got}");
        }
    }

    #[test]
    fn a_genuine_key_passes_and_one_with_a_torsion_component_does_not() {
        let good = genuine();
        assert_eq!(strict_public_key(&hex::encode(good.to_bytes())), Ok(good));
        let torsion = ed25519_dalek::VerifyingKey::from_bytes(
            &hex::decode(format!("ec{}7f", "ff".repeat(30)))
                .unwrap()
                .try_into()
                .unwrap(),
        )
        .unwrap();
        let mixed = (good.to_edwards() + torsion.to_edwards())
            .compress()
            .to_bytes();
        assert!(reason(&hex::encode(mixed)).contains("small-order component"));
    }
}
