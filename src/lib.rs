//! tilmash: turns Russian, Kazakh and English documents about the same events into an aligned,
//! reviewable translation memory.
//!
//! The stages, each a module with plain types flowing forward (see `model`):
//! `ingest` → `langid` → `normalize` → `segment` → `align` → `export`, wired by `pipeline`.

pub mod align;
pub mod cli;
pub mod error;
pub mod export;
pub mod fsutil;
pub(crate) mod fxhash;
pub mod ingest;
pub mod langid;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod segment;
pub mod shards;
pub mod spill;

pub use error::{Error, Result};
