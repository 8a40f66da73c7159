//! Counting tokens for budgets: the backend's tokenizer, a local `tokenizer.json`, or an estimate.
