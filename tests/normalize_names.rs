//! Name keys over `../shared/docs/translit/names-variants.tsv` (and tests/data/names-unseen.tsv, names
//! the keys were not developed on): every variant group matches its own group at
//! `NAME_MATCH_THRESHOLD` or above (some Cyrillic form and some Latin form of the group meet) and no
//! other group (every pair of forms from two different groups scores below it). Also: the share of
//! Cyrillic forms whose best Latin partner is in their own group and above the threshold.

mod common;

use tilmash::normalize::{name_key, name_similarity, NAME_MATCH_THRESHOLD};

/// Parenthesized words that describe the entry rather than spell it.
const DESCRIPTORS: [&str; 5] = ["партия", "газет", "газета", "журнал", "newspaper"];

struct Group {
    cyrillic: Vec<String>,
    latin: Vec<String>,
}

/// "Әлихан Бөкейханов (Бөкейхан)" → ["Әлихан Бөкейханов", "Бөкейхан"]; "Верный / Алматы" → both.
fn forms(cell: &str, sep: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in cell.split(sep) {
        let part = part.replace(['«', '»'], "");
        let mut outside = String::new();
        let mut rest = part.as_str();
        while let Some(open) = rest.find('(') {
            outside.push_str(&rest[..open]);
            let close = rest[open..].find(')').map_or(rest.len(), |c| open + c);
            let inner = rest[open + 1..close].trim();
            if !inner.is_empty() && !DESCRIPTORS.contains(&inner) {
                out.push(inner.to_string());
            }
            rest = rest.get(close + 1..).unwrap_or("");
        }
        outside.push_str(rest);
        let outside = outside.split_whitespace().collect::<Vec<_>>().join(" ");
        if !outside.is_empty() {
            out.push(outside);
        }
    }
    out
}

fn parse(text: &str) -> Vec<Group> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c.len() >= 3).then(|| {
                let mut cyrillic = forms(c[0], " / ");
                cyrillic.extend(forms(c[1], " / "));
                Group {
                    cyrillic,
                    latin: forms(c[2], "; "),
                }
            })
        })
        .collect()
}

fn all_forms(g: &Group) -> impl Iterator<Item = &String> {
    g.cyrillic.iter().chain(&g.latin)
}

/// Checks one file; returns (groups, own-group matches, cross-group violations, Cyrillic forms
/// with their best Latin partner in their own group, Cyrillic forms).
fn check(name: &str, groups: &[Group]) -> (usize, usize, Vec<String>, usize, usize) {
    let t = NAME_MATCH_THRESHOLD;
    let mut own = 0;
    let (mut lowest_own, mut highest_cross) = (1.0f64, 0.0f64);
    let mut violations = Vec::new();
    let (mut best_own, mut cyr_total) = (0, 0);
    for (gi, g) in groups.iter().enumerate() {
        let diag = g
            .cyrillic
            .iter()
            .flat_map(|c| g.latin.iter().map(move |l| name_similarity(c, l)))
            .fold(0.0, f64::max);
        lowest_own = lowest_own.min(diag);
        if diag >= t {
            own += 1;
        } else {
            println!(
                "{name}: group {} matches itself only at {diag:.3}",
                g.cyrillic[0]
            );
        }
        for h in groups.iter().skip(gi + 1) {
            for a in all_forms(g) {
                for b in all_forms(h) {
                    let s = name_similarity(a, b);
                    highest_cross = highest_cross.max(s);
                    if s >= t {
                        violations.push(format!(
                            "{a} ({}) ~ {b} ({}) = {s:.3}",
                            name_key(a),
                            name_key(b)
                        ));
                    }
                }
            }
        }
        for c in &g.cyrillic {
            cyr_total += 1;
            let best = groups
                .iter()
                .enumerate()
                .flat_map(|(hi, h)| h.latin.iter().map(move |l| (name_similarity(c, l), hi)))
                .fold((0.0, usize::MAX), |a, b| if b.0 > a.0 { b } else { a });
            if best.1 == gi && best.0 >= t {
                best_own += 1;
            }
        }
    }
    println!(
        "{name}: lowest own-group score {lowest_own:.3}, highest cross-group score {highest_cross:.3}"
    );
    (groups.len(), own, violations, best_own, cyr_total)
}

fn report(name: &str, groups: &[Group]) {
    let (n, own, violations, best_own, cyr) = check(name, groups);
    println!(
        "{name}: threshold {NAME_MATCH_THRESHOLD}; groups matching their own group: {own}/{n}; \
         cross-group pairs at or above the threshold: {}; Cyrillic forms whose best Latin partner \
         is in their group: {best_own}/{cyr} ({:.1}%)",
        violations.len(),
        100.0 * best_own as f64 / cyr as f64
    );
    for v in &violations {
        println!("  cross-group: {v}");
    }
    assert_eq!(own, n, "{name}: some groups do not match themselves");
    assert!(violations.is_empty(), "{name}: groups match each other");
}

#[test]
fn shared_name_variants() {
    let Some(shared) = common::shared() else {
        common::skip("name variants: ../shared is absent");
        return;
    };
    let Ok(text) = std::fs::read_to_string(shared.join("docs/translit/names-variants.tsv")) else {
        common::skip("name variants: names-variants.tsv is absent");
        return;
    };
    let groups = parse(&text);
    assert!(groups.len() >= 30);
    report("names-variants.tsv", &groups);
}

#[test]
fn unseen_name_variants() {
    let groups = parse(include_str!("data/names-unseen.tsv"));
    report("names-unseen.tsv", &groups);
}

#[test]
fn case_endings_are_stripped() {
    for (inflected, base) in [
        ("Бөкейхановтың", "Bokeikhanov"),
        ("Бөкейхановтың", "Бөкейханов"),
        ("Букейханова", "Bukeikhanov"),
        ("Сталинмен", "Stalin"),
        ("Сталиннің", "Сталин"),
        ("Семейдегі", "Semey"),
        ("Семейде", "Семей"),
        ("Алашорданың", "Alashorda"),
        ("Алашорды", "Алашорда"),
        ("Семипалатинска", "Semipalatinsk"),
        ("Досмұхамедовтерден", "Dosmukhamedov"),
        ("Шәуешекке", "Shäueshäk"),
        ("Байтұрсыновқа", "Baitursynuly"),
    ] {
        let s = name_similarity(inflected, base);
        assert!(
            s >= NAME_MATCH_THRESHOLD,
            "{inflected} ({}) vs {base} ({}) = {s:.3}",
            name_key(inflected),
            name_key(base)
        );
    }
}
