//! One test per trap named in the segmentation issue, in each language where it occurs.

use super::*;

fn kk(s: &str) -> Vec<&str> {
    split_str(s, Lang::Kk)
}
fn ru(s: &str) -> Vec<&str> {
    split_str(s, Lang::Ru)
}
fn en(s: &str) -> Vec<&str> {
    split_str(s, Lang::En)
}

#[test]
fn initials_glued_or_spaced_are_not_ends() {
    assert_eq!(
        kk("Оларға В.И. Ленин жауап берді. И.В. Сталин келді."),
        vec!["Оларға В.И. Ленин жауап берді.", "И.В. Сталин келді."]
    );
    assert_eq!(
        kk("Бұл туралы А.Бөкейханов жазды. Кейін М. Тынышбаев келісті."),
        vec![
            "Бұл туралы А.Бөкейханов жазды.",
            "Кейін М. Тынышбаев келісті."
        ]
    );
    assert_eq!(
        ru("Об этом писал А.Н. Букейханов. Его поддержал М. Тынышпаев."),
        vec![
            "Об этом писал А.Н. Букейханов.",
            "Его поддержал М. Тынышпаев."
        ]
    );
    assert_eq!(
        en("Led by M. Tynyshpaev and A. Bokeikhanov. Then more."),
        vec!["Led by M. Tynyshpaev and A. Bokeikhanov.", "Then more."]
    );
}

#[test]
fn kazakh_year_and_century_abbreviations() {
    assert_eq!(
        kk("1917 ж. Алаш партиясы құрылды. Келесі жылы съезд өтті."),
        vec!["1917 ж. Алаш партиясы құрылды.", "Келесі жылы съезд өтті."]
    );
    assert_eq!(
        kk("1918 ж. наурызында барды. Келді."),
        vec!["1918 ж. наурызында барды.", "Келді."]
    );
    // A suffix written after the full stop: "ХХ ғ.-дың", and after a number: "5-і".
    assert_eq!(
        kk("ХХ ғ.-дың басында қозғалыс күшейді. Оның 5-і Семейде болды."),
        vec![
            "ХХ ғ.-дың басында қозғалыс күшейді.",
            "Оның 5-і Семейде болды."
        ]
    );
    assert_eq!(
        kk("1917–1918 жж. Алашорда жұмыс істеді. Сосын."),
        vec!["1917–1918 жж. Алашорда жұмыс істеді.", "Сосын."]
    );
}

#[test]
fn etc_abbreviations() {
    assert_eq!(
        kk("кітаптар, газеттер т.б. басылымдар шықты. Келесі сөйлем."),
        vec![
            "кітаптар, газеттер т.б. басылымдар шықты.",
            "Келесі сөйлем."
        ]
    );
    assert_eq!(
        kk("Газеттер, журналдар т.б. Келесі сөйлем осы."),
        vec!["Газеттер, журналдар т.б.", "Келесі сөйлем осы."]
    );
    assert_eq!(
        ru("Газеты, журналы и т. д. выходили. Потом нет."),
        vec!["Газеты, журналы и т. д. выходили.", "Потом нет."]
    );
    assert_eq!(
        ru("Это 360 фунтов, т. е. 12 процентов. Далее."),
        vec!["Это 360 фунтов, т. е. 12 процентов.", "Далее."]
    );
    assert_eq!(
        en("Books, papers, etc. were printed. Then more."),
        vec!["Books, papers, etc. were printed.", "Then more."]
    );
}

#[test]
fn russian_years_abbreviation() {
    assert_eq!(
        ru("В 1917–1920 гг. было. Потом."),
        vec!["В 1917–1920 гг. было.", "Потом."]
    );
    assert_eq!(
        ru("Это случилось в 1917 г. Затем пришла власть."),
        vec!["Это случилось в 1917 г.", "Затем пришла власть."]
    );
}

