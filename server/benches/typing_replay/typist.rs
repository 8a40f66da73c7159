//! A seeded human typist: turns the text to type into keystrokes, each with the pause before it.
//! Pure: the same text, pace and seed always give the same keystrokes.

use std::time::Duration;

/// How fast and how unevenly the typist types.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Average typing speed between pauses.
    pub chars_per_sec: f64,
    /// Pause after pressing Enter (thinking about the next line), drawn uniformly.
    pub line_pause_ms: (u64, u64),
    /// Chance of a short hesitation before any other keystroke.
    pub hesitation_chance: f64,
    /// Length of a hesitation, drawn uniformly.
    pub hesitation_ms: (u64, u64),
}

/// One keystroke: the text it inserts at the cursor and how long the typist waits before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keystroke {
    pub text: String,
    pub delay: Duration,
}

/// SplitMix64: tiny, seedable and good enough to vary pauses.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn between(&mut self, (low, high): (u64, u64)) -> f64 {
        low as f64 + self.unit() * high.saturating_sub(low) as f64
    }
}

/// Splits `text` into keystrokes. An editor auto-indents: Enter inserts the newline and the next
/// line's indentation in one edit, so leading whitespace is never typed space by space.
pub fn keystrokes(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut at_line_start = true;
    for ch in text.chars() {
        let joins_indent = at_line_start && (ch == ' ' || ch == '\t');
        match keys.last_mut() {
            Some(last) if joins_indent && (last.ends_with('\n') || is_blank(last)) => last.push(ch),
            _ => keys.push(ch.to_string()),
        }
        at_line_start = ch == '\n' || joins_indent;
    }
    keys
}

fn is_blank(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c == ' ' || c == '\t')
}

/// The keystrokes that type `text`, at most `max_chars` characters (whole keystrokes only), with
/// human pauses drawn from `seed`.
pub fn plan(text: &str, max_chars: usize, pace: &Pace, seed: u64) -> Vec<Keystroke> {
    let mut rng = Rng(seed);
    let base_ms = 1000.0 / pace.chars_per_sec.max(0.1);
    let mut typed = 0;
    let mut out: Vec<Keystroke> = Vec::new();
    for key in keystrokes(text) {
        typed += key.chars().count();
        if typed > max_chars {
            break;
        }
        // Keys come at the average speed give or take half, as fingers do.
        let mut delay_ms = base_ms * (0.5 + rng.unit());
        let after_enter = out.last().is_some_and(|k| k.text.contains('\n'));
        if after_enter {
            delay_ms += rng.between(pace.line_pause_ms);
        } else if rng.unit() < pace.hesitation_chance {
            delay_ms += rng.between(pace.hesitation_ms);
        }
        out.push(Keystroke {
            text: key,
            delay: Duration::from_secs_f64(delay_ms / 1000.0),
        });
    }
    out
}
