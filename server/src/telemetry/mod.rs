//! Local telemetry: what tandem offered, what the user did with it, and what survived.
//!
//! The LSP layer calls [`Telemetry`] with plain data. The lifecycle rules are pure
//! ([`tracker`], [`rejection`], [`retention`], [`redact`]); [`store`] and [`writer`] own the
//! SQLite file (schema v1 in [`schema`], shared with `tandem stats`, `report` and `export`).
//! Nothing leaves the machine.
//!
//! What the rows mean, for readers of the database:
//! - `suggestions.text` is the text as first offered; type-through re-offers of the same id only
//!   add `requested` events with `"type_through": true`.
//! - `accepted_chars` counts the chars the client accepted (partial or whole), not the chars the
//!   user typed through; `file_prefix`/`file_suffix` surround the accepted range (at most
//!   100,000 chars each side), so `file_prefix + surviving + file_suffix` is the file.
//! - Rejection rules are in [`rejection`]; they apply to every offered suggestion, so a client
//!   that sends `didShowCompletion` lets readers restrict to `shown_ms IS NOT NULL`. A
//!   suggestion superseded by one that extends it keeps `outcome` NULL, and the new one's
//!   `requested` event carries `"extends": <old id>`.
//! - Retention rows start at the acceptance; `close` is written when the document closes or the
//!   session ends while the range is still followed. A range whose text was deleted whole has
//!   `similarity` 0 and `surviving` "".
//! - Code fields (`text`, `file_prefix`, `file_suffix`, `surviving`) are NULL when
//!   `store_code = false` or the file matches `never_store` (which also nulls `path`), and are
//!   redacted ([`redact`]) otherwise.
//!
//! Test-only environment: `TANDEM_TELEMETRY_CHECKPOINTS_MS` (e.g. "100,200") shortens the
//! checkpoint delays and `TANDEM_TELEMETRY_TIMEOUT_MS` the 30 s rejection timeout.

pub mod error;
pub mod locate;
pub mod location;
pub mod never_store;
pub mod offer;
pub mod recorder;
pub mod redact;
pub mod rejection;
pub mod retention;
pub mod schema;
pub mod store;
pub mod tracker;
pub mod write;
pub mod writer;

pub use error::TelemetryError;
pub use location::{database_path, DATA_DIR_ENV};
pub use offer::Offer;
pub use recorder::{Telemetry, CHECKPOINTS_ENV, TIMEOUT_ENV};
