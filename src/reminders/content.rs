//! PURE. What a weekly reminder says, from the subscription's track: week N's plan phase (tasks
//! and resources), the module the track's timeline puts the learner in, the part of that
//! module's page for this week (its `##` sections spread over the module's weeks) with a few of
//! its resources, the pathway, and buttons; or the completion message after the last module.

use crate::curriculum::Curriculum;
use crate::reply::cards::{self, COLOR};
use crate::reply::message::{AllowedMentions, Component, Embed, EmbedField, Footer, Message};

/// Who receives the reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A learner, by DM.
    Learner,
    /// A study group's channel, mentioning `role` (and only it) when set.
    Group { role: Option<i64> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub message: Message,
    /// The completion message: the subscription ends after it.
    pub complete: bool,
}

/// The track a subscription follows: its slug when the site still has it, else the first track.
pub fn track_of(c: &Curriculum, slug: Option<&str>) -> Option<usize> {
    slug.and_then(|s| c.track_by_name(s))
        .or((!c.tracks.is_empty()).then_some(0))
}

/// The slug of a subscription's track when the site no longer has it (renamed or removed): its
/// reminders pause until it returns (never the first track's, never the completion message).
pub fn missing_track<'a>(c: &Curriculum, slug: Option<&'a str>) -> Option<&'a str> {
    slug.filter(|s| c.track_by_name(s).is_none())
}

/// Why a subscription of the missing track `slug` is paused (`reason`, recognised when the track
/// returns) and what its owner is told at their next command (`notice`).
pub fn missing_track_pause(slug: &str) -> (String, String) {
    let slug = slug.replace('`', "'");
    (
        format!("its track `{slug}` is not in the curriculum right now"),
        format!(
            "Your weekly reminders are paused: your track `{slug}` is not in the curriculum right \
             now (renamed or removed). They resume by themselves, at the week you reached, when it \
             is back."
        ),
    )
}

/// The last week of the first track's learning path (see [`last_week_of`]).
pub fn last_week(c: &Curriculum) -> u32 {
    last_week_of(c, track_of(c, None))
}

/// The last week of a track's path: its modules' upper durations back to back, or the end of its
/// action plan when that is later. A track ending in an open-ended module never ends.
pub fn last_week_of(c: &Curriculum, t: Option<usize>) -> u32 {
    let Some(track) = t.map(|t| &c.tracks[t]) else {
        let modules = c.total_weeks().map_or(0, |t| t.max);
        let plan = c.plan.iter().map(|p| p.weeks.max).max().unwrap_or(0);
        return modules.max(plan).max(1);
    };
    let total = track.total(c);
    if total.is_some_and(|t| t.ongoing) {
        return u32::MAX;
    }
    let modules = total.map_or(0, |t| t.weeks.max);
    let plan = track
        .plan
        .iter()
        .map(|&p| c.plan[p].weeks.max)
        .max()
        .unwrap_or(0);
    modules.max(plan).max(1)
}

/// The section of module `m`'s page for plan week `week`: the page's sections spread evenly over
/// the module's weeks (8-10 weeks and 6 sections: a new section about every 1.5 weeks), counted
/// from the week the track's timeline starts the module. An open-ended module gives each
/// section two weeks.
pub fn section_at_week(c: &Curriculum, t: usize, m: usize, week: u32) -> Option<usize> {
    let module = &c.modules[m];
    let n = module.sections.len();
    if n == 0 {
        return None;
    }
    let mut start = 1u32;
    for &x in &c.tracks[t].modules {
        if x == m {
            break;
        }
        start = start.saturating_add(c.modules[x].weeks.map_or(0, |w| w.max));
    }
    let into = week.saturating_sub(start) as f64;
    let span = match module.weeks {
        Some(w) => (f64::from(w.min) + f64::from(w.max)) / 2.0,
        None => 2.0 * n as f64,
    };
    let i = (into * n as f64 / span.max(1.0)).floor() as usize;
    Some(module.sections[i.min(n - 1)])
}

/// The custom_id of a reminder button: `rem|<action>|<dm or group>|<slot>`. It never names the
/// subscription (the click's channel and user say whose it is; see
/// `reminders::commands::access`). The slot (the unix second the reminder was due) is the
/// delivery's identity within its channel (a user has one DM subscription, a channel one group
/// subscription): a message read back from the channel can be recognized as that delivery's.
pub fn button_id(action: &str, group: bool, due: i64) -> String {
    format!("rem|{action}|{}|{due}", if group { "group" } else { "dm" })
}

