//! The review round trip in a real browser: `tilmash review` writes the page, headless Chromium
//! (driven by tests/review/e2e.mjs with playwright-core) filters, rejects, edits, accepts and
//! downloads the decisions, and `tilmash apply-review` writes the reviewed TMX we check here.

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| which("chromium"))
        .filter(|p| p.is_file())
}

#[test]
fn review_page_is_self_contained_and_one_per_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash(&out).status.success());
    let o = run(&["review", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for pair in ["ru-kk", "ru-en", "kk-en"] {
        let page = std::fs::read_to_string(out.join(format!("{pair}.review.html"))).unwrap();
        // No network, no external files: nothing is loaded from anywhere.
        for needle in [
            "src=\"http",
            "href=\"http",
            "<link ",
            "src=\"/",
            "@import",
            "url(",
        ] {
            assert!(!page.contains(needle), "{pair}: {needle}");
        }
        assert!(page.contains("default-src 'none'"));
        // Every unit of the pair is in the page, and the context of its documents.
        for line in std::fs::read_to_string(out.join(format!("{pair}.jsonl")))
            .unwrap()
            .lines()
        {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(page.contains(v["id"].as_str().unwrap()));
        }
        assert!(page.contains("\"docs\":{\""));
    }
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"ru-kk.review.html\""), "{index}");
}

#[test]
fn apply_review_without_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash(&out).status.success());
    let units: Vec<serde_json::Value> = std::fs::read_to_string(out.join("ru-en.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (rej, edit, acc) = (&units[0]["id"], &units[1]["id"], &units[2]["id"]);
    let decisions = serde_json::json!({
        "pair": "ru-en", "run_dir": out, "reviewer": "Ana <R&D>",
        "decisions": [
            {"id": rej, "state": "rejected"},
            {"id": edit, "state": "edited", "src": units[1]["src"], "tgt": "  A better\ntranslation.  "},
            {"id": acc, "state": "accepted"},
            {"id": "0000000000000000", "state": "accepted"}
        ]
    });
    let d = tmp.path().join("d.json");
    std::fs::write(&d, decisions.to_string()).unwrap();
    let o = run(&["apply-review", d.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 accepted, 1 edited, 1 rejected, 1 unknown"),
        "{}",
        stdout(&o)
    );
    let tmx = std::fs::read_to_string(out.join("ru-en.reviewed.tmx")).unwrap();
    assert_eq!(tmx.matches("<tu ").count(), units.len() - 1);
    assert!(!tmx.contains(&format!("tuid={rej}")));
    let unit = tmx.split(&format!("tuid={edit}")).nth(1).unwrap();
    let unit = &unit[..unit.find("</tu>").unwrap()];
    assert!(unit.contains("<seg>A better translation.</seg>"), "{unit}");
    assert!(unit.contains("<prop type=\"x-review\">edited</prop>"));
    assert!(unit.contains("<prop type=\"x-reviewer\">Ana &lt;R&amp;D&gt;</prop>"));
    assert!(unit.contains("x-original-tgt"));
    let reviewed = std::fs::read_to_string(out.join("ru-en.reviewed.jsonl")).unwrap();
    assert_eq!(reviewed.lines().count(), units.len() - 1);
    let v = run(&["validate", out.join("ru-en.reviewed.tmx").to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
}

#[test]
fn review_round_trip_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        skip("chromium (apt-get install chromium)");
        return;
    };
    let Some(node) = which("node") else {
        skip("node (apt-get install nodejs)");
        return;
    };
    let driver = repo().join("tests/review/e2e.mjs");
    if !repo()
        .join("tests/review/node_modules/playwright-core")
        .is_dir()
    {
        skip("playwright-core (npm install --prefix tests/review)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("alash");
    assert!(run_alash_with_comparable(&out).status.success());
    assert!(run(&["review", out.to_str().unwrap()]).status.success());
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let shot = std::env::var_os("TILMASH_SCREENSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("review.png"));
    let o = Command::new(node)
        .arg(&driver)
        .arg(out.join("kk-en.review.html"))
        .arg(&downloads)
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .current_dir(repo().join("tests/review"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let r: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        r["outside"],
        serde_json::json!([]),
        "the page tried the network"
    );
    assert_eq!(r["errors"], serde_json::json!([]), "script errors");
    assert!(r["context_lines"].as_u64().unwrap() >= 3, "{r}");
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);

    let decisions = PathBuf::from(r["saved"].as_str().unwrap());
    let o = run(&["apply-review", decisions.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tmx = std::fs::read_to_string(out.join("kk-en.reviewed.tmx")).unwrap();
    let before = std::fs::read_to_string(out.join("kk-en.tmx")).unwrap();
    assert_eq!(
        tmx.matches("<tu ").count(),
        before.matches("<tu ").count() - 1
    );
    let tu = |id: &str| {
        tmx.split(&format!("tuid=\"{id}\""))
            .nth(1)
            .map(|t| t[..t.find("</tu>").unwrap()].to_string())
    };
    assert!(
        tu(r["rejected"].as_str().unwrap()).is_none(),
        "rejected unit kept"
    );
    let edited = tu(r["edited"].as_str().unwrap()).unwrap();
    assert!(
        edited.contains(r["edited_text"].as_str().unwrap()),
        "{edited}"
    );
    assert!(edited.contains("<prop type=\"x-review\">edited</prop>"));
    assert!(edited.contains("<prop type=\"x-reviewer\">E2E Reviewer</prop>"));
    let accepted = tu(r["accepted"].as_str().unwrap()).unwrap();
    assert!(accepted.contains("<prop type=\"x-review\">accepted</prop>"));
    let v = run(&["validate", out.join("kk-en.reviewed.tmx").to_str().unwrap()]);
    assert!(v.status.success(), "{}", stdout(&v));
}
