//! The linguist-tunable tables of `data/normalize/` and `data/translit/`, embedded at build time and
//! parsed once on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Rows of a `#`-commented TSV with a header line: each row's columns (empty trailing columns kept).
pub(crate) fn tsv_rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| l.split('\t').collect())
}

fn single_char(s: &str) -> Option<char> {
    let mut it = s.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// A char → char table from the first two columns.
fn char_map(text: &'static str) -> HashMap<char, char> {
    tsv_rows(text)
        .filter_map(|r| Some((single_char(r.first()?)?, single_char(r.get(1)?)?)))
        .collect()
}

pub(crate) struct Tables {
    pub latin_to_cyrillic: HashMap<char, char>,
    pub cyrillic_to_latin: HashMap<char, char>,
    /// Other-Cyrillic look-alike → Kazakh letter, and whether it needs a Kazakh line (fita).
    pub other_cyrillic: HashMap<char, (char, bool)>,
    /// KZ-1048-through-cp1251 character → Kazakh letter, and whether it triggers the repair.
    pub kz1048: HashMap<char, (char, bool)>,
    /// Typography folds: char → (replacement, rule name, applies in export).
    pub typography: HashMap<char, (&'static str, &'static str, bool)>,
}

pub(crate) fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| Tables {
        latin_to_cyrillic: char_map(include_str!("../../data/normalize/latin-to-cyrillic.tsv")),
        cyrillic_to_latin: char_map(include_str!("../../data/normalize/cyrillic-to-latin.tsv")),
        other_cyrillic: tsv_rows(include_str!("../../data/normalize/other-cyrillic.tsv"))
            .filter_map(|r| {
                let from = single_char(r.first()?)?;
                let to = single_char(r.get(1)?)?;
                Some((
                    from,
                    (to, r.get(2).is_some_and(|c| c.trim() == "kazakh_line")),
                ))
            })
            .collect(),
        kz1048: tsv_rows(include_str!("../../data/normalize/kz1048.tsv"))
            .filter_map(|r| {
                let from = single_char(r.first()?)?;
                let to = single_char(r.get(1)?)?;
                Some((from, (to, r.get(2).is_some_and(|c| c.trim() == "yes"))))
            })
            .collect(),
        typography: tsv_rows(include_str!("../../data/normalize/typography.tsv"))
            .filter_map(|r| {
                let from = single_char(r.first()?)?;
                let rule: &'static str = match *r.get(2)? {
                    "hyphen" => "hyphen",
                    "quote" => "quote",
                    "ellipsis" => "ellipsis",
                    _ => "typography",
                };
                let export = r
                    .get(3)
                    .is_some_and(|p| p.split(' ').any(|p| p == "export"));
                Some((from, (*r.get(1)?, rule, export)))
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        let t = tables();
        assert_eq!(t.latin_to_cyrillic.get(&'o'), Some(&'о'));
        assert_eq!(t.latin_to_cyrillic.get(&'Y'), None);
        assert_eq!(t.cyrillic_to_latin.get(&'р'), Some(&'p'));
        assert_eq!(t.other_cyrillic.get(&'ҡ'), Some(&('қ', false)));
        assert_eq!(t.other_cyrillic.get(&'ѳ'), Some(&('ө', true)));
        assert_eq!(t.kz1048.len(), 16);
        assert_eq!(t.kz1048.get(&'ґ'), Some(&('ө', true)));
        assert_eq!(t.typography.get(&'…'), Some(&("...", "ellipsis", false)));
        assert_eq!(t.typography.get(&'\u{2011}'), Some(&("-", "hyphen", true)));
    }
}
