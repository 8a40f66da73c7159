//! The suggestion lifecycle as a pure state machine: offered → shown → accepted / partially
//! accepted / rejected, then retention checkpoints. Every method takes the time and the document
//! text it needs and returns the rows to write; the caller owns the clock, the documents and the
//! database.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ropey::Rope;
use serde_json::{json, Value};

use super::locate::{locate, text};
use super::never_store::NeverStore;
use super::offer::{relative_path, trigger_name, Offer};
use super::rejection::{self, EditEffect, Reason};
use super::retention::{measure, Checkpoint, Schedule, TrackedRange};
use super::write::{OutcomeRow, SuggestionRow, Write};
use crate::documents::CharEdit;

/// How long an acceptance may wait for the client's edit that inserts the text.
const AWAIT_INSERT: Duration = Duration::from_secs(5);
/// How long a finished suggestion is remembered for late signals (an acceptance after an
/// implicit rejection).
const KEEP_FINISHED: Duration = Duration::from_secs(300);
/// Later acceptances of the same suggestion within this many chars after its tracked range
/// extend it (the chars between were typed through).
const EXTEND_GAP: usize = 200;
/// Most accepted ranges followed at once; past it the oldest whose timed checkpoints are all
/// done are dropped (they would only have produced a `close` row).
const MAX_RETAINED: usize = 1_000;
/// Stored file context around an accepted suggestion, each side, in chars.
pub const FILE_CONTEXT_CHARS: usize = 100_000;

/// What may be stored and when things happen.
#[derive(Debug, Clone)]
pub struct Policy {
    pub store_code: bool,
    pub never_store: NeverStore,
    /// Pending suggestions older than this (since shown, else offered) are rejected.
    pub timeout: Duration,
    pub schedule: Schedule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    /// Partly accepted; `open` while more of it may still be accepted.
    Partial {
        open: bool,
    },
    Accepted,
    Rejected,
    /// Replaced by a suggestion that extends it: no outcome.
    Superseded,
}

/// A suggestion that is on offer or was recently.
#[derive(Debug, Clone)]
struct Live {
    uri: String,
    keep_code: bool,
    created_ms: u64,
    shown_ms: Option<u64>,
    state: State,
    finished_ms: Option<u64>,
    /// Where the latest offered text begins (it was inserted here if accepted).
    gen_start: usize,
    /// The latest offered text (type-through re-offers a shorter one under the same id).
    offered: String,
    /// Where what remains of `offered` would go, after the user typed its first chars.
    anchor: usize,
    remaining: String,
    /// Chars accepted under earlier offers of this id.
    accepted_before: usize,
    /// Chars of `offered` accepted so far.
    gen_accepted: usize,
    /// An acceptance whose text is not in the document yet: (chars, since).
    awaiting: Option<(usize, u64)>,
}

impl Live {
    fn is_open(&self) -> bool {
        matches!(self.state, State::Pending | State::Partial { open: true })
    }

    fn visible_ms(&self, now: u64) -> Option<u64> {
        self.shown_ms.map(|shown| now.saturating_sub(shown))
    }
}

/// An accepted range followed for retention.
#[derive(Debug, Clone)]
struct Retained {
    uri: String,
    keep_code: bool,
    range: TrackedRange,
    accepted_text: String,
    accepted_ms: u64,
    next_step: usize,
}

/// All suggestions of one process, keyed by id.
#[derive(Debug)]
pub struct Tracker {
    policy: Policy,
    workspace: Option<PathBuf>,
    lives: HashMap<String, Live>,
    retained: HashMap<String, Retained>,
}

impl Tracker {
    /// A tracker for one workspace.
    pub fn new(policy: Policy, workspace: Option<PathBuf>) -> Self {
        Self {
            policy,
            workspace,
            lives: HashMap::new(),
            retained: HashMap::new(),
        }
    }

    /// Replaces the policy (configuration changed); suggestions already offered keep theirs.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    /// Forgets every suggestion and range (recording was turned off).
    pub fn clear(&mut self) {
        self.lives.clear();
        self.retained.clear();
    }

    /// Number of suggestions remembered and ranges followed (for tests and limits).
    pub fn sizes(&self) -> (usize, usize) {
        (self.lives.len(), self.retained.len())
    }

