//! The form's languages: one message table per language (`templates/html/i18n/<lang>.json`),
//! and the choice of a language for a workflow.
//!
//! A table maps a key to a message whose arguments are `{name}` placeholders. Keys say where a
//! message is used: `page.*` and `form.*` by the templates, `chip.*`, `coze.*` and `noun.*` by
//! `super::human` (a noun is `one|many`, or one form for both), `js.*` by the script (and
//! `js.emptyText` by the template too), which receives those in its JSON model and fills the
//! placeholders itself. The tables
//! are checked for completeness by the tests: every key in every language, every key used.

use crate::ir::Workflow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A language the form can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English (`en`).
    En,
    /// Simplified Chinese (`zh-CN`), as on coze.cn.
    ZhCn,
}

impl Lang {
    /// Every language, in the order `--help` lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag: `<html lang>`, and the name of the message table.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language with this tag (`en`, `zh-CN`; case-insensitive, `_` for `-` accepted).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.replace('_', "-");
        Lang::ALL
            .into_iter()
            .find(|lang| lang.tag().eq_ignore_ascii_case(&tag))
    }

    /// The message table's source text.
    pub fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../../templates/html/i18n/en.json"),
            Lang::ZhCn => include_str!("../../../templates/html/i18n/zh-CN.json"),
        }
    }

    /// The message table.
    pub(super) fn messages(self) -> &'static Messages {
        static TABLES: [OnceLock<Messages>; 2] = [OnceLock::new(), OnceLock::new()];
        let slot = match self {
            Lang::En => &TABLES[0],
            Lang::ZhCn => &TABLES[1],
        };
        slot.get_or_init(|| Messages {
            lang: self,
            table: serde_json::from_str(self.source())
                .expect("the message tables are flat JSON objects of strings (tested)"),
        })
    }
}

/// The language of the form for `workflow`: Chinese when its own words are mainly Chinese.
///
/// The words are the workflow's name and description and the descriptions of every start
/// parameter (at any depth). They are mainly Chinese when they hold at least one Han character
/// and at least as many Han characters as Latin words (runs of ASCII letters): a Han character
/// carries about as much as a short English word, and an English term in a Chinese sentence
/// ("调用 API 获取 URL") or a Latin identifier as the name (`workflow_image`) does not outvote
/// the sentence around it. Anything else, including no words at all, is English.
pub fn detect(workflow: &Workflow) -> Lang {
    let details = &workflow.details;
    let texts = [details.name.as_deref(), details.description.as_deref()]
        .into_iter()
        .flatten()
        .chain(
            workflow
                .input
                .objects
                .iter()
                .flat_map(|o| o.fields.iter())
                .filter_map(|f| f.description.as_deref()),
        );
    let (mut han, mut words) = (0usize, 0usize);
    for text in texts {
        let mut in_word = false;
        for c in text.chars() {
            let letter = c.is_ascii_alphabetic();
            if letter && !in_word {
                words += 1;
            }
            in_word = letter;
            if is_han(c) {
                han += 1;
            }
        }
    }
    if han > 0 && han >= words {
        Lang::ZhCn
    } else {
        Lang::En
    }
}

/// CJK Unified Ideographs, their extension A, and the compatibility ideographs.
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// One language's messages.
pub(super) struct Messages {
    pub lang: Lang,
    pub table: BTreeMap<String, String>,
}

impl Messages {
    /// The message `key`. Every language has every key, and every key used is in the tables
    /// (tested); one missing all the same falls back to English, then to nothing.
    pub fn get(&self, key: &str) -> &str {
        match self.table.get(key) {
            Some(message) => message,
            None if self.lang != Lang::En => Lang::En.messages().get(key),
            None => "",
        }
    }

    /// The message `key` with its `{name}` placeholders filled in from `args`.
    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        let message = self.get(key);
        let mut out = String::with_capacity(message.len() + 16);
        let mut rest = message;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let arg = after
                .find('}')
                .and_then(|close| args.iter().find(|(name, _)| *name == &after[..close]));
            match arg {
                Some((name, value)) => {
                    out.push_str(value);
                    rest = &after[name.len() + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A noun's one and many forms (`noun.text` → "text", "texts").
    pub fn noun(&self, key: &str) -> (&str, &str) {
        let both = self.get(key);
        both.split_once('|').unwrap_or((both, both))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_tables_parse() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
            assert!(lang.messages().table.len() > 50);
        }
        assert_eq!(Lang::from_tag("zh_cn"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_tag("fr"), None);
    }

    #[test]
    fn placeholders_are_filled_by_name_and_others_kept() {
        let en = Lang::En.messages();
        assert_eq!(
            en.format("js.integerRange", &[("min", "1"), ("max", "9")]),
            "Enter a whole number from 1 to 9."
        );
        assert_eq!(
            en.format("js.fileHint", &[]),
            "Enter an http(s) URL, a file_id, or {\"file_id\": \"…\"}."
        );
        assert_eq!(en.noun("noun.image"), ("image file", "image files"));
        assert_eq!(Lang::ZhCn.messages().noun("noun.image"), ("图片", "图片"));
    }
}
