//! The workspace index: definitions, references and imports of every file, kept current.
