//! The `[export]` table of a pipeline file and the output formats.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Output formats a pipeline can ask for (`formats = [...]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `SRC-TGT.tmx`
    Tmx,
    /// `SRC-TGT.jsonl`
    Jsonl,
    /// `SRC-TGT.SRC` and `SRC-TGT.TGT`, line-aligned plain text
    Moses,
    /// `SRC-TGT.tsv` with scores and provenance
    Tsv,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Tmx, Format::Jsonl, Format::Moses, Format::Tsv];
}

/// Which CAT tool the TMX is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TmxProfile {
    /// Plain TMX 1.4b: `kk`, `ru`, `en`; no length limit.
    #[default]
    Generic,
    /// OmegaT: language-only codes (OmegaT matches `kk` to a `kk-KZ` project and back).
    Omegat,
    /// Trados Studio: region codes (`kk-KZ`), segments of at most 2,000 characters, custom
    /// fields as `x-name:SingleString`, per-unit creation date and id.
    Trados,
    /// memoQ: region codes, per-unit creation date and id.
    Memoq,
}

impl TmxProfile {
    pub fn name(self) -> &'static str {
        match self {
            TmxProfile::Generic => "generic",
            TmxProfile::Omegat => "omegat",
            TmxProfile::Trados => "trados",
            TmxProfile::Memoq => "memoq",
        }
    }

    pub fn parse(s: &str) -> Option<TmxProfile> {
        match s {
            "generic" => Some(TmxProfile::Generic),
            "omegat" => Some(TmxProfile::Omegat),
            "trados" => Some(TmxProfile::Trados),
            "memoq" => Some(TmxProfile::Memoq),
            _ => None,
        }
    }

    /// The longest segment (in characters) the target tool takes, when it has a limit.
    pub fn max_segment_chars(self) -> Option<usize> {
        match self {
            TmxProfile::Trados => Some(2000),
            _ => None,
        }
    }

    pub fn default_lang_codes(self) -> LangCodes {
        match self {
            TmxProfile::Generic | TmxProfile::Omegat => LangCodes::Short,
            TmxProfile::Trados | TmxProfile::Memoq => LangCodes::Region,
        }
    }
}

/// How languages are written in `xml:lang` and `srclang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LangCodes {
    /// `kk`, `ru`, `en`
    #[default]
    Short,
    /// `kk-KZ`, `ru-RU`, `en-US`
    Region,
}

impl LangCodes {
    pub fn tag(self, lang: crate::model::Lang) -> String {
        use crate::model::Lang;
        match (self, lang) {
            (LangCodes::Region, Lang::Kk) => "kk-KZ".into(),
            (LangCodes::Region, Lang::Ru) => "ru-RU".into(),
            (LangCodes::Region, Lang::En) => "en-US".into(),
            (_, l) => l.code().into(),
        }
    }
}

/// What to do with a unit whose segment is longer than the profile allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverLong {
    /// Cut both sides into the same number of pieces, only after sentence ends (or `;`/`:`),
    /// near proportional positions; a unit that cannot be cut so is skipped.
    #[default]
    Split,
    /// Leave the unit out.
    Skip,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// Units scoring below this are flagged `low-confidence` in TMX.
    pub flag_below: f64,
    /// TMX profile: generic, omegat, trados, memoq.
    pub profile: TmxProfile,
    /// `short` (kk) or `region` (kk-KZ); default from the profile.
    pub lang_codes: Option<LangCodes>,
    /// Longest segment in characters; default from the profile (Trados 2,000; others none).
    /// 0 = no limit.
    pub max_segment_chars: Option<usize>,
    /// split or skip units over `max_segment_chars`.
    pub over_long: OverLong,
    /// Leave out units scoring below this (on top of `[align] min_score`).
    pub min_score: f64,
    /// Leave out units whose longer side has more than this many times the characters of the
    /// shorter side. 0 = off.
    pub max_length_ratio: f64,
    /// Leave out units with a sentence whose language confidence is below this. 0 = off.
    pub min_lang_confidence: f32,
    /// Merge units whose texts are the same, exactly or after the align normalization; the
    /// kept unit lists every merged source as provenance.
    pub dedup: bool,
    /// TMX `creationdate` (`YYYYMMDDThhmmssZ`); see `creation_date`.
    pub creation_date: Option<String>,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            flag_below: 0.5,
            profile: TmxProfile::Generic,
            lang_codes: None,
            max_segment_chars: None,
            over_long: OverLong::Split,
            min_score: 0.0,
            max_length_ratio: 0.0,
            min_lang_confidence: 0.0,
            dedup: true,
            creation_date: None,
        }
    }
}

