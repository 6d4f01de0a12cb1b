//! [`Sensitive<T>`]: a value that must not leak. It has no `Display` and no `Serialize`, and its `Debug`
//! prints `<redacted>`, so a token cannot end up in a log line, a panic message or an IPC payload by
//! accident. Reading it takes an explicit [`Sensitive::expose`]. When dropped it is wiped (`zeroize`: a
//! `String`'s whole buffer, spare capacity included), so a token does not linger in freed memory.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> ZeroizeOnDrop for Sensitive<T> {}

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself. Every call site is a place where the secret leaves this wrapper: keep them few.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
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

    /// A secret that records being wiped (reading freed memory to check would be undefined behaviour).
    struct Watched(std::sync::Arc<std::sync::atomic::AtomicBool>);

    impl Zeroize for Watched {
        fn zeroize(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn dropping_wipes_the_secret() {
        let wiped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s = Sensitive::new(Watched(wiped.clone()));
        assert!(!wiped.load(std::sync::atomic::Ordering::SeqCst), "not before it is dropped");
        drop(s);
        assert!(wiped.load(std::sync::atomic::Ordering::SeqCst), "dropping a Sensitive wipes what it held");
    }
}