#[test]
fn numbers_pages_and_issues() {
    assert_eq!(
        en("See No. 15 (29.09.1917) and pp. 55–81. Next."),
        vec!["See No. 15 (29.09.1917) and pp. 55–81.", "Next."]
    );
    assert_eq!(
        ru("«Сарыарка», № 15 (29.09.1917), с. 55–81. Далее."),
        vec!["«Сарыарка», № 15 (29.09.1917), с. 55–81.", "Далее."]
    );
    assert_eq!(
        kk("«Қазақ» газеті, No. 15 (29.09.1917), 5-бет. Сосын."),
        vec!["«Қазақ» газеті, No. 15 (29.09.1917), 5-бет.", "Сосын."]
    );
}

#[test]
fn quotes_ending_inside_guillemets() {
    assert_eq!(
        ru("Он сказал: «Все части восстали». Власть перешла."),
        vec!["Он сказал: «Все части восстали».", "Власть перешла."]
    );
    assert_eq!(
        ru("Он сказал: «Все части восстали.» Власть перешла."),
        vec!["Он сказал: «Все части восстали.»", "Власть перешла."]
    );
    assert_eq!(
        kk("Ол: «Бәрі көтерілді. Билік ауысты», – деді. Содан кейін кетті."),
        vec![
            "Ол: «Бәрі көтерілді. Билік ауысты», – деді.",
            "Содан кейін кетті."
        ]
    );
    assert_eq!(
        kk("Ол айтты: «Бала бер!» – деді. Бірақ тілегі қабыл болмады."),
        vec![
            "Ол айтты: «Бала бер!» – деді.",
            "Бірақ тілегі қабыл болмады."
        ]
    );
    assert_eq!(
        en("He said, \"We are doing nothing. I called him.\" Then he left."),
        vec![
            "He said, \"We are doing nothing. I called him.\"",
            "Then he left."
        ]
    );
}

#[test]
fn citation_brackets() {
    assert_eq!(
        en("This is shown in [18, p. 45]. Another study agrees [19]. End."),
        vec![
            "This is shown in [18, p. 45].",
            "Another study agrees [19].",
            "End."
        ]
    );
    assert_eq!(
        ru("Это показано в работе [18, с. 45]. Другая работа [19]. Конец."),
        vec![
            "Это показано в работе [18, с. 45].",
            "Другая работа [19].",
            "Конец."
        ]
    );
    assert_eq!(
        kk("Бұл туралы [18, б. 45] айтылған. Келесі [19]. Соңы."),
        vec!["Бұл туралы [18, б. 45] айтылған.", "Келесі [19].", "Соңы."]
    );
}

#[test]
fn headings_without_full_stop() {
    assert_eq!(en("1. Introduction"), vec!["1. Introduction"]);
    assert_eq!(
        ru("2.1. Методы исследования"),
        vec!["2.1. Методы исследования"]
    );
    assert_eq!(kk("IV. Қорытынды"), vec!["IV. Қорытынды"]);
    assert_eq!(
        en("Table 1. State structure of the Alash movement"),
        vec!["Table 1. State structure of the Alash movement"]
    );
    assert_eq!(kk("Кесте 2. Алаш партиясы"), vec!["Кесте 2. Алаш партиясы"]);
    assert_eq!(
        ru("Таблица 3. Органы власти"),
        vec!["Таблица 3. Органы власти"]
    );
    assert_eq!(
        en("Article 8 Everyone has the right to a remedy."),
        vec!["Article 8", "Everyone has the right to a remedy."]
    );
    assert_eq!(
        ru("Статья 8 Каждый человек имеет право."),
        vec!["Статья 8", "Каждый человек имеет право."]
    );
    assert_eq!(
        kk("8-бап Әркімнің құқығы бар."),
        vec!["8-бап", "Әркімнің құқығы бар."]
    );
    assert_eq!(
        en("The Business Side of Brexit LONDON – The decline in the pound continues."),
        vec![
            "The Business Side of Brexit",
            "LONDON – The decline in the pound continues."
        ]
    );
    // a headline that opens with a year; a dash glued to the sentence after the place name
    assert_eq!(
        kk("2018 жылы бар ақиқатты ашып айту ЛОНДОН – Биыл жасырғанды ашатын жыл болды."),
        vec![
            "2018 жылы бар ақиқатты ашып айту",
            "ЛОНДОН – Биыл жасырғанды ашатын жыл болды."
        ]
    );
    assert_eq!(
        en("Macron’s Labor Gambit CAMBRIDGE –At the end of August, Macron spoke."),
        vec![
            "Macron’s Labor Gambit",
            "CAMBRIDGE –At the end of August, Macron spoke."
        ]
    );
    assert_eq!(
        kk("Брекситтің Бизнес Қырлары ЛОНДОН – Фунт құнының төмендеуі жалғасуда."),
        vec![
            "Брекситтің Бизнес Қырлары",
            "ЛОНДОН – Фунт құнының төмендеуі жалғасуда."
        ]
    );
}

