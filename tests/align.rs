//! End-to-end checks of `tilmash align` and `tilmash bench align`.
mod common;
use common::*;

fn write(dir: &std::path::Path, name: &str, lines: &[&str]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p.to_string_lossy().into_owned()
}

const RU: [&str; 5] = [
    "Съезд открылся 30 ноября 1917 года в Оренбурге.",
    "На нём присутствовали делегаты из всех областей.",
    "Букейханов был избран председателем правительства.",
    "Газета «Казах» писала об этом подробно.",
    "В 1920 году автономия была упразднена.",
];
const KK: [&str; 4] = [
    "Съезд 1917 жылы 30 қарашада Орынборда ашылды.",
    "Бөкейханов үкімет төрағасы болып сайланды.",
    "Бұл туралы «Қазақ» газеті егжей-тегжейлі жазды.",
    "1920 жылы автономия таратылды.",
];

#[test]
fn jsonl_lists_every_sentence_once_with_deletions_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        write(dir.path(), "ru.txt", &RU),
        write(dir.path(), "kk.txt", &KK),
    );
    let o = run(&[
        "align", "--src", "ru", "--tgt", "kk", &a, &b, "--format", "jsonl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let beads: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (mut src, mut tgt) = (vec![], vec![]);
    for b in &beads {
        src.extend(
            b["src"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap()),
        );
        tgt.extend(
            b["tgt"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap()),
        );
        let s = b["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&s));
    }
    assert_eq!(src, (0..5).collect::<Vec<u64>>());
    assert_eq!(tgt, (0..4).collect::<Vec<u64>>());
    // the sentence about delegates has no Kazakh counterpart
    assert!(beads
        .iter()
        .any(|b| b["src"] == serde_json::json!([1]) && b["tgt"] == serde_json::json!([])));
    assert!(beads
        .iter()
        .any(|b| b["src"] == serde_json::json!([2]) && b["tgt"] == serde_json::json!([1])));
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let src: Vec<String> = (0..400)
        .map(|k| format!("{} {k} жыл {}", RU[k % 5], k * 7))
        .collect();
    let tgt: Vec<String> = (0..400)
        .filter(|k| k % 13 != 3)
        .map(|k| format!("{} {k} {}", KK[k % 4], k * 7))
        .collect();
    let s: Vec<&str> = src.iter().map(String::as_str).collect();
    let t: Vec<&str> = tgt.iter().map(String::as_str).collect();
    let (a, b) = (
        write(dir.path(), "a.txt", &s),
        write(dir.path(), "b.txt", &t),
    );
    let go = |n: &str| {
        bin()
            .env("RAYON_NUM_THREADS", n)
            .args([
                "align", "--src", "ru", "--tgt", "kk", &a, &b, "--format", "jsonl",
            ])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(go("1"), go("4"));
}

#[test]
fn pipeline_switches_and_bad_keys() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        write(dir.path(), "ru.txt", &RU),
        write(dir.path(), "kk.txt", &KK),
    );
    let p = dir.path().join("p.toml");
    std::fs::write(
        &p,
        "input = \"x\"\noutput = \"y\"\n[align.signals]\ninduction = false\nnumbers = false\n",
    )
    .unwrap();
    let o = run(&[
        "align",
        "--src",
        "ru",
        "--tgt",
        "kk",
        &a,
        &b,
        "--format",
        "jsonl",
        "--pipeline",
        p.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(
        &p,
        "input = \"x\"\noutput = \"y\"\n[align.signals]\nmagic = true\n",
    )
    .unwrap();
    let o = run(&[
        "align",
        "--src",
        "ru",
        "--tgt",
        "kk",
        &a,
        &b,
        "--pipeline",
        p.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("magic"), "{}", stderr(&o));
}

#[test]
fn bench_reports_time_memory_and_f1() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        write(dir.path(), "ru.txt", &RU),
        write(dir.path(), "kk.txt", &KK),
    );
    let g = dir.path().join("gold.jsonl");
    std::fs::write(&g, "{\"src\":[0],\"tgt\":[0]}\n{\"src\":[1],\"tgt\":[]}\n{\"src\":[2],\"tgt\":[1]}\n{\"src\":[3],\"tgt\":[2]}\n{\"src\":[4],\"tgt\":[3]}\n").unwrap();
    let o = run(&[
        "bench",
        "align",
        "--src",
        "ru",
        "--tgt",
        "kk",
        &a,
        &b,
        "--gold",
        g.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("align_s:") && out.contains("strict_f1: 1.0000"),
        "{out}"
    );
}

/// A peer's CPU time is its own (the children's rusage), reported beside its wall time, with the
/// ratios to tilmash's times both ways. The "peer" is a shell script that burns CPU.
#[cfg(unix)]
#[test]
fn bench_reports_peer_cpu_time_and_ratios() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        write(dir.path(), "ru.txt", &RU),
        write(dir.path(), "kk.txt", &KK),
    );
    let peer = dir.path().join("busy-peer");
    std::fs::write(
        &peer,
        "#!/bin/sh\ni=0\nwhile [ $i -lt 300000 ]; do i=$((i+1)); done\n",
    )
    .unwrap();
    std::fs::set_permissions(&peer, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_tilmash"))
        .args([
            "bench", "align", "--src", "ru", "--tgt", "kk", &a, &b, "--peers",
        ])
        .env("HUNALIGN", &peer)
        .env_remove("GALECHURCH_PYTHON")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let field = |line: &str, key: &str| -> f64 {
        let rest = &line[line.find(key).unwrap_or_else(|| panic!("{key} in {line}")) + key.len()..];
        rest.trim_start()
            .split([',', ' '])
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let ours = out
        .lines()
        .find(|l| l.starts_with("total_cpu_s:"))
        .expect(&out);
    assert!(field(ours, "total_cpu_s:") > 0.0, "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("peer hunalign: wall_s"))
        .expect(&out);
    let (wall, cpu) = (field(line, "wall_s"), field(line, "cpu_s"));
    // the loop is CPU-bound: most of its wall time is its CPU time, and none of it is ours
    assert!(cpu > 0.05 && cpu <= wall + 0.05, "{line}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("peer hunalign / tilmash: wall ") && l.contains("cpu ")),
        "{out}"
    );
}

#[test]
fn dev_cases_from_shared_data_score_high() {
    let Some(shared) = shared() else {
        skip("../shared (dev alignment data)");
        return;
    };
    let data = shared.join("data/flores200_devtest_part1_kk-ru-en");
    if !data.is_dir() {
        skip("flores200 dev set");
        return;
    }
    // first 60 lines kk/ru with every 10th Russian line removed
    let kk: Vec<String> = std::fs::read_to_string(data.join("kk.txt"))
        .unwrap()
        .lines()
        .take(60)
        .map(String::from)
        .collect();
    let ru: Vec<String> = std::fs::read_to_string(data.join("ru.txt"))
        .unwrap()
        .lines()
        .take(60)
        .map(String::from)
        .collect();
    let keep: Vec<usize> = (0..60).filter(|k| k % 10 != 4).collect();
    let dir = tempfile::tempdir().unwrap();
    let kr: Vec<&str> = kk.iter().map(String::as_str).collect();
    let rr: Vec<&str> = keep.iter().map(|&k| ru[k].as_str()).collect();
    let (a, b) = (
        write(dir.path(), "kk.txt", &kr),
        write(dir.path(), "ru.txt", &rr),
    );
    let o = run(&[
        "align", "--src", "kk", "--tgt", "ru", &a, &b, "--format", "jsonl",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut correct = 0;
    let beads: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for bd in &beads {
        let s: Vec<u64> = bd["src"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let t: Vec<u64> = bd["tgt"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let ok = match (s.as_slice(), t.as_slice()) {
            ([x], [y]) => keep[*y as usize] == *x as usize,
            ([x], []) => *x % 10 == 4,
            _ => false,
        };
        correct += ok as usize;
    }
    let p = correct as f64 / beads.len() as f64;
    assert!(p >= 0.9, "precision {p}");
}