    /// The document a known suggestion belongs to.
    pub fn uri_of(&self, id: &str) -> Option<String> {
        self.lives.get(id).map(|l| l.uri.clone())
    }

    /// The engine answered: new suggestions, a type-through re-offer of a known id, or nothing.
    pub fn offered(&mut self, offer: &Offer, now: u64) -> Vec<Write> {
        let mut writes = Vec::new();
        let workspace = offer.workspace.clone().or_else(|| self.workspace.clone());
        let relative = offer
            .path
            .as_deref()
            .map(|p| relative_path(p, workspace.as_deref()));
        let hidden = offer
            .path
            .as_deref()
            .is_some_and(|p| self.policy.never_store.matches(p, relative.as_deref()));
        let keep_code = self.policy.store_code && !hidden;
        let base_detail = json!({
            "trigger": trigger_name(offer.trigger),
            "source": offer.source,
            "language": offer.language,
            "total_ms": offer.timings.total_ms,
        });
        if offer.suggestions.is_empty() {
            let mut detail = base_detail;
            detail["suggestions"] = json!(0);
            if let Some(skipped) = &offer.skipped {
                detail["skipped"] = json!(skipped);
            }
            writes.push(event(None, now, "requested", detail));
            return writes;
        }

        // Old suggestions in this document: replaced, or superseded by an extension.
        let mut extends: HashMap<String, String> = HashMap::new();
        let old_ids: Vec<String> = self
            .lives
            .iter()
            .filter(|(id, live)| {
                live.uri == offer.uri
                    && live.is_open()
                    && !offer.suggestions.iter().any(|s| &s.id == *id)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in old_ids {
            let Some(live) = self.lives.get(&id) else {
                continue;
            };
            let extension = offer
                .suggestions
                .iter()
                .find(|s| rejection::is_extension(live.anchor, &live.remaining, s.at, &s.text));
            match (extension, live.state) {
                (Some(new), State::Pending) => {
                    extends.insert(new.id.clone(), id.clone());
                    self.finish(&id, State::Superseded, now);
                }
                (None, State::Pending) => {
                    writes.extend(self.reject(&id, Reason::Replaced, now));
                }
                _ => self.finish(&id, State::Partial { open: false }, now),
            }
        }

        let count = offer.suggestions.len();
        for (index, suggestion) in offer.suggestions.iter().enumerate() {
            if let Some(live) = self.lives.get_mut(&suggestion.id) {
                // Type-through: the same suggestion, shorter, where the user now is.
                if live.is_open() {
                    live.accepted_before += live.gen_accepted;
                    live.gen_accepted = 0;
                    live.gen_start = suggestion.at;
                    live.offered = suggestion.text.clone();
                    live.anchor = suggestion.at;
                    live.remaining = suggestion.text.clone();
                }
                let mut detail = base_detail.clone();
                detail["type_through"] = json!(true);
                detail["remaining_chars"] = json!(suggestion.text.chars().count());
                writes.push(event(Some(&suggestion.id), now, "requested", detail));
                continue;
            }
            let text_chars = suggestion.text.chars().count();
            writes.push(Write::Suggestion(Box::new(SuggestionRow {
                id: suggestion.id.clone(),
                created_ms: now,
                workspace: workspace
                    .as_deref()
                    .map(|w| w.to_string_lossy().into_owned()),
                path: if hidden { None } else { relative.clone() },
                language: offer.language.clone(),
                model: offer.model.clone(),
                backend: offer.backend.clone(),
                template: offer.template.clone(),
                trigger: trigger_name(offer.trigger),
                source: offer.source.clone(),
                context_ms: offer.timings.context_ms,
                prompt_ms: offer.timings.prompt_ms,
                model_ms: offer.timings.model_ms,
                post_ms: offer.timings.post_ms,
                total_ms: offer.timings.total_ms,
                prompt_tokens: offer.usage.prompt_tokens,
                cached_tokens: offer.usage.cached_tokens,
                context_sources: self.context_sources(offer, workspace.as_deref()),
                text: keep_code.then(|| suggestion.text.clone()),
                text_chars,
            })));
            let mut detail = base_detail.clone();
            detail["suggestions"] = json!(count);
            detail["index"] = json!(index);
            if let Some(old) = extends.get(&suggestion.id) {
                detail["extends"] = json!(old);
            }
            writes.push(event(Some(&suggestion.id), now, "requested", detail));
            self.lives.insert(
                suggestion.id.clone(),
                Live {
                    uri: offer.uri.clone(),
                    keep_code,
                    created_ms: now,
                    shown_ms: None,
                    state: State::Pending,
                    finished_ms: None,
                    gen_start: suggestion.at,
                    offered: suggestion.text.clone(),
                    anchor: suggestion.at,
                    remaining: suggestion.text.clone(),
                    accepted_before: 0,
                    gen_accepted: 0,
                    awaiting: None,
                },
            );
        }
        writes
    }

    /// The context chunks as stored JSON; paths of never-stored files are left out.
    fn context_sources(&self, offer: &Offer, workspace: Option<&Path>) -> String {
        let entries: Vec<Value> = offer
            .context
            .iter()
            .map(|c| {
                let absolute = workspace
                    .map(|w| w.join(&c.path))
                    .unwrap_or_else(|| PathBuf::from(&c.path));
                let hidden = self.policy.never_store.matches(&absolute, Some(&c.path));
                json!({
                    "source": c.source,
                    "path": if hidden { Value::Null } else { json!(c.path) },
                    "tokens": c.tokens,
                })
            })
            .collect();
        Value::Array(entries).to_string()
    }

    /// The client showed a suggestion (`textDocument/didShowCompletion`).
    pub fn shown(&mut self, id: &str, now: u64) -> Vec<Write> {
        let Some(live) = self.lives.get_mut(id) else {
            return Vec::new();
        };
        if live.shown_ms.is_some() {
            return Vec::new();
        }
        live.shown_ms = Some(now);
        vec![
            Write::Shown {
                id: id.to_string(),
                at_ms: now,
            },
            event(Some(id), now, "shown", json!({})),
        ]
    }

    /// The user accepted a suggestion whole; `doc` is its document now (the editor has usually
    /// inserted the text already).
    pub fn accepted(&mut self, id: &str, now: u64, doc: Option<&Rope>) -> Vec<Write> {
        let Some(live) = self.lives.get_mut(id) else {
            return Vec::new();
        };
        if live.state == State::Accepted {
            return Vec::new();
        }
        let chars = live.offered.chars().count();
        live.gen_accepted = chars;
        let total = live.accepted_before + chars;
        let visible_ms = live.visible_ms(now);
        self.finish(id, State::Accepted, now);
        let mut writes = vec![
            Write::Outcome(OutcomeRow {
                id: id.to_string(),
                outcome: "accepted",
                reason: None,
                at_ms: now,
                visible_ms,
                accepted_chars: Some(total),
            }),
            event(
                Some(id),
                now,
                "accepted",
                json!({ "accepted_chars": total }),
            ),
        ];
        writes.extend(self.start_retention(id, chars, now, doc));
        writes
    }

    /// The user accepted the first `accepted_len_utf16` UTF-16 units of the suggestion as last
    /// offered (`textDocument/didPartiallyAcceptCompletion`).
    pub fn partially_accepted(
        &mut self,
        id: &str,
        accepted_len_utf16: usize,
        now: u64,
        doc: Option<&Rope>,
    ) -> Vec<Write> {
        let Some(live) = self.lives.get_mut(id) else {
            return Vec::new();
        };
        if matches!(live.state, State::Accepted | State::Partial { open: false }) {
            return Vec::new();
        }
        let chars = chars_for_utf16(&live.offered, accepted_len_utf16);
        if chars == 0 {
            return Vec::new();
        }
        if chars >= live.offered.chars().count() {
            return self.accepted(id, now, doc);
        }
        live.gen_accepted = live.gen_accepted.max(chars);
        let total = live.accepted_before + live.gen_accepted;
        let visible_ms = live.visible_ms(now);
        live.state = State::Partial { open: true };
        // Counts as the last activity: an open partial is forgotten after KEEP_FINISHED.
        live.finished_ms = Some(now);
        let mut writes = vec![
            Write::Outcome(OutcomeRow {
                id: id.to_string(),
                outcome: "partial",
                reason: None,
                at_ms: now,
                visible_ms,
                accepted_chars: Some(total),
            }),
            event(
                Some(id),
                now,
                "partially_accepted",
                json!({ "accepted_length_utf16": accepted_len_utf16, "accepted_chars": total }),
            ),
        ];
        writes.extend(self.start_retention(id, chars, now, doc));
        writes
    }

    /// The user dismissed a suggestion (`tandem.reject`). After a partial acceptance the
    /// outcome stays `partial`.
    pub fn rejected(&mut self, id: &str, now: u64) -> Vec<Write> {
        match self.lives.get(id).map(|l| l.state) {
            Some(State::Pending) => self.reject(id, Reason::Explicit, now),
            Some(State::Partial { open: true }) => {
                self.finish(id, State::Partial { open: false }, now);
                vec![event(
                    Some(id),
                    now,
                    "rejected",
                    json!({ "reason": Reason::Explicit.as_str(), "after_partial": true }),
                )]
            }
            _ => Vec::new(),
        }
    }

    /// The document changed by `edits` (in order) and is now `doc`.
    pub fn document_changed(
        &mut self,
        uri: &str,
        edits: &[CharEdit],
        doc: &Rope,
        now: u64,
    ) -> Vec<Write> {
        let mut writes = Vec::new();
        let ids: Vec<String> = self
            .lives
            .iter()
            .filter(|(_, l)| l.uri == uri)
            .map(|(id, _)| id.clone())
            .collect();
        for (index, edit) in edits.iter().enumerate() {
            let inserted = || final_range(edits, index).and_then(|(a, b)| text(doc, a, b));
            for id in &ids {
                let Some(live) = self.lives.get_mut(id) else {
                    continue;
                };
                live.gen_start = shift_point(live.gen_start, edit);
                if !live.is_open() {
                    continue;
                }
                match rejection::after_edit(live.anchor, &live.remaining, edit, &inserted) {
                    EditEffect::Moved(anchor) => live.anchor = anchor,
                    EditEffect::Typed { anchor, typed } => {
                        live.anchor = anchor;
                        live.remaining = live.remaining.chars().skip(typed).collect();
                    }
                    EditEffect::TypedOver if live.state == State::Pending => {
                        writes.extend(self.reject(id, Reason::TypedOver, now));
                    }
                    EditEffect::TypedOver => self.finish(id, State::Partial { open: false }, now),
                }
            }
            for retained in self.retained.values_mut().filter(|r| r.uri == uri) {
                retained.range.apply(edit);
            }
        }
        for id in &ids {
            let awaiting = self.lives.get(id).and_then(|l| l.awaiting);
            if let Some((chars, accepted_ms)) = awaiting {
                // Checkpoints count from the acceptance, not from when the text showed up.
                writes.extend(self.start_retention(id, chars, accepted_ms, Some(doc)));
            }
        }
        writes
    }

    /// The document closed; `doc` is its last text, if still known.
    pub fn document_closed(&mut self, uri: &str, doc: Option<&Rope>, now: u64) -> Vec<Write> {
        let mut writes = Vec::new();
        let ids: Vec<String> = self
            .lives
            .iter()
            .filter(|(_, l)| l.uri == uri)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            if self.lives.get(&id).map(|l| l.state) == Some(State::Pending) {
                writes.extend(self.reject(&id, Reason::Closed, now));
            }
            self.lives.remove(&id);
        }
        let closed: Vec<String> = self
            .retained
            .iter()
            .filter(|(_, r)| r.uri == uri)
            .map(|(id, _)| id.clone())
            .collect();
        for id in closed {
            if let (Some(retained), Some(doc)) = (self.retained.remove(&id), doc) {
                writes.push(checkpoint(&id, &retained, Checkpoint::Close, doc, now));
            }
        }
        writes
    }

    /// Fires what is due at `now`: timeouts, retention checkpoints, expiry of stale state.
    /// `doc` returns a document's current text.
    pub fn tick(&mut self, now: u64, doc: &dyn Fn(&str) -> Option<Rope>) -> Vec<Write> {
        let mut writes = Vec::new();
        let timeout = self.policy.timeout;
        let expired: Vec<String> = self
            .lives
            .iter()
            .filter(|(_, l)| {
                l.state == State::Pending
                    && rejection::timed_out(l.shown_ms.unwrap_or(l.created_ms), now, timeout)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            writes.extend(self.reject(&id, Reason::Timeout, now));
        }
        for live in self.lives.values_mut() {
            if live
                .awaiting
                .is_some_and(|(_, since)| now.saturating_sub(since) >= millis(AWAIT_INSERT))
            {
                // The client never inserted the text where we could find it: the outcome is
                // recorded, retention is not.
                live.awaiting = None;
            }
        }
        self.lives.retain(|_, l| {
            l.finished_ms
                .is_none_or(|at| now.saturating_sub(at) < millis(KEEP_FINISHED))
                || l.awaiting.is_some()
        });

        let ids: Vec<String> = self.retained.keys().cloned().collect();
        for id in ids {
            let Some(retained) = self.retained.get(&id) else {
                continue;
            };
            let mut step = retained.next_step;
            let mut current: Option<Option<Rope>> = None;
            while let Some((point, delay)) = self.policy.schedule.step(step) {
                if now < retained.accepted_ms + millis(delay) {
                    break;
                }
                let Some(text) = current.get_or_insert_with(|| doc(&retained.uri)) else {
                    break;
                };
                writes.push(checkpoint(&id, retained, point, text, now));
                step += 1;
            }
            if matches!(current, Some(None)) {
                // The document is gone without a close notification: nothing left to follow.
                self.retained.remove(&id);
            } else if let Some(retained) = self.retained.get_mut(&id) {
                retained.next_step = step;
            }
        }
        writes
    }

    /// The next time [`Tracker::tick`] has something to do, if any.
    pub fn next_due(&self) -> Option<u64> {
        let timeouts = self
            .lives
            .values()
            .filter(|l| l.state == State::Pending)
            .map(|l| l.shown_ms.unwrap_or(l.created_ms) + millis(self.policy.timeout));
        let awaiting = self
            .lives
            .values()
            .filter_map(|l| l.awaiting.map(|(_, since)| since + millis(AWAIT_INSERT)));
        let checkpoints = self.retained.values().filter_map(|r| {
            self.policy
                .schedule
                .step(r.next_step)
                .map(|(_, delay)| r.accepted_ms + millis(delay))
        });
        timeouts.chain(awaiting).chain(checkpoints).min()
    }

    /// The session ends: every followed range gets its `close` checkpoint and pending
    /// suggestions count as closed.
    pub fn finish_all(&mut self, now: u64, doc: &dyn Fn(&str) -> Option<Rope>) -> Vec<Write> {
        let uris: Vec<String> = self
            .lives
            .values()
            .map(|l| l.uri.clone())
            .chain(self.retained.values().map(|r| r.uri.clone()))
            .collect();
        let mut writes = Vec::new();
        let mut done = std::collections::HashSet::new();
        for uri in uris {
            if done.insert(uri.clone()) {
                let text = doc(&uri);
                writes.extend(self.document_closed(&uri, text.as_ref(), now));
            }
        }
        writes
    }

    fn reject(&mut self, id: &str, reason: Reason, now: u64) -> Vec<Write> {
        let visible_ms = self.lives.get(id).and_then(|l| l.visible_ms(now));
        self.finish(id, State::Rejected, now);
        vec![
            Write::Outcome(OutcomeRow {
                id: id.to_string(),
                outcome: "rejected",
                reason: Some(reason.as_str()),
                at_ms: now,
                visible_ms,
                accepted_chars: None,
            }),
            event(
                Some(id),
                now,
                "rejected",
                json!({ "reason": reason.as_str() }),
            ),
        ]
    }

    fn finish(&mut self, id: &str, state: State, now: u64) {
        if let Some(live) = self.lives.get_mut(id) {
            live.state = state;
            live.finished_ms = Some(now);
        }
    }

    /// Finds the accepted text (`chars` of the latest offer) in `doc` and starts or extends its
    /// retention range (accepted at `now`); when it is not there yet, waits for the client's
    /// edit.
    fn start_retention(
        &mut self,
        id: &str,
        chars: usize,
        now: u64,
        doc: Option<&Rope>,
    ) -> Vec<Write> {
        let Some(live) = self.lives.get_mut(id) else {
            return Vec::new();
        };
        let expected: String = live.offered.chars().take(chars).collect();
        let found = doc.and_then(|d| locate(d, live.gen_start, &expected).map(|at| (d, at)));
        let Some((doc, at)) = found else {
            if live.awaiting.is_none() {
                live.awaiting = Some((chars, now));
            } else if let Some((waiting, _)) = live.awaiting.as_mut() {
                *waiting = chars;
            }
            return Vec::new();
        };
        live.awaiting = None;
        live.gen_start = at;
        let keep_code = live.keep_code;
        let uri = live.uri.clone();
        let end = at + chars;
        let extends = self.retained.get(id).is_some_and(|r| {
            !r.range.is_collapsed() && at >= r.range.start() && at <= r.range.end() + EXTEND_GAP
        });
        if !extends {
            if self.retained.len() >= MAX_RETAINED {
                let schedule = &self.policy.schedule;
                let oldest_done = self
                    .retained
                    .iter()
                    .filter(|(_, r)| schedule.step(r.next_step).is_none())
                    .min_by_key(|(_, r)| r.accepted_ms)
                    .map(|(id, _)| id.clone());
                if let Some(oldest) = oldest_done {
                    self.retained.remove(&oldest);
                }
            }
            self.retained.insert(
                id.to_string(),
                Retained {
                    uri,
                    keep_code,
                    range: TrackedRange::new(at, chars),
                    accepted_text: String::new(),
                    accepted_ms: now,
                    next_step: 0,
                },
            );
        }
        let Some(retained) = self.retained.get_mut(id) else {
            return Vec::new();
        };
        retained.range.extend_to(end);
        retained.accepted_text =
            text(doc, retained.range.start(), retained.range.end()).unwrap_or_default();
        if !keep_code {
            return Vec::new();
        }
        let prefix_from = retained.range.start().saturating_sub(FILE_CONTEXT_CHARS);
        let suffix_to = (retained.range.end() + FILE_CONTEXT_CHARS).min(doc.len_chars());
        vec![Write::AcceptedContext {
            id: id.to_string(),
            file_prefix: text(doc, prefix_from, retained.range.start()),
            file_suffix: text(doc, retained.range.end(), suffix_to),
        }]
    }
}

fn event(id: Option<&str>, now: u64, kind: &'static str, detail: Value) -> Write {
    Write::Event {
        suggestion_id: id.map(str::to_string),
        at_ms: now,
        kind,
        detail,
    }
}

fn checkpoint(id: &str, retained: &Retained, point: Checkpoint, doc: &Rope, now: u64) -> Write {
    let current = if retained.range.is_collapsed() {
        String::new()
    } else {
        text(doc, retained.range.start(), retained.range.end()).unwrap_or_default()
    };
    let m = measure(&retained.accepted_text, &current);
    Write::Retention {
        suggestion_id: id.to_string(),
        checkpoint: point.as_str(),
        at_ms: now,
        unchanged: m.unchanged,
        similarity: m.similarity,
        surviving: retained.keep_code.then_some(current),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Moves a point for an edit strictly before it; an insertion exactly at it leaves it (that is
/// where an accepted suggestion goes in).
fn shift_point(point: usize, edit: &CharEdit) -> usize {
    let (s, r, i) = (edit.start, edit.removed, edit.inserted);
    if s >= point {
        point
    } else if s + r <= point {
        point - r + i
    } else {
        s
    }
}

/// Where edit `index`'s inserted text is after the later edits of the batch, or `None` when a
/// later edit changed it.
fn final_range(edits: &[CharEdit], index: usize) -> Option<(usize, usize)> {
    let edit = edits.get(index)?;
    let (mut start, mut end) = (edit.start, edit.start + edit.inserted);
    for later in &edits[index + 1..] {
        let (s, r, i) = (later.start, later.removed, later.inserted);
        if s + r <= start {
            start = start - r + i;
            end = end - r + i;
        } else if s >= end {
            continue;
        } else {
            return None;
        }
    }
    Some((start, end))
}

/// Chars of `text` covered by its first `units` UTF-16 code units.
pub fn chars_for_utf16(text: &str, units: usize) -> usize {
    let mut used = 0;
    let mut chars = 0;
    for c in text.chars() {
        if used >= units {
            break;
        }
        used += c.len_utf16();
        chars += 1;
    }
    chars
}

#[cfg(test)]
#[path = "tracker_tests.rs"]
mod tests;
