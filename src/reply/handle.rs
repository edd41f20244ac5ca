//! Command + &Catalog -> Outcome. The curriculum commands are answered here, purely; what needs
//! I/O (recording a missed search, posting and pinning) comes back as an [`Effect`].

use super::cards::{self, quoted};
use super::command::{Command, CommandError};
use super::interaction::{perms, Interaction};
use super::message::{
    escape, Choice, Component, Embed, Message, Response, CHOICES_MAX, CUSTOM_ID_MAX,
};
use super::Catalog;
use crate::search::Kind;

/// Resources shown per page of `/resource`.
pub const PAGE_SIZE: usize = 5;
const MAX_RESULTS: usize = 50;

/// Something the transport must do besides replying.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A `/search` with no result, counted per guild for the moderators' report.
    RecordMiss {
        guild: Option<String>,
        query: String,
    },
    /// Post `message` in `channel` and pin it; the reply depends on whether that worked. The
    /// pin is recorded as living (`card`), so reloads keep it true.
    PostAndPin {
        channel: String,
        message: Message,
        card: PinnedCard,
    },
}

/// Which card a pin shows: the module `module` of track `track` (a slug), pinned in `guild`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedCard {
    pub guild: String,
    pub track: String,
    pub module: u32,
}

/// The card `/pin` posts for module `number` of track `track`, as the curriculum has it now;
/// `None` when that module (or track) is gone. Living pins are edited to match it.
pub fn pin_card(cat: &Catalog, track: &str, number: u32) -> Option<Message> {
    let c = &cat.curriculum;
    let t = c.tracks.iter().find(|t| t.slug == track)?;
    let m = &c.modules[t.module(c, number)?];
    Some(Message::embed(module_card(cat, m)).within_limits())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: Response,
    pub effects: Vec<Effect>,
    /// The member's input could not be served (bad option, nothing found…).
    pub failed: bool,
}

impl From<Response> for Outcome {
    fn from(response: Response) -> Self {
        Outcome {
            response,
            effects: Vec::new(),
            failed: false,
        }
    }
}

/// A private error reply.
pub fn error(text: impl Into<String>) -> Outcome {
    Outcome {
        response: Response::Message(Message::text(text).ephemeral().within_limits()),
        effects: Vec::new(),
        failed: true,
    }
}

pub fn command_error(e: &CommandError) -> Outcome {
    error(e.to_string())
}

fn public(m: Message) -> Response {
    Response::Message(m.within_limits())
}

/// Answers a curriculum command. `/remind`, `/report` and `/curriculum` need the store or the
/// disk and are answered by the caller; here they get a short error.
pub fn answer(cat: &Catalog, i: &Interaction, cmd: &Command) -> Outcome {
    let c = &cat.curriculum;
    match cmd {
        Command::Ping => Response::Pong.into(),
        Command::Resource { query, page } => resources(cat, query, *page, false),
        Command::Button { custom_id } => match parse_page_id(custom_id) {
            Some((page, query)) => resources(cat, &query, page, true),
            None => error("That button has expired. Run the command again."),
        },
        Command::Search { topic } => search(cat, i, topic),
        Command::Module { which: None } => {
            public(Message::embed(cards::modules_overview(c))).into()
        }
        Command::Module { which: Some(w) } => match find_module(cat, w) {
            Some(m) => public(Message::embed(module_card(cat, m))).into(),
            None => error(unknown_module(cat, w)),
        },
        Command::Path { background } => match find_pathway(cat, background) {
            Some(p) => public(Message::embed(cards::path_card(c, p))).into(),
            None => {
                let names: Vec<&str> = c.pathways.iter().map(|p| p.background.as_str()).collect();
                error(format!(
                    "No pathway called {}. Choose one of: {}.",
                    quoted(background),
                    names.join(", ")
                ))
            }
        },
        Command::Plan if c.plan.is_empty() => error("This curriculum has no action plan."),
        Command::Plan => public(Message::embed(cards::plan_embed(c))).into(),
        Command::Help => public(Message::embed(help(cat))).into(),
        Command::Pin { module } => pin(cat, i, module),
        Command::Complete {
            command,
            option,
            typed,
        } => complete(cat, command, option, typed).into(),
        Command::Report
        | Command::Curriculum { .. }
        | Command::Remind { .. }
        | Command::PinList => error("That command isn't available here."),
    }
}

/// Drops the long tail: hits scoring under a fifth of the best one are noise to a member
/// (`production ml systems` should not list every resource that mentions "ML").
fn relevant(hits: Vec<crate::search::Hit>) -> Vec<crate::search::Hit> {
    let best = hits.first().map_or(0.0, |h| h.score);
    hits.into_iter().filter(|h| h.score >= best * 0.2).collect()
}

/// `custom_id` of a paging button: `res|<page>|<query>`, the query cleaned and cut so that the
/// whole id fits Discord's 100 characters.
pub fn page_id(page: usize, query: &str) -> String {
    let head = format!("res|{page}|");
    let room = CUSTOM_ID_MAX.saturating_sub(head.chars().count());
    let q: String = super::command::clean(query).chars().take(room).collect();
    format!("{head}{}", q.trim_end())
}

