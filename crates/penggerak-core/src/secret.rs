//! [`Sensitive<T>`]: a value that must not leak. It has no `Display` and no `Serialize`, and its `Debug`
//! prints `<redacted>`, so a token cannot end up in a log line, a panic message or an IPC payload by
//! accident. Reading it takes an explicit [`Sensitive::expose`].

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself. Every call site is a place where the secret leaves this wrapper: keep them few.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Sensitive(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Sensitive::new("token-abc".to_string());
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)", "nested Debug is redacted too");
        assert_eq!(s.expose(), "token-abc");
    }
}