impl ExportConfig {
    pub fn lang_codes(&self) -> LangCodes {
        self.lang_codes
            .unwrap_or_else(|| self.profile.default_lang_codes())
    }

    pub fn max_segment_chars(&self) -> Option<usize> {
        match self.max_segment_chars {
            Some(0) => None,
            Some(n) => Some(n),
            None => self.profile.max_segment_chars(),
        }
    }

    /// Checks values serde cannot; the message names the key.
    pub fn check(&self) -> Result<(), String> {
        for (key, v) in [
            ("flag_below", self.flag_below),
            ("min_score", self.min_score),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("key `export.{key}`: must be between 0 and 1"));
            }
        }
        if !(0.0..=1.0).contains(&self.min_lang_confidence) {
            return Err("key `export.min_lang_confidence`: must be between 0 and 1".into());
        }
        if self.max_length_ratio != 0.0 && self.max_length_ratio < 1.0 {
            return Err(
                "key `export.max_length_ratio`: must be 0 (off) or at least 1 (e.g. 3.0)".into(),
            );
        }
        if let Some(d) = &self.creation_date {
            if !is_tmx_date(d) {
                return Err(format!(
                    "key `export.creation_date`: \"{d}\" is not YYYYMMDDThhmmssZ (e.g. 20260101T000000Z)"
                ));
            }
        }
        if self.max_segment_chars.is_some_and(|n| n > 0 && n < 20) {
            return Err(
                "key `export.max_segment_chars`: too small (use 0 for no limit, or at least 20)"
                    .into(),
            );
        }
        Ok(())
    }
}

/// `YYYYMMDDThhmmssZ`, the TMX date form.
pub fn is_tmx_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
        && (1..=12).contains(&s[4..6].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[6..8].parse::<u32>().unwrap_or(0))
        && s[9..11].parse::<u32>().unwrap_or(99) < 24
        && s[11..13].parse::<u32>().unwrap_or(99) < 60
        && s[13..15].parse::<u32>().unwrap_or(99) < 61
}

/// Formats seconds since the Unix epoch as `YYYYMMDDThhmmssZ` (UTC).
pub fn format_epoch(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The TMX `creationdate`, chosen so that re-running the pipeline on the same inputs writes
/// byte-identical files: the pipeline's `creation_date`, else `SOURCE_DATE_EPOCH` (the
/// reproducible-builds convention), else the newest modification time of the input files.
/// Returns the date and where it came from.
pub fn creation_date(cfg: &ExportConfig, inputs: &[PathBuf]) -> (String, String) {
    if let Some(d) = &cfg.creation_date {
        return (d.clone(), "pipeline export.creation_date".into());
    }
    if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
    {
        return (format_epoch(secs), "SOURCE_DATE_EPOCH".into());
    }
    let newest = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .filter_map(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .max()
        .unwrap_or(0);
    (
        format_epoch(newest),
        "newest modification time of the input files".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_formats_as_tmx_date() {
        assert_eq!(format_epoch(0), "19700101T000000Z");
        assert_eq!(format_epoch(1_011_993_960), "20020125T212600Z");
        assert_eq!(format_epoch(951_782_400), "20000229T000000Z");
        assert!(is_tmx_date(&format_epoch(1_790_000_000)));
        assert!(!is_tmx_date("2025-01-01"));
        assert!(!is_tmx_date("20251301T000000Z"));
    }

    #[test]
    fn profile_defaults() {
        let mut c = ExportConfig::default();
        assert_eq!(c.max_segment_chars(), None);
        c.profile = TmxProfile::Trados;
        assert_eq!(c.max_segment_chars(), Some(2000));
        assert_eq!(c.lang_codes(), LangCodes::Region);
        c.max_segment_chars = Some(0);
        assert_eq!(c.max_segment_chars(), None);
    }
}
