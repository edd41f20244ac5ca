//! Discord message payloads (content, embeds, buttons, flags, allowed_mentions) and the interaction
//! response around them, always within Discord's limits and never able to ping anyone by accident.

use serde::{Deserialize, Serialize};

pub const EPHEMERAL: u64 = 1 << 6;
pub const CONTENT_MAX: usize = 2000;
pub const EMBED_TITLE_MAX: usize = 256;
pub const EMBED_DESCRIPTION_MAX: usize = 4096;
pub const EMBED_FIELDS_MAX: usize = 25;
pub const FIELD_NAME_MAX: usize = 256;
pub const FIELD_VALUE_MAX: usize = 1024;
pub const FOOTER_MAX: usize = 2048;
pub const EMBEDS_TOTAL_MAX: usize = 6000;
pub const EMBEDS_PER_MESSAGE: usize = 10;
pub const CHOICES_MAX: usize = 25;
pub const CHOICE_MAX: usize = 100;
pub const CUSTOM_ID_MAX: usize = 100;

/// `allowed_mentions`: by default nothing may be pinged; a group reminder may allow one role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowedMentions {
    pub parse: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbedField {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub inline: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Footer {
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Embed {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub fields: Vec<EmbedField>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<Footer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<u32>,
    /// A picture, e.g. `attachment://roadmap.png` for a file uploaded with the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<EmbedImage>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmbedImage {
    pub url: String,
}

/// A file uploaded with a message: multipart part `files[n]`, where n is its index. Not JSON;
/// the payload refers to it through [`Attachment`] and `attachment://{name}`.
#[derive(Clone, Default, PartialEq)]
pub struct File {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "File({}, {} bytes)", self.name, self.bytes.len())
    }
}

/// `attachments[]` of a payload: `id` is the index of the file's `files[n]` part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub filename: String,
}

/// A button (type 2) or a string select menu (type 3) inside an action row (type 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    #[serde(rename = "type")]
    pub kind: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub components: Vec<Component>,
    /// A select menu's choices (1-25).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub options: Vec<SelectOption>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub placeholder: Option<String>,
}

/// One choice of a string select menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
}

/// Select menus hold at most 25 options; labels, values and descriptions at most 100 characters.
pub const SELECT_OPTIONS_MAX: usize = 25;

impl Component {
    pub fn row(buttons: Vec<Component>) -> Component {
        Component {
            kind: 1,
            style: None,
            label: None,
            custom_id: None,
            disabled: None,
            components: buttons,
            options: Vec::new(),
            placeholder: None,
        }
    }

    /// A secondary (style 2) or danger (style 4) button.
    pub fn button(style: u8, label: &str, custom_id: &str, disabled: bool) -> Component {
        Component {
            kind: 2,
            style: Some(style),
            label: Some(label.to_string()),
            custom_id: Some(truncate(custom_id, CUSTOM_ID_MAX)),
            disabled: disabled.then_some(true),
            components: Vec::new(),
            options: Vec::new(),
            placeholder: None,
        }
    }

    /// A string select menu (type 3): `(label, value, description)` choices, at most 25 kept.
    pub fn select(
        custom_id: &str,
        placeholder: &str,
        choices: impl IntoIterator<Item = (String, String, Option<String>)>,
    ) -> Component {
        Component {
            kind: 3,
            style: None,
            label: None,
            custom_id: Some(truncate(custom_id, CUSTOM_ID_MAX)),
            disabled: None,
            components: Vec::new(),
            options: choices
                .into_iter()
                .take(SELECT_OPTIONS_MAX)
                .map(|(label, value, description)| SelectOption {
                    label: truncate(&label, CHOICE_MAX),
                    value: truncate(&value, CHOICE_MAX),
                    description: description
                        .filter(|d| !d.trim().is_empty())
                        .map(|d| truncate_words(&d, CHOICE_MAX)),
                })
                .collect(),
            placeholder: Some(truncate(placeholder, 150)),
        }
    }
}

/// A message: what an interaction reply, a pinned card and a reminder all send.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    pub embeds: Vec<Embed>,
    pub components: Vec<Component>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<u64>,
    pub allowed_mentions: AllowedMentions,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub attachments: Vec<Attachment>,
    /// Uploaded with the message as multipart parts; transports send them (see `attachments`).
    #[serde(skip)]
    pub files: Vec<File>,
}

impl Message {
    /// Uploads `bytes` as `name` with this message (referred to as `attachment://{name}`).
    pub fn with_file(mut self, name: &str, bytes: Vec<u8>) -> Message {
        self.attachments.push(Attachment {
            id: self.files.len().to_string(),
            filename: name.to_string(),
        });
        self.files.push(File {
            name: name.to_string(),
            bytes,
        });
        self
    }

    pub fn text(content: impl Into<String>) -> Message {
        Message {
            content: Some(content.into()),
            ..Message::default()
        }
    }

    pub fn embed(embed: Embed) -> Message {
        Message {
            embeds: vec![embed],
            ..Message::default()
        }
    }

