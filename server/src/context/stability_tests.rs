//! Properties of the whole context step: a keystroke extends the previous context instead of
//! reshuffling it, and no budget is ever exceeded.

use super::hash::hash_bytes;
use super::lines::line_count;
use super::*;

const TAX: &str = r#""""Tax rules."""

RATES = {"eu": 0.2, "us": 0.07}


def apply_tax(amount, rate):
    """Return amount with tax at rate."""
    if rate < 0:
        raise ValueError("negative rate")
    return round(amount * (1 + rate), 2)


class TaxTable:
    def __init__(self, rates):
        self.rates = dict(rates)

    def rate_for(self, region):
        return self.rates.get(region, 0.0)
"#;

const ORDERS: &str = "from billing.tax import apply_tax, TaxTable\n\n\ndef order_total(order, table):\n    subtotal = sum(line.price * line.quantity for line in order.lines)\n    rate = table.rate_for(order.region)\n    return apply_tax(subtotal, rate)\n\n\ndef refund(order, amount):\n    order.refunds.append(amount)\n    order.balance -= amount\n";

const SHIPPING: &str = "WEIGHT_LIMIT = 30\n\n\ndef shipping_cost(region, weight=1.0):\n    base = 4.5 if region == \"eu\" else 7.0\n    return base + 0.8 * weight\n";

const CART_HEAD: &str = "from billing.tax import apply_tax, TaxTable\nfrom billing.shipping import shipping_cost\n\n\nclass Cart:\n    def __init__(self, region):\n        self.region = region\n        self.lines = []\n\n    def add(self, product, quantity):\n        self.lines.append((product, quantity))\n\n    def total(self, table):\n        subtotal = sum(p.price * q for p, q in self.lines)\n";
const CART_TAIL: &str = "\n\n    def clear(self):\n        self.lines = []\n";
const TYPED: &str = "        return apply_tax(subtotal - loyalty_discount(self.customer, subtotal) + shipping_cost(self.region), table.rate_for(self.region))";
const DISCOUNTS: &str = "def loyalty_discount(customer, subtotal):\n    years = customer.years_active\n    return subtotal * min(0.02 * years, 0.1)\n";
const CART: &str = "billing/cart.py";

/// A few real files and many unrelated ones.
fn workspace() -> Vec<(String, String)> {
    let mut files = vec![
        ("billing/tax.py".to_string(), TAX.to_string()),
        ("billing/orders.py".to_string(), ORDERS.to_string()),
        ("billing/shipping.py".to_string(), SHIPPING.to_string()),
        ("billing/discounts.py".to_string(), DISCOUNTS.to_string()),
    ];
    for i in 0..30 {
        let text = (0..25)
            .map(|j| format!("def helper_{i}_{j}(value_{j}):\n    return transform_{i}(value_{j}, level={j})\n"))
            .collect();
        files.push((format!("util/mod_{i}.py"), text));
    }
    files
}

/// What the index would answer: `def NAME` / `class NAME` with the lines indented under it.
fn definitions_named<'a>(files: &'a [(String, String)], name: &str) -> Vec<DefinitionHit<'a>> {
    let mut hits = Vec::new();
    for (path, text) in files {
        let lines: Vec<&str> = text.lines().collect();
        for (start, line) in lines.iter().enumerate() {
            let body = line.trim_start();
            let indent = line.len() - body.len();
            let kind = if body.starts_with(&format!("def {name}(")) {
                "function"
            } else if body.starts_with(&format!("class {name}")) {
                "class"
            } else {
                continue;
            };
            let end = (start + 1..lines.len())
                .take_while(|&l| {
                    lines[l].trim().is_empty()
                        || lines[l].len() - lines[l].trim_start().len() > indent
                })
                .last()
                .unwrap_or(start);
            let end = (start..=end)
                .rev()
                .find(|&l| !lines[l].trim().is_empty())
                .unwrap_or(start);
            hits.push(DefinitionHit::at("", kind, path, text, start, end));
        }
    }
    hits
}

fn count(text: &str) -> usize {
    text.len().div_ceil(4)
}

