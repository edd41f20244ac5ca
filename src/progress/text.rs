//! PURE. What progress says: the live line on a study group's reminder, the "last week" line of
//! a reminder, `/progress me` (with the roadmap picture: checked-in weeks filled, the current
//! week marked) and `/progress group`.

use super::math;
use crate::reminders::content::{reminder, track_of, Audience};
use crate::reply::cards::COLOR;
use crate::reply::handle::{error, Outcome};
use crate::reply::message::{Embed, EmbedField, EmbedImage, Message, Response};
use crate::reply::Catalog;

/// Every live line starts with this; editing the message again replaces the old line.
pub const LINE_START: &str = "\n✅ ";
/// Members named on the live line; the rest are counted.
pub const NAMED: usize = 40;
/// The picture's file name in `/progress me`.
pub const FILE_NAME: &str = "progress.png";
/// Weeks `/progress group` lists.
pub const GROUP_WEEKS: u32 = 8;

/// `✅ 2 checked in: <@a>, <@b>` (earliest first; mentions render but the edit pings nobody).
pub fn group_line(users: &[i64]) -> String {
    let n = users.len();
    if n == 0 {
        return "✅ 0 checked in so far".into();
    }
    let named: Vec<String> = users
        .iter()
        .take(NAMED)
        .map(|u| format!("<@{u}>"))
        .collect();
    let more = match n.saturating_sub(NAMED) {
        0 => String::new(),
        rest => format!(" and {rest} more"),
    };
    format!("✅ {n} checked in: {}{more}", named.join(", "))
}

/// `content` (a reminder's) with its live line replaced by the one for `users`.
pub fn with_group_line(content: &str, users: &[i64]) -> String {
    let base = content.split(LINE_START).next().unwrap_or_default();
    format!("{base}\n{}", group_line(users))
}

/// A DM reminder's line about the week before.
pub fn last_week_dm(checked: bool) -> &'static str {
    if checked {
        "Last week: ✅ checked in."
    } else {
        "No check-in last week."
    }
}

/// A study group's line about the week before: `of` is how many members ever checked in on
/// this group (the bot sees no role member list without a privileged intent).
pub fn last_week_group(count: u64, of: u64) -> String {
    format!("Last week: {count} of {of} checked in.")
}

/// The reply to a check-in.
pub fn checked_in(week: u32, new: bool) -> String {
    match new {
        true => format!("✅ Checked in for plan week {week}. Nice work!"),
        false => format!("You already checked in for plan week {week}; nothing changed."),
    }
}

/// A subscription as `/progress me` sees it (plain data; the adapter reads it from the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learner<'a> {
    pub track: Option<&'a str>,
    pub pathway: Option<&'a str>,
    /// The plan week now ([`math::current_week`]).
    pub current: u32,
    /// The first week counted so far ([`math::first_counted_week`]).
    pub first: u32,
    /// The weeks checked in, ascending.
    pub weeks: &'a [u32],
    /// The next reminder's slot (unix seconds).
    pub due: i64,
    /// "by DM" or "in <#channel>".
    pub where_: String,
}

/// `/progress me`: the week's module and page section (as the reminder shows them), the
/// check-in tally and streak, and the roadmap picture with the checked-in weeks filled.
pub fn me(cat: &Catalog, l: &Learner<'_>) -> Outcome {
    let c = &cat.curriculum;
    let r = reminder(
        c,
        l.track,
        l.current,
        l.pathway,
        l.due,
        false,
        Audience::Learner,
    );
    let Some(mut embed) = r.message.embeds.into_iter().next() else {
        return error("I couldn't describe your week.");
    };
    let checked = math::checked_between(l.weeks, l.first, l.current);
    let so_far = l.current - l.first + 1;
    let streak = math::streak(l.weeks, l.current);
    let this_week = match l.weeks.contains(&l.current) {
        true => "✅ checked in",
        false => "not checked in yet (`/progress done` or **Done this week**)",
    };
    embed.title = Some(format!("Your progress: plan week {}", l.current));
    embed.fields.push(EmbedField {
        name: "Check-ins".into(),
        value: format!(
            "This week: {this_week}.\n**{checked} of {so_far}** weeks so far · streak **{streak}** \
             week{} · reminders {}",
            if streak == 1 { "" } else { "s" },
            l.where_
        ),
        inline: false,
    });
    embed.footer = None;
    embed.color = Some(COLOR);
    let Some(t) = track_of(c, l.track) else {
        return Response::Message(Message::embed(embed).ephemeral().within_limits()).into();
    };
    let mut input = crate::reply::roadmap::input(cat, t, Some(l.current));
    input.checked_weeks = l.weeks.to_vec();
    match crate::roadmap::png::roadmap_png(&input) {
        Ok(png) => {
            embed.image = Some(EmbedImage {
                url: format!("attachment://{FILE_NAME}"),
            });
            let m = Message::embed(embed).ephemeral().within_limits();
            Response::Message(m.with_file(FILE_NAME, png)).into()
        }
        // Without the picture the rest still answers.
        Err(_) => Response::Message(Message::embed(embed).ephemeral().within_limits()).into(),
    }
}

