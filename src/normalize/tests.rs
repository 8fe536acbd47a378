use super::*;

fn align(s: &str) -> String {
    normalize(s, Profile::Align)
}
fn export(s: &str) -> String {
    normalize(s, Profile::Export)
}

#[test]
fn hygiene() {
    assert_eq!(align("  a\u{200B}b \u{00AD}c\t\td  "), "ab c d");
    assert_eq!(export("1917\u{A0}ж."), "1917\u{A0}ж.");
    assert_eq!(align("1917\u{A0}ж."), "1917 ж.");
    assert_eq!(export("барып,\u{A0} Халық"), "барып,\u{A0}Халық");
    // NFC: е + combining diaeresis → ё
    assert_eq!(export("е\u{0308}ж"), "ёж");
    assert_eq!(export("a\u{1}b\u{9F}c"), "abc");
}

#[test]
fn align_folds_typography_export_keeps_it() {
    assert_eq!(align("«Алаш» — 1917…"), "\"Алаш\" — 1917...");
    assert_eq!(export("«Алаш» — 1917…"), "«Алаш» — 1917…");
    assert_eq!(export("Алаш‑Орда"), "Алаш-Орда");
    assert_eq!(align("поправо\u{301}к"), "поправок");
    assert_eq!(export("поправо\u{301}к"), "поправо\u{301}к");
    assert_eq!(match_key("«Алаш» — партиясы!"), "алаш партиясы");
}

#[test]
fn latin_look_alikes_follow_the_script_majority() {
    // English line: Aueзов is a tie, the line is Latin → transliterated; Oтыншы is Cyrillic.
    assert_eq!(
        align("such as Mukhtar Aueзов and Oтыншы Alzhanov"),
        "such as Mukhtar Auezov and Отыншы Alzhanov"
    );
    assert_eq!(align("while Oтынshy Alzhanov"), "while Otynshy Alzhanov");
    assert_eq!(
        align("the Alashорда Government"),
        "the Alashorda Government"
    );
    // Kazakh line: iрi is Latin-or-Cyrillic; the line decides.
    assert_eq!(align("Бұл iрi оқиға"), "Бұл ірі оқиға");
    assert_eq!(align("күдiктi жағдайлар"), "күдікті жағдайлар");
    assert_eq!(export("Жаhанша Досмұхамедов"), "Жаһанша Досмұхамедов");
    assert_eq!(
        align("the rеprеsеntаtiveѕ of the оblaѕt"),
        "the representatives of the oblast"
    );
    assert_eq!(align("pweination. соm, но"), "pweination. com, но");
}

#[test]
fn cyrillic_roman_numerals() {
    assert_eq!(align("ХХ ғасырдың басында"), "XX ғасырдың басында");
    assert_eq!(align("ХІХ ғ."), "XIX ғ.");
    assert_eq!(align("ІІІ Бүкілресейлік"), "III Бүкілресейлік");
    // Initials are single letters and stay Cyrillic; export keeps numerals as written.
    assert_eq!(
        align("Х. Ғаббасов, І. Жансүгіров"),
        "Х. Ғаббасов, І. Жансүгіров"
    );
    assert_eq!(export("ХХ ғасыр"), "ХХ ғасыр");
}

#[test]
fn legacy_code_pages() {
    assert_eq!(
        export("Ќазаќстандаєы азаматтыќ соєыс ошаќтарыныѕ бірі ќўрылды."),
        "Қазақстандағы азаматтық соғыс ошақтарының бірі құрылды."
    );
    // Without a trigger letter Ў and Є stay (they are not look-alikes), Ќ is mapped anyway.
    assert_eq!(export("Ќазаќ"), "Қазақ");
    assert_eq!(export("Р‘Т±Р» Т›Р°Р»Р°"), "Бұл қала");
    // Ѕ in an English word is a Latin S twin, not Ң.
    assert_eq!(export("reрrеsentаtivеѕ"), "representatives");
}

#[test]
fn other_cyrillic_alphabets() {
    assert_eq!(export("талҡылаӈыздар"), "талқылаңыздар");
    assert_eq!(export("Кӧп ұзамай"), "Көп ұзамай");
    assert_eq!(export("түтін кѳрінеді"), "түтін көрінеді");
    // Fita in a Russian line (pre-1918 spelling) stays.
    assert_eq!(export("Ѳеодоръ"), "Ѳеодоръ");
}

#[test]
fn nothing_repairs_correct_text() {
    for s in [
        "Отдельно анализируются дипломатические попытки установить связи с администрацией Китая в Шәуешекке.",
        "Состоялось заседание Ревкома, на котором отсутствовал Ахмет Байтұрсынұлы.",
        "The choice of Semey as the capital of the Alash autonomy was by no means accidental.",
        "See https://e-history.kz/ru/news/show/1917 and www.example.org/a_b?q=1.",
        "Карл XIV Юхан умер 8 марта 1844 года; CALS, BBC Radio 1.",
        "Jüsipbek Aimauytov, Älimkhan Ermekov, Shäueshäk, Öskemen.",
        "Moreover, Семей attracted a relatively large number of educated Kazakh youths.",
        "Косой угол в молекуле H2S2 составляет 90,6 °, академик Бардин¹.",
    ] {
        assert_eq!(align(s), s);
        assert_eq!(export(s), s);
    }
}

#[test]
fn tracked_changes_and_offsets() {
    let src = "  Ќазаќ\u{00AD}стан «1917»";
    let n = normalize_tracked(src, Profile::Align);
    assert_eq!(n.text, normalize(src, Profile::Align));
    assert_eq!(n.text, "Қазақстан \"1917\"");
    let rules: Vec<&str> = n.changes.iter().map(|c| c.rule).collect();
    assert!(
        rules.contains(&"other_cyrillic")
            && rules.contains(&"invisible")
            && rules.contains(&"quote")
    );
    for c in &n.changes {
        assert!(src.get(c.source.clone()).is_some(), "{c:?}");
    }
    // "1917" maps back exactly; the repaired Қ maps to its Ќ.
    let at = n.text.find("1917").unwrap();
    assert_eq!(&src[n.map.source_range(at..at + 4)], "1917");
    assert_eq!(&src[n.map.source_range(0..2)], "Ќ");
    assert_eq!(&src[n.map.source_range(0..n.text.len())], src.trim());
}
