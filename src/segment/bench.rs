//! Segmentation throughput: `tilmash bench segment`. Times `split` on an input and on the same
//! input repeated ten times, and prints MB/s for both, so that linear scaling can be seen.

use super::split;
use crate::model::Lang;
use std::time::Instant;

/// A built-in sample with the traps the segmenter handles, for when no file is given.
const SAMPLE: &str = "Оларға В.И. Ленин жауап берді. 1917 ж. Алаш партиясы құрылды, т.б. ұйымдар да болды. \
ХХ ғ.-дың басында А.Бөкейханов «Қазақ» газетінде жазды: «Бәрі көтерілді. Билік ауысты», – деді. \
В 1917–1920 гг. было создано правительство Алашорда (см. «Сарыарка», № 15 (29.09.1917), с. 55–81). \
Он сказал: «Все части восстали». Led by M. Tynyshpaev and A. Bokeikhanov, the movement grew [12]. \
See No. 15 (29.09.1917) and pp. 55–81... Then what? Article 8 Everyone has the right to a remedy.\n";

/// One timing row.
pub struct BenchRow {
    pub bytes: usize,
    pub sentences: usize,
    pub seconds: f64,
}

impl BenchRow {
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1_000_000.0 / self.seconds.max(1e-9)
    }
}

fn time_split(text: &str, lang: Lang) -> BenchRow {
    // Paragraph by paragraph, as the pipeline calls it.
    let t0 = Instant::now();
    let mut sentences = 0;
    for para in text.split('\n') {
        sentences += split(para, lang).len();
    }
    BenchRow {
        bytes: text.len(),
        sentences,
        seconds: t0.elapsed().as_secs_f64(),
    }
}

/// Builds an input of about `mb` megabytes from `seed` (or the built-in sample), then times it at
/// 1× and 10×. Also times one 1× input as a single paragraph, to show there is no quadratic path
/// in long paragraphs.
pub fn run(seed: Option<&str>, lang: Lang, mb: f64) -> String {
    let seed = seed.filter(|s| !s.trim().is_empty()).unwrap_or(SAMPLE);
    let target = (mb * 1_000_000.0) as usize;
    let mut one = String::with_capacity(target + seed.len());
    while one.len() < target {
        one.push_str(seed);
        if !seed.ends_with('\n') {
            one.push('\n');
        }
    }
    let ten = one.repeat(10);
    let _warm = time_split(&one, lang);
    let r1 = time_split(&one, lang);
    let r10 = time_split(&ten, lang);
    let flat = one.replace('\n', " ");
    let rflat = time_split(&flat, lang);
    let mut out = String::new();
    out.push_str("input\tMB\tsentences\tseconds\tMB/s\n");
    for (name, r) in [("1x", &r1), ("10x", &r10), ("1x one paragraph", &rflat)] {
        out.push_str(&format!(
            "{name}\t{:.2}\t{}\t{:.3}\t{:.1}\n",
            r.bytes as f64 / 1_000_000.0,
            r.sentences,
            r.seconds,
            r.mb_per_s()
        ));
    }
    out.push_str(&format!(
        "time 10x / 1x = {:.2} (linear: 10)\n",
        r10.seconds / r1.seconds.max(1e-9)
    ));
    out
}