/// `(page, query)` of a paging button; the query gets the same cleaning and cap as a typed one
/// (a custom_id comes from the client and can hold anything).
fn parse_page_id(id: &str) -> Option<(usize, String)> {
    let rest = id.strip_prefix("res|")?;
    let (page, query) = rest.split_once('|')?;
    Some((page.parse().ok()?, super::command::clean_query(query)?))
}

fn resources(cat: &Catalog, query: &str, page: usize, update: bool) -> Outcome {
    let c = &cat.curriculum;
    // An autocomplete choice submits the resource's key: show exactly that one first.
    let mut hits: Vec<usize> = c
        .resources
        .iter()
        .position(|r| r.key == query)
        .into_iter()
        .collect();
    for h in relevant(cat.index.query(query, Some(&[Kind::Resource]), MAX_RESULTS)) {
        let r = cat.index.docs()[h.doc].target;
        if !hits.contains(&r) {
            hits.push(r);
        }
    }
    if hits.is_empty() {
        let hint = cat
            .index
            .did_you_mean(query)
            .map(|s| format!(" Did you mean **{}**?", escape(&s)))
            .unwrap_or_default();
        return error(format!("No resource matches {}.{hint}", quoted(query)));
    }
    let pages = hits.len().div_ceil(PAGE_SIZE);
    let page = page.min(pages - 1);
    let embeds: Vec<Embed> = hits
        .iter()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|&r| cards::resource_embed(c, &c.resources[r]))
        .collect();
    let mut m = Message {
        content: Some(format!(
            "Resources for {} — {} match{}{}",
            quoted(query),
            hits.len(),
            if hits.len() == 1 { "" } else { "es" },
            if pages > 1 {
                format!(", page {} of {pages}", page + 1)
            } else {
                String::new()
            }
        )),
        embeds,
        ..Message::default()
    };
    if pages > 1 {
        m.components = vec![Component::row(vec![
            Component::button(
                2,
                "Previous",
                &page_id(page.saturating_sub(1), query),
                page == 0,
            ),
            Component::button(2, "Next", &page_id(page + 1, query), page + 1 >= pages),
        ])];
    }
    let m = m.within_limits();
    if update {
        Response::Update(m).into()
    } else {
        Response::Message(m).into()
    }
}

fn search(cat: &Catalog, i: &Interaction, topic: &str) -> Outcome {
    let hits = relevant(cat.index.query(topic, None, 10));
    if hits.is_empty() {
        let hint = cat
            .index
            .did_you_mean(topic)
            .map(|s| format!(" Did you mean **{}**?", escape(&s)))
            .unwrap_or_default();
        let mut out = error(format!(
            "Nothing close to {} in the curriculum.{hint}",
            quoted(topic)
        ));
        out.effects.push(Effect::RecordMiss {
            guild: i.guild_id.clone(),
            query: topic.to_lowercase(),
        });
        return out;
    }
    let lines: Vec<String> = hits
        .iter()
        .map(|h| {
            let d = &cat.index.docs()[h.doc];
            let title = match &d.url {
                Some(u) => format!("[{}]({u})", d.title.replace(['[', ']'], "")),
                None => format!("**{}**", d.title),
            };
            format!(
                "{title} · {} · *{}*",
                d.kind.as_str().replace('_', " "),
                d.section
            )
        })
        .collect();
    public(Message::embed(Embed {
        title: Some(format!(
            "Search: {}",
            escape(&super::message::truncate(topic, 200))
        )),
        description: Some(lines.join("\n")),
        color: Some(cards::COLOR),
        ..Embed::default()
    }))
    .into()
}

/// A module by number (`2`), title or `Module 2: …`, with typo tolerance.
pub fn find_module<'a>(cat: &'a Catalog, w: &str) -> Option<&'a crate::curriculum::Module> {
    let c = &cat.curriculum;
    let w = w.trim();
    let number = w
        .parse::<u32>()
        .ok()
        .or_else(|| crate::curriculum::lines::module_number(w));
    if let Some(n) = number {
        return c.modules.iter().find(|m| m.number == n);
    }
    let hit = cat
        .index
        .query(w, Some(&[Kind::Module]), 1)
        .into_iter()
        .next()?;
    c.modules.get(cat.index.docs()[hit.doc].target)
}

fn module_card(cat: &Catalog, m: &crate::curriculum::Module) -> Embed {
    let c = &cat.curriculum;
    let mut res: Vec<usize> = m.link.into_iter().collect();
    // Related resources must mention one of the module title's distinctive words.
    let words: Vec<String> = m
        .title
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5)
        .map(str::to_lowercase)
        .filter(|w| {
            // Words found in many resources ("mlops") tell nothing about this module.
            let n = c
                .resources
                .iter()
                .filter(|r| r.title.to_lowercase().contains(w.as_str()))
                .count();
            n * 5 <= c.resources.len()
        })
        .collect();
    for h in cat.index.query(&m.title, Some(&[Kind::Resource]), 10) {
        let r = cat.index.docs()[h.doc].target;
        let text =
            format!("{} {}", c.resources[r].title, c.resources[r].description).to_lowercase();
        if !res.contains(&r) && res.len() < 4 && words.iter().any(|w| text.contains(w.as_str())) {
            res.push(r);
        }
    }
    cards::module_card(c, m, &res)
}