/// Whether `custom_id` is a reminder button of the delivery due at `due` (in its channel).
pub fn is_button_of(custom_id: &str, due: i64) -> bool {
    let mut parts = custom_id.split('|');
    let (Some("rem"), Some(_), Some("dm" | "group"), Some(d), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    d.parse() == Ok(due)
}

/// The reminder for plan week `week` of a subscription, due at `due` (unix seconds); `late`
/// reminders say when they were due.
pub fn reminder(
    c: &Curriculum,
    track: Option<&str>,
    week: u32,
    pathway: Option<&str>,
    due: i64,
    late: bool,
    audience: Audience,
) -> Reminder {
    let group = matches!(audience, Audience::Group { .. });
    let (role_mention, allowed) = match audience {
        Audience::Group { role: Some(r) } => (
            format!("<@&{r}> "),
            AllowedMentions {
                parse: Vec::new(),
                roles: vec![r.to_string()],
            },
        ),
        _ => (String::new(), AllowedMentions::default()),
    };
    let late_note = late.then(|| Footer {
        text: "Sent late: the bot was offline when this was due.".into(),
    });
    let due_line = if late {
        format!(" This reminder was due <t:{due}:F>.")
    } else {
        String::new()
    };
    let t = track_of(c, track);
    if week > last_week_of(c, t) {
        let embed = Embed {
            title: Some("You've reached the end of the learning path 🎉".into()),
            description: Some(format!(
                "Week {week}: every module is behind you. This was the last weekly reminder; \
                 subscribe again any time with `/remind subscribe`.{due_line}"
            )),
            color: Some(COLOR),
            footer: late_note,
            ..Embed::default()
        };
        let message = Message {
            content: Some(format!(
                "{role_mention}Congratulations on finishing the path!"
            )),
            embeds: vec![embed],
            // Disabled: it only carries the delivery's identity for reconciliation.
            components: vec![Component::row(vec![Component::button(
                2,
                "Path complete",
                &button_id("end", group, due),
                true,
            )])],
            allowed_mentions: allowed,
            ..Message::default()
        };
        return Reminder {
            message: message.within_limits(),
            complete: true,
        };
    }
    let mut lines = Vec::new();
    let mut fields: Vec<EmbedField> = Vec::new();
    let (modules, pathways, plan): (Vec<usize>, Vec<usize>, Vec<usize>) = match t {
        Some(t) => {
            let tr = &c.tracks[t];
            (tr.modules.clone(), tr.pathways.clone(), tr.plan.clone())
        }
        None => (
            (0..c.modules.len()).collect(),
            (0..c.pathways.len()).collect(),
            (0..c.plan.len()).collect(),
        ),
    };
    if c.tracks.len() > 1 {
        if let Some(t) = t {
            lines.push(format!("Track: **{}**.", c.tracks[t].label));
        }
    }
    match c.module_at_week_in(&modules, week) {
        Some(mi) => {
            let m = &c.modules[mi];
            let name = format!("Module {}: {}", m.number, m.title);
            // Linked to the module's page (or, without one, its track's overview).
            let name = match crate::reply::modules::read_url(c, m) {
                Some(u) => format!("[{}]({u})", name.replace(['[', ']'], "")),
                None => name,
            };
            lines.push(format!(
                "The timeline puts you in **{name}**{}.",
                if m.focus.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", m.focus)
                }
            ));
            if let Some(s) = t.and_then(|t| section_at_week(c, t, mi, week)) {
                fields.push(section_field(c, m, s));
            }
        }
        None if modules.is_empty() => {}
        None => lines.push("You're past the modules with a duration; keep going!".into()),
    }
    if let Some(p) = pathway.and_then(|p| {
        pathways
            .iter()
            .map(|&x| &c.pathways[x])
            .find(|x| x.background.eq_ignore_ascii_case(p))
    }) {
        lines.push(format!(
            "Pathway: **{}** ({} months, {}).",
            p.background, p.months, p.emphasis
        ));
    }
    match plan.iter().copied().find(|&p| {
        let w = c.plan[p].weeks;
        w.min <= week && week <= w.max
    }) {
        Some(i) => fields.insert(0, cards::phase_field(c, i)),
        None => lines.push(
            "No action-plan phase covers this week: work through your module's material.".into(),
        ),
    }
    lines.push(due_line.trim().to_string());
    let embed = Embed {
        title: Some(format!("Week {week} of your learning plan")),
        description: Some(lines.join("\n").trim().to_string()),
        fields,
        footer: late_note,
        color: Some(COLOR),
        ..Embed::default()
    };
    let message = Message {
        content: Some(format!("{role_mention}Your weekly check-in is here.")),
        embeds: vec![embed],
        components: vec![Component::row(vec![
            Component::button(3, "Done this week", &button_id("done", group, due), false),
            Component::button(2, "Pause", &button_id("pause", group, due), false),
            Component::button(4, "Unsubscribe", &button_id("unsub", group, due), false),
        ])],
        allowed_mentions: allowed,
        ..Message::default()
    };
    Reminder {
        message: message.within_limits(),
        complete: false,
    }
}

/// This week's part of the module page: the section, and a few of its resources.
fn section_field(c: &Curriculum, m: &crate::curriculum::Module, s: usize) -> EmbedField {
    // The section's heading, linked with its anchor on the module's page.
    let title = &c.sections[s].title;
    let mut lines = vec![match c.section_url(s) {
        Some(u) => format!("**[{}]({u})**", title.replace(['[', ']'], "")),
        None => format!("**{title}**"),
    }];
    for r in c.resources_in(&[s]).into_iter().take(3) {
        lines.push(format!(
            "↳ {}",
            cards::link_md(&c.resources[r].title, &c.resources[r].link)
        ));
    }
    EmbedField {
        name: format!("This week in Module {}", m.number),
        value: lines.join("\n"),
        inline: false,
    }
}

#[cfg(test)]
mod tests;
