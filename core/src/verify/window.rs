//! The timestamp window: a signed Unix time, read strictly, within the
//! tolerance either way of now.

use crate::error::{Error, Result};

pub(crate) fn check_window(timestamp: i64, now: i64, tolerance: u64) -> Result<()> {
    let offset = i128::from(now) - i128::from(timestamp);
    let clamp = |v: i128| u64::try_from(v).unwrap_or(u64::MAX);
    if offset > i128::from(tolerance) {
        Err(Error::TimestampTooOld {
            age: clamp(offset),
            tolerance,
        })
    } else if -offset > i128::from(tolerance) {
        Err(Error::TimestampInFuture {
            ahead: clamp(-offset),
            tolerance,
        })
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Timestamp<'a> {
    pub value: i64,
    pub raw: &'a [u8],
}

pub(crate) fn parse_timestamp<'a>(header: &str, raw: &'a [u8]) -> Result<Timestamp<'a>> {
    if raw.is_empty() || raw.len() > 19 || !raw.iter().all(u8::is_ascii_digit) {
        return Err(Error::malformed(
            header,
            "expected a Unix time in seconds (up to 19 decimal digits)",
        ));
    }
    let value = std::str::from_utf8(raw)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| Error::malformed(header, "the Unix time does not fit in 64 bits"))?;
    Ok(Timestamp { value, raw })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_symmetric_and_overflow_safe() {
        assert!(check_window(1000, 1300, 300).is_ok());
        assert!(check_window(1300, 1000, 300).is_ok());
        assert_eq!(
            check_window(999, 1300, 300).unwrap_err().code(),
            "timestamp_too_old"
        );
        assert_eq!(
            check_window(1301, 1000, 300).unwrap_err().code(),
            "timestamp_in_future"
        );
        assert_eq!(
            check_window(i64::MAX, i64::MIN, u64::MAX).map_err(|e| e.code()),
            Ok(())
        );
        assert_eq!(
            check_window(i64::MIN, i64::MAX, 0).unwrap_err().code(),
            "timestamp_too_old"
        );
    }

    #[test]
    fn timestamps_parse_strictly() {
        assert_eq!(
            parse_timestamp("T", b"1700000000").unwrap().value,
            1_700_000_000
        );
        for bad in [
            &b""[..],
            b"-1",
            b"+1",
            b"1e9",
            b"12345678901234567890",
            b"9999999999999999999",
            b"\xff",
        ] {
            assert_eq!(
                parse_timestamp("T", bad).unwrap_err().code(),
                "malformed_header"
            );
        }
    }
}
