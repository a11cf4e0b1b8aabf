//! Field names and types of one scenario file, with every problem reported at once.
//!
//! serde stops at the first error. To report them all, each `[scenario]`, `[model]` and
//! array element is checked on its own, and a table with an error is checked again without
//! the offending key, so one typo does not hide the next. What remains (unknown top-level
//! tables, a section of the wrong type) is checked against the whole file's schema.

use super::raw::{
    RawBuyer, RawChip, RawFile, RawHeader, RawModel, RawPolicy, RawSupply, RawSweep, RawTarget,
};
use serde::de::DeserializeOwned;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// Most type errors reported for one table; a table with more is mostly not a scenario.
const MAX_PER_TABLE: usize = 20;

/// Every field-name and field-type error in a parsed document, in file order.
pub fn check(doc: &Spanned<DeTable<'_>>) -> Vec<toml::de::Error> {
    let mut errors = Vec::new();
    let mut root = doc.get_ref().clone();
    for (key, value) in root.iter_mut() {
        match key.get_ref().as_ref() {
            "scenario" => table::<RawHeader>(value, &mut errors),
            "model" => table::<RawModel>(value, &mut errors),
            "chip" => elements::<RawChip>(value, &mut errors),
            "supply" => elements::<RawSupply>(value, &mut errors),
            "buyer" => elements::<RawBuyer>(value, &mut errors),
            "policy" => elements::<RawPolicy>(value, &mut errors),
            "target" => elements::<RawTarget>(value, &mut errors),
            "sweep" => elements::<RawSweep>(value, &mut errors),
            _ => {}
        }
    }
    prune::<RawFile>(doc.span(), &mut root, &mut errors);
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    errors
}

fn table<T: DeserializeOwned>(value: &mut Spanned<DeValue<'_>>, errors: &mut Vec<toml::de::Error>) {
    let span = value.span();
    if let DeValue::Table(t) = value.get_mut() {
        prune::<T>(span, t, errors);
    }
}

fn elements<T: DeserializeOwned>(
    value: &mut Spanned<DeValue<'_>>,
    errors: &mut Vec<toml::de::Error>,
) {
    if let DeValue::Array(items) = value.get_mut() {
        for item in items.iter_mut() {
            table::<T>(item, errors);
        }
    }
}

/// Deserializes `table` as a `T`; on an error, records it, removes the key it is in and
/// tries again, until the rest deserializes.
fn prune<T: DeserializeOwned>(
    span: Range<usize>,
    table: &mut DeTable<'_>,
    errors: &mut Vec<toml::de::Error>,
) {
    for _ in 0..MAX_PER_TABLE {
        let value = Spanned::new(span.clone(), DeValue::Table(table.clone()));
        let Err(e) = T::deserialize(ValueDeserializer::from(value)) else {
            return;
        };
        let culprit = e.span().and_then(|at| {
            table
                .iter()
                .find(|(k, v)| contains(&k.span(), &at) || contains(&v.span(), &at))
                .map(|(k, _)| k.get_ref().to_string())
        });
        errors.push(e);
        match culprit {
            Some(key) => {
                table.remove(key.as_str());
            }
            None => return,
        }
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end.max(outer.start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        let doc = DeTable::parse(text).unwrap();
        check(&doc)
            .iter()
            .map(|e| e.message().lines().next().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn reports_every_error_in_a_file() {
        let text = "[scenario]\nnmae = 'x'\nruns = 'many'\n[[chip]]\nid = 'a'\nbf16_tflops = 'fast'\nvendr = 'v'\n[[chip]]\nid = 5\n[chips]\nx = 1\n";
        let m = messages(text);
        assert_eq!(m.len(), 6, "{m:?}");
        assert!(m[0].starts_with("unknown field `nmae`"), "{m:?}");
        assert!(m[5].starts_with("unknown field `chips`"), "{m:?}");
    }

    #[test]
    fn a_clean_file_has_no_errors() {
        assert!(messages("[scenario]\nname = 'x'\n[[chip]]\nid = 'a'\nprice_usd = { dist = 'uniform', min = 1, max = 2 }\n").is_empty());
    }
}
