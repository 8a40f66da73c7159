//! `tandem report`: one self-contained HTML file with charts of the recorded telemetry.
