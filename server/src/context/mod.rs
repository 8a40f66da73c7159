//! Context for the prompt from outside the cursor's window: sources, ranking, budgets, layout.
