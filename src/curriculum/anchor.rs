//! Heading anchors as Docusaurus makes them (its slugger is github-slugger's): lowercase,
//! punctuation and symbols dropped, each space a `-`, and `-1`, `-2`… for a repeated heading.

use super::model::Curriculum;

/// The anchor of one heading text (without the repeat suffix): `CI/CD & Testing` -> `cicd--testing`.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

impl Curriculum {
    /// The anchor of section `s` on its page: its slug, with `-N` when an earlier heading of the
    /// page (its title or a section) has the same slug.
    pub fn section_anchor(&self, s: usize) -> String {
        let sec = &self.sections[s];
        let base = slug(&sec.title);
        let page = &self.pages[sec.page];
        let mut seen = usize::from(slug(&page.title) == base);
        for (i, o) in self.sections.iter().enumerate().take(s) {
            if o.page == sec.page && i != s && slug(&o.title) == base {
                seen += 1;
            }
        }
        match seen {
            0 => base,
            n => format!("{base}-{n}"),
        }
    }

    /// The URL of section `s`: its page's URL and the section's anchor.
    pub fn section_url(&self, s: usize) -> Option<String> {
        let sec = &self.sections[s];
        let page = &self.pages[sec.page];
        let url = page.url.as_deref()?;
        // Text before the first `##` is a section named after the page: the page's top.
        let first = !self.sections[..s].iter().any(|o| o.page == sec.page);
        if first && sec.title == page.title {
            return Some(url.to_string());
        }
        Some(format!("{url}#{}", self.section_anchor(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_like_docusaurus() {
        assert_eq!(slug("Feature Engineering"), "feature-engineering");
        assert_eq!(slug("CI/CD & Testing"), "cicd--testing");
        assert_eq!(slug("What's next?"), "whats-next");
        assert_eq!(slug("Module 3: Data (part 2)"), "module-3-data-part-2");
        assert_eq!(slug("Über_uns"), "über_uns");
    }
}
