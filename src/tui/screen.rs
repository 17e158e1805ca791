//! The wizard's screens, in walkthrough order, and the engine step each one runs.

use crate::engine::Step;
use crate::i18n::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Screen {
    Welcome,
    Role,
    User,
    Keys,
    Ec2,
    Lambda,
    TryIt,
    Rollback,
}

impl Screen {
    pub const ALL: [Screen; 8] = [
        Screen::Welcome,
        Screen::Role,
        Screen::User,
        Screen::Keys,
        Screen::Ec2,
        Screen::Lambda,
        Screen::TryIt,
        Screen::Rollback,
    ];
    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
    pub fn at(i: usize) -> Screen {
        Screen::ALL[i.min(Screen::ALL.len() - 1)]
    }
    pub fn has_form(self) -> bool {
        matches!(
            self,
            Screen::Role | Screen::User | Screen::Ec2 | Screen::Lambda
        )
    }
    /// The engine step whose events belong to this screen.
    pub fn step(self) -> Option<Step> {
        match self {
            Screen::Role => Some(Step::Role),
            Screen::User | Screen::Keys => Some(Step::UserGroup),
            Screen::Ec2 => Some(Step::Ec2),
            Screen::Lambda => Some(Step::BucketLambda),
            Screen::Rollback => Some(Step::Rollback),
            _ => None,
        }
    }
    pub fn title(self) -> Text {
        match self {
            Screen::Welcome => Text::fixed("Bienvenida", "Welcome"),
            Screen::Role => Text::fixed("Rol", "Role"),
            Screen::User => Text::fixed("Usuario", "User"),
            Screen::Keys => Text::fixed("Claves", "Keys"),
            Screen::Ec2 => Text::fixed("EC2", "EC2"),
            Screen::Lambda => Text::fixed("Lambda", "Lambda"),
            Screen::TryIt => Text::fixed("Probar", "Try it"),
            Screen::Rollback => Text::fixed("Deshacer", "Rollback"),
        }
    }
}