    pub fn ephemeral(mut self) -> Message {
        self.flags = Some(self.flags.unwrap_or(0) | EPHEMERAL);
        self
    }

    pub fn is_ephemeral(&self) -> bool {
        self.flags.unwrap_or(0) & EPHEMERAL != 0
    }

    /// Cuts every part down to Discord's limits, with "…" where text was cut.
    pub fn within_limits(mut self) -> Message {
        if let Some(c) = self.content.take() {
            self.content = Some(truncate(&c, CONTENT_MAX));
        }
        self.embeds.truncate(EMBEDS_PER_MESSAGE);
        let mut budget = EMBEDS_TOTAL_MAX;
        let mut kept = Vec::new();
        for e in self.embeds.drain(..) {
            let e = e.within_limits(budget);
            let size = e.chars();
            if size > budget {
                break;
            }
            budget -= size;
            kept.push(e);
        }
        self.embeds = kept;
        self
    }
}

impl Embed {
    /// Characters that count towards the 6000 total.
    pub fn chars(&self) -> usize {
        let n = |s: &Option<String>| s.as_deref().map_or(0, |s| s.chars().count());
        n(&self.title)
            + n(&self.description)
            + self.footer.as_ref().map_or(0, |f| f.text.chars().count())
            + self
                .fields
                .iter()
                .map(|f| f.name.chars().count() + f.value.chars().count())
                .sum::<usize>()
    }

    fn within_limits(mut self, budget: usize) -> Embed {
        self.title = self.title.map(|t| truncate(&t, EMBED_TITLE_MAX));
        self.footer = self.footer.map(|f| Footer {
            text: truncate(&f.text, FOOTER_MAX),
        });
        self.fields.truncate(EMBED_FIELDS_MAX);
        for f in &mut self.fields {
            f.name = truncate(&f.name, FIELD_NAME_MAX);
            f.value = truncate(&f.value, FIELD_VALUE_MAX);
        }
        while self.chars() > budget && self.fields.len() > 1 {
            self.fields.pop();
        }
        let rest = self.chars() - self.description.as_deref().map_or(0, |d| d.chars().count());
        let room = EMBED_DESCRIPTION_MAX.min(budget.saturating_sub(rest));
        self.description = self.description.map(|d| truncate(&d, room.max(1)));
        self
    }
}

/// An autocomplete choice: name shown, value submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub name: String,
    pub value: String,
}

impl Choice {
    /// A choice within Discord's 1–100 character limits.
    pub fn new(name: &str, value: &str) -> Choice {
        let name = if name.trim().is_empty() { "?" } else { name };
        let value = if value.is_empty() { name } else { value };
        Choice {
            name: truncate(name, CHOICE_MAX),
            value: truncate(value, CHOICE_MAX),
        }
    }
}

/// An interaction response (callback) body.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Pong,
    /// A new message (callback type 4).
    Message(Message),
    /// Edit the message a button is on (callback type 7).
    Update(Message),
    /// Autocomplete choices (callback type 8).
    Autocomplete {
        choices: Vec<Choice>,
    },
}

impl Response {
    /// The callback JSON Discord expects: `{"type": 4, "data": {...}}`, with a numeric type.
    pub fn to_json(&self) -> serde_json::Value {
        let (kind, data) = match self {
            Response::Pong => (1, None),
            Response::Message(m) => (4, serde_json::to_value(m).ok()),
            Response::Update(m) => (7, serde_json::to_value(m).ok()),
            Response::Autocomplete { choices } => (
                8,
                Some(
                    serde_json::json!({ "choices": choices.iter().take(CHOICES_MAX).collect::<Vec<_>>() }),
                ),
            ),
        };
        match data {
            Some(d) => serde_json::json!({ "type": kind, "data": d }),
            None => serde_json::json!({ "type": kind }),
        }
    }

    /// The files to upload with this response (multipart), if any.
    pub fn files(&self) -> &[File] {
        self.message().map_or(&[], |m| &m.files)
    }

    pub fn message(&self) -> Option<&Message> {
        match self {
            Response::Message(m) | Response::Update(m) => Some(m),
            _ => None,
        }
    }
}

/// Cuts `s` to at most `max` characters, ending in "…" when anything was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Like [`truncate`], but cut after a whole word when there is one in the second half.
pub fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = head
        .char_indices()
        .filter(|&(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .next_back()
        .filter(|&i| head[..i].chars().count() * 2 >= max);
    match cut {
        Some(i) => format!("{}…", head[..i].trim_end()),
        None => format!("{head}…"),
    }
}

/// Makes member input safe to echo: no Markdown, no mass mentions, no control characters.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '*' | '_' | '~' | '`' | '|' | '>' | '[' | ']' | '(' | ')' | '#' | '\\' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200b}"),
            c if c.is_control() => out.push(' '),
            c if is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// The Unicode bidirectional formatting characters: LRM, RLM, ALM, the embeddings and overrides
/// (U+202A–U+202E) and the isolates (U+2066–U+2069). Echoed, they can reverse how the rest of a
/// message reads.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests;
