//! Open documents: text in ropes, versions, and LSP position math in every encoding.

mod document;
mod position;
mod store;
mod uri;

pub use document::{CharEdit, Document, TextChange};
pub use position::{from_char, to_char, PositionEncoding};
pub use store::{DocumentError, DocumentSnapshot, DocumentStore};
pub use uri::path_from_uri;
