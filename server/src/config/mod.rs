//! tandem's configuration: the settings, their defaults, and how layers of it are merged.

mod files;
mod load;
mod schema;

pub use files::{config_files, read_toml_file};
pub use load::{resolve, ConfigLayers, ConfigMessage};
pub use schema::{
    BackendChoice, BackendSection, CompletionSection, Config, ContextMode, ContextSection,
    LogSection, ManagedSection, PromptSection, TelemetrySection,
};
