//! Unit tests of `modules`.

use super::*;
use crate::curriculum::{parse, ParseOptions, SourcePage};
use crate::search::Aliases;

fn catalog() -> Catalog {
    let overview =
        "# Track\n\n## Learning Path\n- Module 1: [Many](./01-many.md) (2 weeks) - Lots to read\n";
    let mut page = String::from("# Module 1: Many\n");
    for s in 1..=2 {
        page.push_str(&format!(
            "\n## Part {s}\n- **Reading {s}**\n  - Read\n  - **Resources:**\n"
        ));
        for r in 1..=4 {
            page.push_str(&format!(
                "    - [Read {s}.{r}](https://read.example.com/{s}/{r}) - Reading\n"
            ));
        }
    }
    let pages = [
        SourcePage {
            path: "overview.md".into(),
            text: overview.into(),
        },
        SourcePage {
            path: "01-many.md".into(),
            text: page,
        },
    ];
    Catalog::new(parse(&pages, &ParseOptions::default()), &Aliases::default())
}

#[test]
fn a_module_cards_resources_page_with_buttons_in_page_order() {
    let cat = catalog();
    let c = &cat.curriculum;
    let m = c.tracks[0].module(c, 1).expect("module 1");
    let first = card(&cat, m, 0);
    let field = |msg: &Message| {
        msg.embeds[0]
            .fields
            .iter()
            .find(|f| f.name.starts_with("Resources"))
            .cloned()
            .expect("resources")
    };
    let f = field(&first);
    assert_eq!(f.name, "Resources (1 of 2)");
    assert!(f.value.starts_with("• [Read 1.1]"), "{}", f.value);
    assert_eq!(f.value.lines().count(), MODULE_PAGE);
    let next = first.components[0].components[1].custom_id.clone().unwrap();
    let (m2, page) = parse_page_id(c, &next).expect("a paging id");
    assert_eq!((m2, page), (m, 1));
    let second = card(&cat, m2, page);
    let f = field(&second);
    assert_eq!(f.name, "Resources (2 of 2)");
    assert_eq!(f.value.lines().count(), 8 - MODULE_PAGE);
    assert!(
        f.value.ends_with("(https://read.example.com/2/4)"),
        "{}",
        f.value
    );
    assert_eq!(second.components[0].components[1].disabled, Some(true));
    // Covers lists the page's sections; a stale id is refused, never a panic.
    let covers = &second.embeds[0].fields[2];
    assert_eq!(covers.value, "• Part 1\n• Part 2");
    assert_eq!(parse_page_id(c, "mod|nope|1|0"), None);
    assert_eq!(parse_page_id(c, "mod|x"), None);
}
