//! Export: TMX 1.4b for CAT tools, JSONL for machines, and TMX validation.

pub mod jsonl;
pub mod tmx;
pub mod tmx_read;
pub mod validate;

pub use jsonl::{write_jsonl, JsonlUnit};
pub use tmx::{write_tmx, TmxOptions};