/// The context step as the engine runs it, for the cart file with `typed` on its cursor line.
fn context_for(
    typed: &str,
    recent: &RecentEdits,
    cache: &mut SimilarCache,
    previous: &Ledger,
) -> Selection {
    let doc = format!("{CART_HEAD}{typed}{CART_TAIL}");
    let before: Vec<String> = CART_HEAD
        .split_inclusive('\n')
        .rev()
        .map(str::to_owned)
        .collect();
    let after: Vec<String> = CART_TAIL[1..]
        .split_inclusive('\n')
        .map(str::to_owned)
        .collect();
    let cursor_text = CursorText {
        line_prefix: typed,
        line_suffix: "",
        before: &before,
        after: &after,
    };
    let imports: Vec<String> = ["apply_tax", "TaxTable", "shipping_cost"]
        .map(String::from)
        .to_vec();

    let mut workspace = workspace();
    // The index holds the open buffer too.
    workspace.push((CART.to_string(), doc.clone()));
    let names = wanted_names(&cursor_text, &imports, &NameLimits::default());
    let mut hits = Vec::new();
    for name in &names {
        hits.extend(
            definitions_named(&workspace, name)
                .into_iter()
                .map(|h| DefinitionHit { name, ..h }),
        );
    }
    let window = CurrentWindow {
        path: CART,
        start_line: 0,
        end_line: line_count(&doc),
    };
    let related = ["billing/tax.py", "billing/shipping.py", "billing/orders.py"];
    let mut candidates = definitions(
        &names,
        &hits,
        &window,
        &related,
        &DefinitionLimits::default(),
        previous,
        None,
    );

    let files: Vec<FileText<'_>> = workspace
        .iter()
        .map(|(path, text)| FileText { path, text })
        .collect();
    let query = similarity_query(&cursor_text, 20);
    candidates.extend(similar_with_cache(
        &query,
        &files,
        &window,
        &SimilarLimits::default(),
        previous,
        cache,
        None,
    ));
    candidates.extend(recent.candidates(&files, &window, &RecentLimits::default()));

    // The file is short: the prompt window (prefix + suffix) is all of it.
    assemble(candidates, &doc, &Budgets::split(400), previous, &count)
}

fn shown(selection: &Selection) -> Vec<(String, String)> {
    selection
        .chunks
        .iter()
        .map(|c| (c.candidate.path.clone(), c.candidate.text.clone()))
        .collect()
}

#[test]
fn each_keystroke_extends_the_previous_context() {
    let mut recent = RecentEdits::default();
    recent.record("billing/shipping.py", 4, 0);
    let mut previous = Ledger::default();
    let mut cache = SimilarCache::new();
    let mut last: Vec<(String, String)> = Vec::new();
    let mut grew = 0;
    let ends: Vec<usize> = TYPED
        .char_indices()
        .map(|(i, _)| i)
        .chain([TYPED.len()])
        .collect();
    for (tick, &end) in ends.iter().enumerate() {
        let typed = &TYPED[..end];
        recent.record(CART, 14, tick as u64 + 1);
        let selection = context_for(typed, &recent, &mut cache, &previous);
        let now = shown(&selection);
        assert!(
            now.len() >= last.len() && now[..last.len()] == last[..],
            "after typing {typed:?} the context is no extension of the previous one:\nbefore {:#?}\nnow {:#?}",
            last,
            now
        );
        grew += usize::from(now.len() > last.len() && !last.is_empty());
        last = now;
        previous = selection.ledger;
    }
    // Not vacuous: the context holds several sources, and typing brought in new chunks.
    let sources: std::collections::HashSet<&str> =
        previous.keys().iter().map(|k| k.source.as_str()).collect();
    assert!(sources.len() >= 2, "{sources:?}");
    assert!(grew >= 1, "nothing was ever appended");
    assert!(last
        .iter()
        .any(|(path, text)| path == "billing/tax.py"
            && text.contains("def apply_tax(amount, rate):")));
    assert!(last.iter().any(|(path, _)| path == "billing/discounts.py"));
}

#[test]
fn moving_to_another_line_appends_to_the_context() {
    // Each line asks for other names, so the ranking changes from one to the next; the chunks
    // chosen before stay in front while the budget has room, and only new ones are appended.
    let lines = [
        "        cost = shipping_cost(self.region)",
        "        discount = loyalty_discount(self.customer, subtotal)",
        "        rate = table.rate_for(self.region)",
        "        return apply_tax(subtotal - discount + cost, rate)",
    ];
    let recent = RecentEdits::default();
    let mut cache = SimilarCache::new();
    let mut previous = Ledger::default();
    let mut last: Vec<(String, String)> = Vec::new();
    let mut changed_ranking = 0;
    for line in lines {
        let fresh = context_for(line, &recent, &mut cache, &Ledger::default());
        let selection = context_for(line, &recent, &mut cache, &previous);
        let now = shown(&selection);
        assert!(
            now.len() >= last.len() && now[..last.len()] == last[..],
            "on {line:?} the context is no extension of the previous one:\nbefore {last:#?}\nnow {now:#?}"
        );
        assert!(selection.total_tokens() <= 400);
        changed_ranking += usize::from(!last.is_empty() && shown(&fresh)[..] != now[..]);
        last = now;
        previous = selection.ledger;
    }
    assert!(
        changed_ranking >= 2,
        "the lines never changed the ranking: the test proves nothing"
    );
}

/// splitmix64: a seeded generator, so every sweep case can be replayed by number.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

const VOCABULARY: &[&str] = &[
    "user", "order", "price", "total", "cart", "item", "tax", "rate", "ship", "fee", "{", "}",
    "return",
];

fn random_text(rng: &mut Rng) -> String {
    (0..1 + rng.below(4))
        .map(|_| {
            let words: Vec<&str> = (0..rng.below(6))
                .map(|_| VOCABULARY[rng.below(VOCABULARY.len())])
                .collect();
            format!("{}{}\n", "  ".repeat(rng.below(3)), words.join(" "))
        })
        .collect()
}

