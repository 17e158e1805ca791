//! Spanish and English text: the `Lang` switch and the `Text` pair every user-facing string travels in.
//!
//! Why a pair and not a key lookup: a `Text` is built with `tr!(es: …, en: …)`, and a struct literal
//! missing either field does not compile, so a string can never exist in one language only. Rendering
//! always takes the language explicitly, which lets snapshot tests cover both.

use std::borrow::Cow;
use std::fmt;

/// The language of everything pasos says.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Es,
    #[default]
    En,
}

impl Lang {
    /// Spanish when `LANG` (or `LC_ALL`/`LC_MESSAGES`) starts with `es`, English otherwise.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.is_empty()
            {
                return Lang::from_locale(&v);
            }
        }
        Lang::En
    }

    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    /// The other language (F2 in the wizard).
    pub fn toggle(self) -> Lang {
        match self {
            Lang::Es => Lang::En,
            Lang::En => Lang::Es,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "es" => Ok(Lang::Es),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (use es or en)")),
        }
    }
}

/// One message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Text {
    pub es: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Text {
    pub const fn fixed(es: &'static str, en: &'static str) -> Text {
        Text {
            es: Cow::Borrowed(es),
            en: Cow::Borrowed(en),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Es => &self.es,
            Lang::En => &self.en,
        }
    }

    /// Text that is the same in both languages (a name, an ARN, a command).
    pub fn same(s: impl Into<String>) -> Text {
        let s: String = s.into();
        Text {
            es: Cow::Owned(s.clone()),
            en: Cow::Owned(s),
        }
    }

    /// Joins two texts language by language.
    pub fn join(&self, sep: &str, other: &Text) -> Text {
        Text {
            es: Cow::Owned(format!("{}{sep}{}", self.es, other.es)),
            en: Cow::Owned(format!("{}{sep}{}", self.en, other.en)),
        }
    }
}

impl fmt::Display for Text {
    /// Display is English so that `{}` in logs is readable; user-facing output uses `get(lang)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// Builds a [`Text`]. Both languages are required; arguments are `format!` arguments.
///
/// `tr!(es: "Rol {name} creado", en: "Role {name} created")`
#[macro_export]
macro_rules! tr {
    (es: $es:literal, en: $en:literal $(,)?) => {
        $crate::i18n::Text {
            es: ::std::borrow::Cow::Owned(format!($es)),
            en: ::std::borrow::Cow::Owned(format!($en)),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_spanish_only_for_es() {
        assert_eq!(Lang::from_locale("es_MX.UTF-8"), Lang::Es);
        assert_eq!(Lang::from_locale("ES"), Lang::Es);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
    }

    #[test]
    fn tr_formats_both_languages() {
        let name = "alumno";
        let t = tr!(es: "Usuario {name}", en: "User {name}");
        assert_eq!(t.get(Lang::Es), "Usuario alumno");
        assert_eq!(t.get(Lang::En), "User alumno");
    }
}
