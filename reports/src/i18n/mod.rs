//! Translations of the people-facing reports (HTML, Markdown), with Fluent so plurals
//! follow each language's rules: French uses the singular for 0 and 1 ("0 problème"),
//! English only for 1.

use crate::model::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::{Arc, OnceLock};

const FR: &str = include_str!("fr.ftl");
const EN: &str = include_str!("en.ftl");

/// A loaded catalogue for one language. Cheap to clone.
#[derive(Clone)]
pub struct Translator {
    bundle: Arc<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Translator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Translator").finish_non_exhaustive()
    }
}

fn build(lang: Lang) -> Translator {
    let (tag, src) = match lang {
        Lang::Fr => ("fr", FR),
        Lang::En => ("en", EN),
    };
    let langid: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Without this, every placeable is wrapped in U+2068/U+2069 isolation marks,
    // which show up in HTML and Markdown.
    bundle.set_use_isolating(false);
    // The catalogues are compiled in and covered by tests; a syntax error there keeps
    // the messages that did parse.
    let res = match FluentResource::try_new(src.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let _ = bundle.add_resource(res);
    Translator {
        bundle: Arc::new(bundle),
    }
}

impl Translator {
    /// The catalogue of `lang` (built once per process).
    pub fn get(lang: Lang) -> Translator {
        static FR_T: OnceLock<Translator> = OnceLock::new();
        static EN_T: OnceLock<Translator> = OnceLock::new();
        match lang {
            Lang::Fr => FR_T.get_or_init(|| build(Lang::Fr)).clone(),
            Lang::En => EN_T.get_or_init(|| build(Lang::En)).clone(),
        }
    }

    /// The message `key` with arguments; the key itself when it is missing.
    pub fn tr(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some(msg) = self.bundle.get_message(key) else {
            return key.to_string();
        };
        let Some(pattern) = msg.value() else {
            return key.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }

    /// The message `key` without arguments.
    pub fn t(&self, key: &str) -> String {
        self.tr(key, &[])
    }

    /// The message `key` with one number `n`.
    pub fn n(&self, key: &str, n: usize) -> String {
        self.tr(key, &[("n", FluentValue::from(n))])
    }

    /// True when the catalogue has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }
}

/// A date `YYYY-MM-DD` written out ("28 novembre 2026", "28 November 2026"); other
/// strings are returned as they are.
pub fn long_date(date: &str, lang: Lang) -> String {
    let parts: Vec<&str> = date.get(..10).unwrap_or(date).split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return date.to_string();
    };
    let Ok(m) = m.parse::<usize>() else {
        return date.to_string();
    };
    let Ok(d) = d.parse::<u32>() else {
        return date.to_string();
    };
    const FR_M: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN_M: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let names = match lang {
        Lang::Fr => FR_M,
        Lang::En => EN_M,
    };
    match names.get(m.wrapping_sub(1)) {
        Some(name) if lang == Lang::Fr && d == 1 => format!("1er {name} {y}"),
        Some(name) => format!("{d} {name} {y}"),
        None => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_each_language() {
        let fr = Translator::get(Lang::Fr);
        assert_eq!(fr.n("count-problems", 0), "0 problème");
        assert_eq!(fr.n("count-problems", 1), "1 problème");
        assert_eq!(fr.n("count-problems", 2), "2 problèmes");
        let en = Translator::get(Lang::En);
        assert_eq!(en.n("count-problems", 0), "0 problems");
        assert_eq!(en.n("count-problems", 1), "1 problem");
    }

    #[test]
    fn catalogues_have_the_same_keys_and_parse() {
        let keys = |src: &str| -> Vec<String> {
            let res = FluentResource::try_new(src.to_string());
            assert!(res.is_ok(), "catalogue does not parse");
            src.lines()
                .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|l| l.split(" =").next())
                .map(str::to_string)
                .collect()
        };
        assert_eq!(keys(FR), keys(EN));
    }

    #[test]
    fn dates() {
        assert_eq!(long_date("2026-11-28", Lang::Fr), "28 novembre 2026");
        assert_eq!(long_date("2026-03-01", Lang::Fr), "1er mars 2026");
        assert_eq!(long_date("2026-11-28", Lang::En), "28 November 2026");
        assert_eq!(long_date("soon", Lang::En), "soon");
    }
}
