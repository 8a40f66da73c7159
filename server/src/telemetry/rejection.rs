//! When a suggestion counts as rejected without the user saying so.
//!
//! The rule. A suggestion that has been offered and has no outcome yet is rejected:
//! - `typed_over`: an edit touches the point where the rest of the suggestion would go (inserts
//!   there, deletes up to it, or replaces across it) and is not the user typing a prefix of what
//!   remains of the suggestion. Typing a prefix is *type-through*: the suggestion stays pending
//!   with a shorter remainder, and the engine re-offers it under the same id. Edits elsewhere in
//!   the document only move the point.
//! - `replaced`: a new suggestion with a different id is offered in the same document and none of
//!   the new ones merely extends it. An extension sits at the same point and its text starts with
//!   what remains of the old one, or vice versa; the old one is then superseded, not rejected, and
//!   gets no outcome. An empty answer does not replace anything (the user saw nothing new).
//! - `timeout`: 30 s pass after it was shown (after it was offered when the client never reports
//!   showing) without an outcome.
//! - `explicit`: the client ran `tandem.reject` / dismissed it.
//! - `closed`: its document closed.
//!
//! An acceptance always wins: a suggestion accepted after an implicit rejection (a client that
//! reports the acceptance after its own edit, or late) is recorded as accepted.
//! These functions are pure; the tracker applies them.

use std::time::Duration;

use crate::documents::CharEdit;

/// How long a suggestion may sit without an outcome before it counts as rejected.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Why a suggestion was rejected; stored in `suggestions.outcome_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Explicit,
    TypedOver,
    Replaced,
    Timeout,
    Closed,
}

impl Reason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Explicit => "explicit",
            Reason::TypedOver => "typed_over",
            Reason::Replaced => "replaced",
            Reason::Timeout => "timeout",
            Reason::Closed => "closed",
        }
    }
}

/// What one edit did to a pending suggestion whose remainder starts at `anchor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditEffect {
    /// The edit was elsewhere; the remainder now starts at this char index.
    Moved(usize),
    /// The user typed the first `typed` chars of the remainder; it now starts at `anchor`.
    Typed { anchor: usize, typed: usize },
    /// The user typed something else at the suggestion.
    TypedOver,
}

/// Applies the typing rule to one edit. `inserted` returns the edit's inserted text, or `None`
/// when it is no longer known (a later edit in the same batch overwrote it).
pub fn after_edit(
    anchor: usize,
    remaining: &str,
    edit: &CharEdit,
    inserted: &dyn Fn() -> Option<String>,
) -> EditEffect {
    let (s, r, i) = (edit.start, edit.removed, edit.inserted);
    if s > anchor {
        return EditEffect::Moved(anchor);
    }
    if s + r < anchor {
        return EditEffect::Moved(anchor - r + i);
    }
    // The edit touches the anchor: s <= anchor <= s + r.
    if r == 0 && i == 0 {
        return EditEffect::Moved(anchor);
    }
    // Chars before the anchor that the edit removed. A pure insertion keeps none; a completion
    // item re-inserting the word before the cursor (remove "wor", insert "word…") keeps them:
    // we assume the re-inserted part is unchanged and judge only what comes after it.
    let kept = anchor - s;
    if s + r != anchor || i < kept {
        return EditEffect::TypedOver;
    }
    let typed_len = i - kept;
    if typed_len == 0 {
        return EditEffect::Moved(s + i);
    }
    if typed_len > remaining.chars().count() {
        return EditEffect::TypedOver;
    }
    let Some(text) = inserted() else {
        return EditEffect::TypedOver;
    };
    let typed: String = text.chars().skip(kept).collect();
    if remaining.starts_with(&typed) {
        EditEffect::Typed {
            anchor: s + i,
            typed: typed_len,
        }
    } else {
        EditEffect::TypedOver
    }
}

/// Whether a new suggestion at `new_at` merely extends (or shortens) an old one whose remainder
/// `old_remaining` starts at `old_anchor`.
pub fn is_extension(old_anchor: usize, old_remaining: &str, new_at: usize, new_text: &str) -> bool {
    old_anchor == new_at
        && (new_text.starts_with(old_remaining) || old_remaining.starts_with(new_text))
}

/// Whether a suggestion shown (or offered) at `since_ms` has waited too long at `now_ms`.
pub fn timed_out(since_ms: u64, now_ms: u64, timeout: Duration) -> bool {
    now_ms.saturating_sub(since_ms) >= timeout.as_millis() as u64
}

#[cfg(test)]
#[path = "rejection_tests.rs"]
mod tests;