#[test]
fn ellipses() {
    assert_eq!(
        ru("Он ждал... Никто не пришёл."),
        vec!["Он ждал...", "Никто не пришёл."]
    );
    assert_eq!(
        ru("Он ждал… и ждал. Никто не пришёл."),
        vec!["Он ждал… и ждал.", "Никто не пришёл."]
    );
    assert_eq!(
        kk("Ол күтті... Ешкім келмеді."),
        vec!["Ол күтті...", "Ешкім келмеді."]
    );
    assert_eq!(
        en("He waited... and waited. Nobody came."),
        vec!["He waited... and waited.", "Nobody came."]
    );
}

#[test]
fn list_items_and_numbers() {
    assert_eq!(
        ru("Задачи: 1) сбор данных; 2) анализ. Итоги ниже."),
        vec!["Задачи: 1) сбор данных; 2) анализ.", "Итоги ниже."]
    );
    assert_eq!(
        kk("Мақсаттар: а) жинау; ә) талдау. Нәтижелері төменде."),
        vec!["Мақсаттар: а) жинау; ә) талдау.", "Нәтижелері төменде."]
    );
    assert_eq!(
        en("It grew in 1917. In 1918 it fell."),
        vec!["It grew in 1917.", "In 1918 it fell."]
    );
}

#[test]
fn questions_and_exclamations() {
    assert_eq!(
        ru("Куда идти? Никто не знал! Все молчали."),
        vec!["Куда идти?", "Никто не знал!", "Все молчали."]
    );
    assert_eq!(ru("— Куда? — спросил он."), vec!["— Куда? — спросил он."]);
}

#[test]
fn a_stop_glued_to_the_next_sentence() {
    assert_eq!(
        kk("Ж. және X. Досмұхамедовтар және т.б.Олардың бәрі келді."),
        vec![
            "Ж. және X. Досмұхамедовтар және т.б.",
            "Олардың бәрі келді."
        ]
    );
    assert_eq!(
        en("Great quality.You'll like it."),
        vec!["Great quality.", "You'll like it."]
    );
    // Initials glued to a name stay: "А.Бөкейханов", "D.Amanzholova".
    assert_eq!(
        kk("Бұны А.Бөкейханов жазды."),
        vec!["Бұны А.Бөкейханов жазды."]
    );
    assert_eq!(
        kk("Орыс ғалымы Г.Потанин келді."),
        vec!["Орыс ғалымы Г.Потанин келді."]
    );
    assert_eq!(
        en("Historians such as D.Amanzholova wrote."),
        vec!["Historians such as D.Amanzholova wrote."]
    );
}

#[test]
fn footnote_numbers_glued_to_words_do_not_split() {
    assert_eq!(
        ru("Движение росло.12 Затем съезд."),
        vec!["Движение росло.12 Затем съезд."]
    );
}

#[test]
fn linear_and_total_on_odd_input() {
    for s in [
        "",
        " ",
        ".",
        "...",
        "«",
        "» . «",
        "a.b.c.",
        "(((",
        "\"\"\"",
        "– LONDON – x",
    ] {
        for lang in [Lang::Kk, Lang::Ru, Lang::En, Lang::Other] {
            let parts = split(s, lang);
            for r in parts {
                assert!(!s[r].trim().is_empty());
            }
        }
    }
}

#[test]
fn is_space_is_is_whitespace() {
    for u in 0..0x11000u32 {
        if let Some(c) = char::from_u32(u) {
            assert_eq!(is_space(c), c.is_whitespace(), "{c:?}");
        }
    }
}