/// `/progress group`: check-ins per week for the last [`GROUP_WEEKS`] weeks up to `current`, and
/// who checked in this week. `members`: who ever checked in on this group.
pub fn group(
    channel: i64,
    current: u32,
    counts: &[(u32, u64)],
    this_week: &[i64],
    members: u64,
) -> Message {
    let first = current.saturating_sub(GROUP_WEEKS - 1).max(1);
    let weeks: Vec<String> = (first..=current)
        .rev()
        .map(|w| {
            let n = counts.iter().find(|(x, _)| *x == w).map_or(0, |(_, n)| *n);
            format!("Week {w}: {n} checked in")
        })
        .collect();
    let embed = Embed {
        title: Some("Study-group progress".into()),
        description: Some(format!(
            "<#{channel}>, plan week {current} ({members} member{} checked in at least once).\n{}",
            if members == 1 { "" } else { "s" },
            weeks.join("\n")
        )),
        fields: vec![EmbedField {
            name: format!("This week (week {current})"),
            value: group_line(this_week),
            inline: false,
        }],
        color: Some(COLOR),
        ..Embed::default()
    };
    Message::embed(embed).ephemeral().within_limits()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_line_names_members_in_order_and_replaces_itself() {
        assert_eq!(group_line(&[]), "✅ 0 checked in so far");
        assert_eq!(group_line(&[7, 3]), "✅ 2 checked in: <@7>, <@3>");
        let many: Vec<i64> = (1..=45).collect();
        let line = group_line(&many);
        assert!(line.starts_with("✅ 45 checked in: <@1>, "), "{line}");
        assert!(line.ends_with("<@40> and 5 more"), "{line}");
        let base = "<@&9> Your weekly check-in is here.";
        let once = with_group_line(base, &[1]);
        let twice = with_group_line(&once, &[1, 2]);
        assert_eq!(twice, format!("{base}\n✅ 2 checked in: <@1>, <@2>"));
    }

    #[test]
    fn last_week_lines() {
        assert_eq!(last_week_dm(true), "Last week: ✅ checked in.");
        assert_eq!(last_week_dm(false), "No check-in last week.");
        assert_eq!(last_week_group(5, 8), "Last week: 5 of 8 checked in.");
    }

    #[test]
    fn group_summary_lists_the_last_weeks_newest_first() {
        let m = group(55, 3, &[(1, 4), (3, 2)], &[8, 9], 5);
        let e = &m.embeds[0];
        let d = e.description.as_deref().unwrap();
        assert!(
            d.contains("Week 3: 2 checked in\nWeek 2: 0 checked in\nWeek 1: 4 checked in"),
            "{d}"
        );
        assert!(d.contains("5 members"), "{d}");
        assert_eq!(e.fields[0].value, "✅ 2 checked in: <@8>, <@9>");
        let m = group(55, 20, &[], &[], 0);
        let d = m.embeds[0].description.as_deref().unwrap();
        assert_eq!(d.matches("Week ").count(), GROUP_WEEKS as usize, "{d}");
        assert!(d.contains("Week 13:") && !d.contains("Week 12:"), "{d}");
    }
}
