//! PURE. What the store reads for `/report`'s progress section: plain counts, grouped by track.

/// Subscriptions of one track, kind, plan week and state (for `/report`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionCount {
    pub track: Option<String>,
    pub group: bool,
    pub week: u32,
    pub paused: bool,
    pub count: u64,
}

/// Check-ins of one track made `weeks_ago` whole weeks before the report's `now` (0 = the last
/// seven days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinCount {
    pub track: Option<String>,
    pub weeks_ago: u32,
    pub count: u64,
}

/// Unsubscribes of one track at one plan week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscribeCount {
    pub track: Option<String>,
    pub group: bool,
    pub week: u32,
    pub count: u64,
}

/// What `/report` reads about progress in a server (direct-message subscriptions, guild 0,
/// count in every server's report).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgressRows {
    pub subscriptions: Vec<SubscriptionCount>,
    /// The last [`REPORT_WEEKS`] weeks.
    pub checkins: Vec<CheckinCount>,
    /// Distinct study-group members who checked in during the last [`REPORT_WEEKS`] weeks.
    pub group_learners: Vec<(Option<String>, u64)>,
    pub unsubscribes: Vec<UnsubscribeCount>,
}

/// Weeks of check-ins `/report` looks back.
pub const REPORT_WEEKS: u32 = 8;
pub const WEEK_SECS: i64 = 7 * 24 * 3600;
