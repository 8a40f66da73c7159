//! Which context sources a model gets.
//!
//! A small model does not use every kind of context the way a larger one does. On the
//! development corpus (README, "Repository context") the 0.5B model with definition chunks in
//! its prompt copied their lines or was thrown off by them, and got fewer answers right than
//! with similar code alone; the 1.5B model gained from them. So below a parameter count the
//! `definitions` source is left out.

use super::candidate::Source;

/// The sources named in `listed` (unknown names ignored, each once, in the listed order),
/// without `definitions` and `outline` when the model is known to have fewer than
/// `definitions_min_params` parameters. A model of unknown size keeps them: the setting is
/// about small models, and most servers that do not report a size serve larger ones.
pub fn sources_for_model(
    listed: &[String],
    definitions_min_params: u64,
    parameters: Option<u64>,
) -> Vec<Source> {
    let small = too_small_for_definitions(definitions_min_params, parameters);
    let mut chosen = Vec::new();
    for source in listed.iter().filter_map(|name| Source::from_name(name)) {
        let signatures = matches!(source, Source::Definitions | Source::Outline);
        if (small && signatures) || chosen.contains(&source) {
            continue;
        }
        chosen.push(source);
    }
    chosen
}

/// Whether a model of `parameters` parameters (where known) is below `definitions_min_params`.
pub fn too_small_for_definitions(definitions_min_params: u64, parameters: Option<u64>) -> bool {
    parameters.is_some_and(|p| p < definitions_min_params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_model_below_the_threshold_gets_no_definitions() {
        let all = names(&["definitions", "similar", "recent", "outline"]);
        let billion = 1_000_000_000;
        // parameters, threshold, expected sources
        let table: &[(Option<u64>, u64, &[Source])] = &[
            (
                Some(630_167_424),
                billion,
                &[Source::Similar, Source::Recent],
            ),
            (Some(1_777_088_000), billion, &Source::ALL),
            (None, billion, &Source::ALL),
            (Some(630_167_424), 0, &Source::ALL),
        ];
        for (parameters, threshold, want) in table {
            assert_eq!(
                sources_for_model(&all, *threshold, *parameters),
                *want,
                "{parameters:?} parameters, threshold {threshold}"
            );
        }
    }

    #[test]
    fn listed_order_is_kept_and_unknown_or_repeated_names_are_dropped() {
        let listed = names(&["recent", "bogus", "definitions", "recent", "similar"]);
        assert_eq!(
            sources_for_model(&listed, 1_000_000_000, Some(2_000_000_000)),
            [Source::Recent, Source::Definitions, Source::Similar]
        );
    }
}
