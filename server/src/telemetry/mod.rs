//! Local telemetry: what tandem offered, what the user did with it, and what survived.
