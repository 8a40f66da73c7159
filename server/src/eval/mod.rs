//! `tandem eval`: runs the completion pipeline on task files and scores it.
//!
//! `tasks` reads the exchange format, `run` drives the engine, and the rest is pure: `scores`
//! per task, `bootstrap` intervals, `summary` per language and kind, `settings` for the run's
//! configuration, `table` and `compare` for people, `report` for the RUN.json scripts read.
//! `holes` makes task files from a repository, `cross_file` narrows them to holes that need
//! another file.

pub mod bootstrap;
pub mod compare;
pub mod cross_file;
pub mod holes;
pub mod report;
pub mod run;
pub mod scores;
pub mod settings;
pub mod summary;
pub mod table;
pub mod tasks;