fn unknown_module(cat: &Catalog, w: &str) -> String {
    let list: Vec<String> = cat
        .curriculum
        .modules
        .iter()
        .map(|m| format!("{} ({})", m.number, m.title))
        .collect();
    format!("No module {}. Modules: {}.", quoted(w), list.join(", "))
}

fn find_pathway(cat: &Catalog, b: &str) -> Option<usize> {
    let ps = &cat.curriculum.pathways;
    if let Some(p) = ps.iter().position(|p| p.background.eq_ignore_ascii_case(b)) {
        return Some(p);
    }
    let hit = cat
        .index
        .query(b, Some(&[Kind::Pathway]), 1)
        .into_iter()
        .next()?;
    Some(cat.index.docs()[hit.doc].target)
}

fn pin(cat: &Catalog, i: &Interaction, module: &str) -> Outcome {
    if i.guild_id.is_none() {
        return error("Pinning works in a server channel, not in DMs.");
    }
    if !i.member_can(perms::MANAGE_MESSAGES) {
        return error("Only moderators with **Manage Messages** can pin module cards.");
    }
    let can_pin = i.bot_can(perms::PIN_MESSAGES) || i.bot_can(perms::MANAGE_MESSAGES);
    if !(i.bot_can(perms::SEND_MESSAGES | perms::EMBED_LINKS) && can_pin) {
        return error(
            "I can't pin here: I need **Send Messages**, **Embed Links** and **Pin Messages** in \
             this channel. Ask an admin to grant them to my role.",
        );
    }
    let Some(m) = find_module(cat, module) else {
        return error(unknown_module(cat, module));
    };
    let (Some(channel), Some(guild)) = (i.channel_id.clone(), i.guild_id.clone()) else {
        return error("I can't tell which channel to pin in.");
    };
    let card = PinnedCard {
        guild,
        track: (cat.curriculum.tracks.get(m.track)).map_or_else(String::new, |t| t.slug.clone()),
        module: m.number,
    };
    Outcome {
        response: Response::Message(
            Message::text(format!("Pinned Module {}: {}.", m.number, m.title)).ephemeral(),
        ),
        effects: vec![Effect::PostAndPin {
            channel,
            message: Message::embed(module_card(cat, m)).within_limits(),
            card,
        }],
        failed: false,
    }
}

fn complete(cat: &Catalog, command: &str, option: &str, typed: &str) -> Response {
    let c = &cat.curriculum;
    let choices: Vec<Choice> = match (command, option) {
        ("resource", _) => cat
            .index
            .complete(typed, &[Kind::Resource], CHOICES_MAX)
            .into_iter()
            .map(|h| {
                let r = &c.resources[cat.index.docs()[h.doc].target];
                let name = if r.duplicates.is_empty() {
                    r.title.clone()
                } else {
                    format!("{} — {}", r.title, c.sections[r.section].title)
                };
                Choice::new(&name, &r.key)
            })
            .collect(),
        ("module" | "pin", _) => cat
            .index
            .complete(typed, &[Kind::Module], CHOICES_MAX)
            .into_iter()
            .map(|h| {
                let m = &c.modules[cat.index.docs()[h.doc].target];
                Choice::new(
                    &format!("Module {}: {}", m.number, m.title),
                    &m.number.to_string(),
                )
            })
            .collect(),
        ("search", _) => cat
            .index
            .complete(typed, &[], CHOICES_MAX)
            .into_iter()
            .map(|h| {
                let t = &cat.index.docs()[h.doc].title;
                Choice::new(t, t)
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    let choices = choices
        .into_iter()
        .filter(|ch| seen.insert(ch.value.clone()))
        .take(CHOICES_MAX)
        .collect();
    Response::Autocomplete { choices }
}

fn help(cat: &Catalog) -> Embed {
    let c = &cat.curriculum;
    let cmds = [
        ("/resource query", "find a resource by name"),
        ("/search topic", "fuzzy search over everything"),
        ("/module [module]", "a module card, or all modules"),
        ("/path background", "the pathway for your background"),
        ("/plan", "the getting-started action plan"),
        (
            "/remind subscribe",
            "a weekly reminder of where you are in the plan",
        ),
        ("/pin module", "moderators: post and pin a module card"),
        ("/report", "moderators: searches that found nothing"),
        (
            "/curriculum reload|validate",
            "moderators: reload or check the curriculum",
        ),
    ];
    let lines: Vec<String> = cmds.iter().map(|(n, d)| format!("`{n}` — {d}")).collect();
    Embed {
        title: Some(format!(
            "{} — commands",
            c.pages.first().map_or("Curriculum", |p| p.title.as_str())
        )),
        description: Some(format!(
            "{}\n\nLoaded: {}",
            lines.join("\n"),
            crate::curriculum::summary(c)
        )),
        color: Some(cards::COLOR),
        ..Embed::default()
    }
}
