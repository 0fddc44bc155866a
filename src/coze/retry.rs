//! How long to wait before sending a request again: the server's `Retry-After` when it gives
//! one, else a delay that doubles with each retry; each wait capped, and all of them together.
//! Whether a request may be sent again at all is the endpoint's policy (`send`).
//!
//! A `429` is about the token, not the request: [`Gate`] makes every request of a client (and
//! of its clones, on any thread) wait out the pause one of them was asked for.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A pause shared by every request of a client: after a `429`, no request of the client is
/// sent until the wait it asked for is over.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// Requests wait until then.
    until: Mutex<Option<Instant>>,
}

impl Gate {
    /// Holds every request back for `wait` from now (a longer pause already set stands).
    pub(crate) fn pause(&self, wait: Duration) {
        let Some(at) = Instant::now().checked_add(wait) else {
            return;
        };
        let mut until = self.until.lock().unwrap_or_else(|e| e.into_inner());
        if until.is_none_or(|u| u < at) {
            *until = Some(at);
        }
    }

    /// Returns once no pause is in force (at once when there is none).
    pub(crate) fn wait(&self) {
        loop {
            let until = *self.until.lock().unwrap_or_else(|e| e.into_inner());
            match until.and_then(|u| u.checked_duration_since(Instant::now())) {
                Some(left) if !left.is_zero() => std::thread::sleep(left),
                _ => return,
            }
        }
    }
}

/// The longest single wait between two attempts, whatever `Retry-After` asks for.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// The most time spent waiting between attempts, all retries together.
pub const MAX_TOTAL_RETRY_WAIT: Duration = Duration::from_secs(60);

/// The wait before retry number `retry` (0 for the first): the server's `Retry-After` if it
/// gave one, else `delay` doubled per retry; never more than [`MAX_RETRY_WAIT`].
pub(crate) fn retry_wait(delay: Duration, retry: u32, retry_after: Option<Duration>) -> Duration {
    retry_after
        .unwrap_or_else(|| delay.saturating_mul(2u32.saturating_pow(retry.min(16))))
        .min(MAX_RETRY_WAIT)
}

/// `Retry-After` as a wait from `now`: a number of seconds, or an HTTP date in the IMF-fixdate
/// form every current server sends (`Wed, 21 Oct 2015 07:28:00 GMT`); a date already past
/// means no wait. Anything else (including the obsolete date forms) is `None`, and the usual
/// backoff applies.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Beyond u64 is still "a long time": the cap applies, not the backoff.
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = UNIX_EPOCH + Duration::from_secs(http_date(value)?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Seconds since the Unix epoch of an IMF-fixdate (RFC 9110, section 5.6.7).
fn http_date(value: &str) -> Option<u64> {
    let rest = value.split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let (day, month, year, time, zone) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || zone != "GMT" || day.len() != 2 || year.len() != 4 {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let number = |text: &str| -> Option<u64> {
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())
            .flatten()
    };
    let (day, year) = (number(day)?, number(year)?);
    let mut hms = time.split(':');
    let (h, m, sec) = (
        number(hms.next()?)?,
        number(hms.next()?)?,
        number(hms.next()?)?,
    );
    if hms.next().is_some()
        || year < 1970
        || !(1..=31).contains(&day)
        || h > 23
        || m > 59
        || sec > 60
    {
        return None;
    }
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil, for years ≥ 1970).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3_600 + m * 60 + sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gate_holds_every_waiter_until_the_longest_pause_is_over() {
        let gate = std::sync::Arc::new(Gate::default());
        let start = Instant::now();
        gate.wait();
        gate.pause(Duration::from_millis(300));
        gate.pause(Duration::from_millis(10));
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let gate = std::sync::Arc::clone(&gate);
                std::thread::spawn(move || {
                    gate.wait();
                    Instant::now()
                })
            })
            .collect();
        for waiter in waiters {
            let done = waiter.join().expect("waiter");
            assert!(done.duration_since(start) >= Duration::from_millis(300));
        }
    }

    #[test]
    fn retry_waits_double_and_are_capped() {
        let d = Duration::from_millis(500);
        assert_eq!(retry_wait(d, 0, None), Duration::from_millis(500));
        assert_eq!(retry_wait(d, 2, None), Duration::from_secs(2));
        assert_eq!(retry_wait(d, 40, None), MAX_RETRY_WAIT);
        assert_eq!(
            retry_wait(d, 0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        let now = SystemTime::now();
        assert_eq!(
            retry_wait(d, 0, parse_retry_after("86400", now)),
            MAX_RETRY_WAIT
        );
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(
            retry_wait(d, 0, parse_retry_after("99999999999999999999999", now)),
            MAX_RETRY_WAIT
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn retry_after_dates_are_waits_from_now() {
        // 2015-10-21T07:28:00Z, and the day before.
        let at = UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            http_date("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(1_445_412_480)
        );
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            http_date("Tue, 29 Feb 2000 23:59:59 GMT"),
            Some(951_868_799)
        );
        let before = at - Duration::from_secs(90);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", before),
            Some(Duration::from_secs(90))
        );
        let after = at + Duration::from_secs(5);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", after),
            Some(Duration::ZERO)
        );
        for bad in [
            "Wed, 21 Oct 2015 07:28:00 UTC",
            "Wed, 21 Okt 2015 07:28:00 GMT",
            "Wed, 1 Oct 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015 7:28 GMT",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
            "Wed, 21 Oct 1969 07:28:00 GMT",
            "Wed, 99 Oct 2015 07:28:00 GMT",
            "Wed, 21 Oct +015 07:28:00 GMT",
            "Wed, 21 Oct 2015 07:28:00 GMT x",
            "",
        ] {
            assert_eq!(http_date(bad), None, "{bad}");
        }
    }
}
