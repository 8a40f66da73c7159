//! Figures computed from recorded telemetry, for `tandem stats` and `tandem report`.