fn random_candidates(rng: &mut Rng) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for _ in 0..rng.below(30) {
        let start = rng.below(60);
        let text = match out.len() {
            n if n > 0 && rng.below(10) == 0 => out[rng.below(n)].text.clone(),
            _ => random_text(rng),
        };
        out.push(Candidate {
            source: Source::ALL[rng.below(Source::ALL.len())],
            path: ["a", "b", "c", "d", "e"][rng.below(5)].to_string(),
            start_line: start,
            end_line: start + rng.below(12),
            text,
            score: rng.below(1000) as f32 / 1000.0,
        });
    }
    out
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The window-coverage rule, restated from the spec.
fn covered(window: &str, text: &str) -> bool {
    let lines: std::collections::HashSet<&str> = window.lines().map(str::trim).collect();
    text.trim().is_empty()
        || window.contains(text.trim())
        || text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "...")
            .all(|l| lines.contains(l))
}

#[test]
fn budgets_hold_and_order_is_stable_over_a_seeded_sweep() {
    for case in 0..1_000u64 {
        let mut rng = Rng(case);
        let candidates = random_candidates(&mut rng);
        let mut window = random_text(&mut rng);
        if let Some(c) = candidates.get(rng.below(candidates.len() + 1)) {
            window.push_str(&c.text);
        }
        let budgets = Budgets {
            total: rng.below(200),
            definitions: rng.below(150),
            similar: rng.below(150),
            recent: rng.below(150),
            outline: rng.below(150),
            per_chunk_overhead: rng.below(3),
        };
        // The previous request saw some of these candidates (and others).
        let mut earlier: Vec<Candidate> = candidates
            .iter()
            .filter(|_| rng.below(2) == 0)
            .cloned()
            .collect();
        earlier.extend(random_candidates(&mut rng));
        let earlier_budgets = Budgets {
            per_chunk_overhead: budgets.per_chunk_overhead,
            ..Budgets::split(300)
        };
        let previous = assemble(earlier, "", &earlier_budgets, &Ledger::default(), &words).ledger;
        let previous_chunks = assemble(
            Vec::new(),
            "",
            &Budgets::split(usize::MAX / 4),
            &previous,
            &words,
        )
        .chunks;

        let got = assemble(candidates.clone(), &window, &budgets, &previous, &words);
        let context = format!("case {case}");

        assert!(got.total_tokens() <= budgets.total, "{context}");
        for source in Source::ALL {
            assert!(
                got.tokens_of(source) <= budgets.for_source(source),
                "{context}"
            );
        }
        for (i, chosen) in got.chunks.iter().enumerate() {
            let c = &chosen.candidate;
            assert!(
                candidates.contains(c) || previous_chunks.iter().any(|p| p.candidate == *c),
                "{context}: invented {c:?}"
            );
            assert_eq!(
                chosen.tokens,
                words(&c.text) + words(&c.path) + budgets.per_chunk_overhead,
                "{context}"
            );
            assert!(
                !covered(&window, &c.text),
                "{context}: repeats the window: {c:?}"
            );
            for other in &got.chunks[i + 1..] {
                assert!(!c.overlaps(&other.candidate), "{context}: overlap");
                assert_ne!(c.text, other.candidate.text, "{context}: same text twice");
            }
            let key = &got.ledger.keys()[i];
            assert_eq!(
                (key.path.as_str(), key.start_line, key.end_line, key.source),
                (c.path.as_str(), c.start_line, c.end_line, c.source),
                "{context}"
            );
        }
        assert_eq!(got.ledger.keys().len(), got.chunks.len(), "{context}");

        // Chunks the previous request had come first, in their old order.
        let old_place = |c: &Candidate| {
            let hash = hash_bytes(c.text.as_bytes());
            previous
                .keys()
                .iter()
                .position(|k| k.path == c.path && k.text_hash == hash)
        };
        let places: Vec<Option<usize>> =
            got.chunks.iter().map(|c| old_place(&c.candidate)).collect();
        let kept = places.iter().take_while(|p| p.is_some()).count();
        assert!(
            places[kept..].iter().all(Option::is_none),
            "{context}: {places:?}"
        );
        assert!(
            places[..kept].windows(2).all(|w| w[0] < w[1]),
            "{context}: {places:?}"
        );

        // Nothing was left out that fits: every candidate not chosen clashes with a chosen
        // one or would break a budget even now (budgets only fill up as chunks are taken).
        let total = got.total_tokens();
        for c in candidates.iter().filter(|c| !covered(&window, &c.text)) {
            if got.chunks.iter().any(|k| k.candidate == *c) {
                continue;
            }
            let clashes = got
                .chunks
                .iter()
                .any(|k| k.candidate.overlaps(c) || k.candidate.text == c.text);
            let cost = words(&c.text) + words(&c.path) + budgets.per_chunk_overhead;
            let too_big = total + cost > budgets.total
                || got.tokens_of(c.source) + cost > budgets.for_source(c.source);
            assert!(clashes || too_big, "{context}: {c:?} fits but was left out");
        }
    }
}
