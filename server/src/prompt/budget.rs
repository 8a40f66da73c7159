//! Fitting prefix and suffix into a token budget, cutting at line boundaries.

/// How many whole lines of prefix and suffix to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Lines kept before the cursor line's start, counted back from the cursor.
    pub prefix_lines: usize,
    /// Lines kept after the cursor line's end, counted forward from the cursor.
    pub suffix_lines: usize,
    /// What the prompt costs: `fixed` plus the kept lines. Exceeds the budget only when `fixed`
    /// alone does, and then no line is kept.
    pub tokens: usize,
}

/// Chooses the window. `prefix_tokens[i]` is the token count of the i-th line *before* the cursor
/// line (0 = nearest); `suffix_tokens[i]` of the i-th line after it. `fixed` is what the cursor line
/// and template tokens cost. `prefix_share` of the budget goes to the prefix; a side that needs less
/// than its share leaves the rest to the other side.
pub fn fit_window(
    prefix_tokens: &[usize],
    suffix_tokens: &[usize],
    fixed: usize,
    budget: usize,
    prefix_share: f32,
) -> Window {
    if fixed > budget {
        return Window {
            prefix_lines: 0,
            suffix_lines: 0,
            tokens: fixed,
        };
    }
    let available = budget - fixed;
    let prefix_cap = share_of(available, prefix_share);
    let suffix_cap = available - prefix_cap;

    // First each side fills its own share; then whatever is left (a side ran out of lines, or
    // its next line did not fit) is offered to the prefix and after that to the suffix. Both
    // passes continue outwards from where the first stopped, so kept lines stay contiguous.
    let prefix = Side::default().extend(prefix_tokens, prefix_cap);
    let suffix = Side::default().extend(suffix_tokens, suffix_cap);
    let prefix = prefix.extend(prefix_tokens, available - suffix.used);
    let suffix = suffix.extend(suffix_tokens, available - prefix.used);

    Window {
        prefix_lines: prefix.lines,
        suffix_lines: suffix.lines,
        tokens: fixed + prefix.used + suffix.used,
    }
}

/// How many of `tokens` (line costs, nearest first) fit in `cap` together.
pub fn lines_within(tokens: &[usize], cap: usize) -> usize {
    Side::default().extend(tokens, cap).lines
}

/// The prefix's part of `available`, rounded down; a share outside 0..=1 is clamped and a NaN
/// share splits evenly, so a bad config value cannot starve or overflow a side.
fn share_of(available: usize, share: f32) -> usize {
    let share = if share.is_nan() {
        0.5
    } else {
        f64::from(share).clamp(0.0, 1.0)
    };
    // `as` saturates, so even a huge product is a valid usize.
    let part = ((available as f64) * share).floor() as usize;
    // f64 rounding can land above `available` when it is close to usize::MAX.
    part.min(available)
}

/// Lines taken so far on one side and the tokens they cost.
#[derive(Debug, Default, Clone, Copy)]
struct Side {
    lines: usize,
    used: usize,
}

