//! TODO(helper-clients)
