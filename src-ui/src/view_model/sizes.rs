//! Byte counts (a download's size, the data a sync used) as a phone's data settings show them, with the
//! language's decimal separator.

use crate::i18n::{td_string, Locale};

/// A byte count as a phone's data settings show it (decimal units): `850 B`, `12,3 KB`, `1,2 MB`
/// (`12.3 KB` in English), the number and its unit joined by a no-break space (a narrow screen never
/// leaves "19,1" at a line's end and "KB" on the next).
pub fn bytes_label(l: Locale, n: u64) -> String {
    unbroken(&bytes_words(l, n))
}

/// `text` with its spaces made no-break spaces.
fn unbroken(text: &str) -> String {
    text.replace(' ', "\u{a0}")
}

fn bytes_words(l: Locale, n: u64) -> String {
    if n < 1_000 {
        return td_string!(l, size_b, n = n).to_string();
    }
    let n = u128::from(n);
    let units = [1_000u128, 1_000_000, 1_000_000_000];
    for (i, &size) in units.iter().enumerate() {
        let whole = (n + size / 2) / size;
        // 999,96 KB reads as 1 MB, not 1000 KB.
        if whole >= 1_000 && i + 1 < units.len() {
            continue;
        }
        let number = if whole >= 100 {
            whole.to_string()
        } else {
            // One decimal, rounded half up, in integers (no float formatting to differ between platforms).
            let tenths = (n * 10 + size / 2) / size;
            match tenths % 10 {
                0 => (tenths / 10).to_string(),
                t => format!("{}{}{t}", tenths / 10, td_string!(l, decimal_separator)),
            }
        };
        return match i {
            0 => td_string!(l, size_kb, n = number).to_string(),
            1 => td_string!(l, size_mb, n = number).to_string(),
            _ => td_string!(l, size_gb, n = number).to_string(),
        };
    }
    unreachable!("the last unit takes any size")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: Locale = Locale::id;
    const EN: Locale = Locale::en;

    /// The label with its no-break spaces shown as spaces.
    fn words(l: Locale, n: u64) -> String {
        bytes_label(l, n).replace('\u{a0}', " ")
    }

    #[test]
    fn bytes_read_like_a_phones_data_settings_in_each_language() {
        assert_eq!(bytes_label(ID, 19_100), "19,1\u{a0}KB", "number and unit never split across lines");
        assert_eq!(words(ID, 0), "0 B");
        assert_eq!(words(ID, 999), "999 B");
        assert_eq!(words(ID, 1_000), "1 KB", "a whole number has no decimal");
        assert_eq!(words(ID, 12_345), "12,3 KB", "Indonesian decimal comma");
        assert_eq!(words(EN, 12_345), "12.3 KB", "English decimal point");
        assert_eq!(words(ID, 12_960), "13 KB", "12.96 rounds to a whole 13.0, shown without the .0");
        assert_eq!(words(ID, 150_400), "150 KB", "three digits need no decimal");
        assert_eq!(words(ID, 999_960), "1 MB", "rounds into the next unit, never \"1000 KB\"");
        assert_eq!(words(ID, 999_400), "999 KB");
        assert_eq!(words(ID, 1_250_000), "1,3 MB", "half rounds up");
        assert_eq!(words(EN, 3_400_000_000), "3.4 GB");
        assert_eq!(words(EN, u64::MAX), "18446744074 GB", "the largest count neither overflows nor panics");
    }
}