impl Side {
    /// Takes further lines outwards while the total stays within `cap`; stops at the first line
    /// that does not fit, because a window with a gap would show the model code that is not there.
    fn extend(mut self, costs: &[usize], cap: usize) -> Side {
        for &cost in &costs[self.lines..] {
            match self.used.checked_add(cost) {
                Some(total) if total <= cap => {
                    self.used = total;
                    self.lines += 1;
                }
                _ => break,
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        prefix: &'static [usize],
        suffix: &'static [usize],
        fixed: usize,
        budget: usize,
        share: f32,
        expect: (usize, usize, usize),
    }

    const CASES: &[Case] = &[
        Case {
            name: "everything fits",
            prefix: &[3, 3, 3],
            suffix: &[2, 2],
            fixed: 10,
            budget: 100,
            share: 0.75,
            expect: (3, 2, 23),
        },
        Case {
            name: "each side limited to its share",
            prefix: &[10; 10],
            suffix: &[10; 10],
            fixed: 0,
            budget: 100,
            share: 0.7,
            expect: (7, 3, 100),
        },
        Case {
            name: "rounding slack of both shares goes to the prefix first",
            prefix: &[10; 10],
            suffix: &[10; 10],
            fixed: 5,
            budget: 105,
            share: 0.75,
            expect: (8, 2, 105),
        },
        Case {
            name: "short suffix leaves its share to the prefix",
            prefix: &[10; 20],
            suffix: &[4],
            fixed: 0,
            budget: 100,
            share: 0.75,
            expect: (9, 1, 94),
        },
        Case {
            name: "short prefix leaves its share to the suffix",
            prefix: &[5],
            suffix: &[10; 20],
            fixed: 0,
            budget: 100,
            share: 0.75,
            expect: (1, 9, 95),
        },
        Case {
            name: "budget smaller than fixed keeps nothing",
            prefix: &[1, 1],
            suffix: &[1],
            fixed: 50,
            budget: 40,
            share: 0.75,
            expect: (0, 0, 50),
        },
        Case {
            name: "budget equal to fixed keeps nothing",
            prefix: &[1],
            suffix: &[1],
            fixed: 40,
            budget: 40,
            share: 0.5,
            expect: (0, 0, 40),
        },
        Case {
            name: "both sides empty",
            prefix: &[],
            suffix: &[],
            fixed: 7,
            budget: 100,
            share: 0.75,
            expect: (0, 0, 7),
        },
        Case {
            name: "huge nearest prefix line blocks the prefix, suffix takes the room",
            prefix: &[500, 1, 1],
            suffix: &[10; 5],
            fixed: 0,
            budget: 100,
            share: 0.75,
            expect: (0, 5, 50),
        },
        Case {
            name: "huge farther line stops the side there, no gaps",
            prefix: &[5, 500, 5, 5],
            suffix: &[],
            fixed: 0,
            budget: 100,
            share: 0.75,
            expect: (1, 0, 5),
        },
        Case {
            name: "line that only fits with the other side's leftover is taken",
            prefix: &[70, 20],
            suffix: &[5],
            fixed: 0,
            budget: 100,
            share: 0.5,
            expect: (2, 1, 95),
        },
        Case {
            name: "share zero gives the prefix only the suffix's leftover",
            prefix: &[10; 3],
            suffix: &[10; 20],
            fixed: 0,
            budget: 50,
            share: 0.0,
            expect: (0, 5, 50),
        },
        Case {
            name: "share above one is clamped",
            prefix: &[10; 3],
            suffix: &[10; 3],
            fixed: 0,
            budget: 50,
            share: 7.0,
            expect: (3, 2, 50),
        },
        Case {
            name: "NaN share splits evenly",
            prefix: &[10; 10],
            suffix: &[10; 10],
            fixed: 0,
            budget: 40,
            share: f32::NAN,
            expect: (2, 2, 40),
        },
        Case {
            name: "zero-cost lines are free",
            prefix: &[0, 0, 10],
            suffix: &[0],
            fixed: 0,
            budget: 5,
            share: 0.75,
            expect: (2, 1, 0),
        },
        Case {
            name: "costs near usize::MAX do not overflow",
            prefix: &[usize::MAX, 1],
            suffix: &[usize::MAX],
            fixed: 1,
            budget: usize::MAX,
            share: 0.75,
            expect: (0, 0, 1),
        },
        Case {
            name: "full share of a usize::MAX budget does not underflow the suffix share",
            prefix: &[1],
            suffix: &[1],
            fixed: 0,
            budget: usize::MAX,
            share: 1.0,
            expect: (1, 1, 2),
        },
    ];

    #[test]
    fn fit_window_table() {
        for c in CASES {
            let w = fit_window(c.prefix, c.suffix, c.fixed, c.budget, c.share);
            assert_eq!(
                (w.prefix_lines, w.suffix_lines, w.tokens),
                c.expect,
                "case: {}",
                c.name
            );
        }
    }

    #[test]
    fn window_never_exceeds_budget_and_is_deterministic() {
        // A deterministic pseudo-random sweep: costs 0..=40, budgets 0..=300, several shares.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let prefix: Vec<usize> = (0..next() % 30).map(|_| (next() % 41) as usize).collect();
            let suffix: Vec<usize> = (0..next() % 30).map(|_| (next() % 41) as usize).collect();
            let fixed = (next() % 60) as usize;
            let budget = (next() % 300) as usize;
            let share = [0.0, 0.25, 0.5, 0.75, 1.0][(next() % 5) as usize];
            let w = fit_window(&prefix, &suffix, fixed, budget, share);
            assert_eq!(w, fit_window(&prefix, &suffix, fixed, budget, share));
            let kept: usize = prefix[..w.prefix_lines].iter().sum::<usize>()
                + suffix[..w.suffix_lines].iter().sum::<usize>();
            assert_eq!(w.tokens, fixed + kept);
            if fixed <= budget {
                assert!(w.tokens <= budget, "{w:?} over budget {budget}");
                // Maximal: neither side could take its next line in the room that is left.
                let room = budget - w.tokens;
                if let Some(&next_line) = prefix.get(w.prefix_lines) {
                    assert!(next_line > room, "prefix could grow: {w:?}");
                }
                if let Some(&next_line) = suffix.get(w.suffix_lines) {
                    assert!(next_line > room, "suffix could grow: {w:?}");
                }
            } else {
                assert_eq!((w.prefix_lines, w.suffix_lines), (0, 0));
            }
        }
    }

    #[test]
    fn lines_within_stops_at_the_first_line_that_does_not_fit() {
        assert_eq!(lines_within(&[10, 10, 10], 25), 2);
        assert_eq!(lines_within(&[10, 10, 10], 30), 3);
        assert_eq!(lines_within(&[30, 1], 25), 0);
        assert_eq!(lines_within(&[], 25), 0);
    }
}
