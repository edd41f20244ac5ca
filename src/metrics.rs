//! Prometheus metrics: interactions by command and outcome with latency, reminders sent, failed
//! and late with delivery delay, reminders whose unknown outcome was reconciled (found already
//! sent) or resent, and searches with no result. Served at `/metrics`.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CommandLabels {
    pub command: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct NameLabel {
    pub command: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct VersionLabel {
    pub version: String,
}

type HistogramFamily = Family<NameLabel, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    pub interactions: Family<CommandLabels, Counter>,
    pub interaction_seconds: HistogramFamily,
    pub reminders_sent: Counter,
    pub reminders_failed: Counter,
    pub reminders_late: Counter,
    pub reminders_reconciled: Counter,
    pub reminders_resent: Counter,
    /// Unknown outcomes held, not resent: the channel can't be read back and the nonce no longer
    /// covers a resend.
    pub reminders_unverifiable: Counter,
    pub reminder_delay_seconds: Histogram,
    pub search_misses: Counter,
    /// Curriculum reloads by outcome: reloaded, refused, validated, failed.
    pub curriculum_reloads: Family<OutcomeLabel, Counter>,
    /// 1 for the content hash served now; only the current one is ever present.
    pub curriculum_version_info: Family<VersionLabel, Gauge>,
}

fn latency_histogram() -> Histogram {
    // 50 µs … ~1.6 s
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("curriculum_bot");
        let interactions = Family::<CommandLabels, Counter>::default();
        let interaction_seconds: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let reminders_sent = Counter::default();
        let reminders_failed = Counter::default();
        let reminders_late = Counter::default();
        let reminders_reconciled = Counter::default();
        let reminders_resent = Counter::default();
        let reminders_unverifiable = Counter::default();
        // 1 s … ~9 h
        let reminder_delay_seconds = Histogram::new(exponential_buckets(1.0, 2.0, 16));
        let search_misses = Counter::default();
        registry.register("interactions", "Interactions handled", interactions.clone());
        registry.register(
            "interaction_seconds",
            "Time to handle an interaction",
            interaction_seconds.clone(),
        );
        registry.register(
            "reminders_sent",
            "Reminders delivered",
            reminders_sent.clone(),
        );
        registry.register(
            "reminders_failed",
            "Reminders that could not be delivered (subscription paused)",
            reminders_failed.clone(),
        );
        registry.register(
            "reminders_late",
            "Reminders delivered after downtime",
            reminders_late.clone(),
        );
        registry.register(
            "reminders_reconciled",
            "Reminders with an unknown outcome found already sent in their channel (not resent)",
            reminders_reconciled.clone(),
        );
        registry.register(
            "reminders_resent",
            "Reminders with an unknown outcome not found in their channel, sent again",
            reminders_resent.clone(),
        );
        registry.register(
            "reminders_unverifiable",
            "Reminders with an unknown outcome held, not resent: their channel's history can't be \
             read (no Read Message History) and the nonce memory has passed",
            reminders_unverifiable.clone(),
        );
        registry.register(
            "reminder_delay_seconds",
            "Delay between a reminder's slot and its delivery",
            reminder_delay_seconds.clone(),
        );
        registry.register(
            "search_misses",
            "Searches that found nothing",
            search_misses.clone(),
        );
        let curriculum_reloads = Family::<OutcomeLabel, Counter>::default();
        let curriculum_version_info = Family::<VersionLabel, Gauge>::default();
        registry.register(
            "curriculum_reloads",
            "Curriculum reloads and validations by outcome",
            curriculum_reloads.clone(),
        );
        registry.register(
            "curriculum_version_info",
            "The content hash of the curriculum this replica serves",
            curriculum_version_info.clone(),
        );
        Metrics {
            registry,
            curriculum_reloads,
            curriculum_version_info,
            interactions,
            interaction_seconds,
            reminders_sent,
            reminders_failed,
            reminders_late,
            reminders_reconciled,
            reminders_resent,
            reminders_unverifiable,
            reminder_delay_seconds,
            search_misses,
        }
    }
}

impl Metrics {
    /// Counts one handled interaction.
    pub fn interaction(&self, command: &str, failed: bool, seconds: f64) {
        let command = if command.is_empty() { "other" } else { command }.to_string();
        self.interactions
            .get_or_create(&CommandLabels {
                command: command.clone(),
                outcome: if failed { "error" } else { "ok" }.into(),
            })
            .inc();
        self.interaction_seconds
            .get_or_create(&NameLabel { command })
            .observe(seconds);
    }

    /// Counts one curriculum reload or validation.
    pub fn curriculum_reload(&self, outcome: &'static str) {
        let outcome = outcome.to_string();
        self.curriculum_reloads
            .get_or_create(&OutcomeLabel { outcome })
            .inc();
    }

    /// Shows `hash` as the version served (and no other).
    pub fn curriculum_version(&self, hash: &str) {
        self.curriculum_version_info.clear();
        let version = hash.to_string();
        self.curriculum_version_info
            .get_or_create(&VersionLabel { version })
            .set(1);
    }

    /// How many reloads ended with `outcome`.
    pub fn reloads(&self, outcome: &str) -> u64 {
        let outcome = outcome.to_string();
        self.curriculum_reloads
            .get_or_create(&OutcomeLabel { outcome })
            .get()
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = encode(&mut out, &self.registry);
        out
    }
}
