//! The delivery records of `hooksig listen` (SQLite), and `hooksig deliveries`,
//! which lists them.
//!
//! A record keeps the request as received (header lines and body bytes, never
//! re-encoded) so `hooksig replay` can send it again exactly; the rest is what
//! the listener concluded. The file holds webhook payloads: it is created
//! readable by its owner only.

use std::sync::Mutex;

use clap::Args;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::Exit;

/// The file `listen` records into unless told otherwise.
pub(crate) const DEFAULT_STORE: &str = "hooksig-deliveries.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    received_ms INTEGER NOT NULL,      -- Unix milliseconds
    answered_ms INTEGER NOT NULL,
    path TEXT NOT NULL,                -- the request target: path and query
    headers BLOB NOT NULL,             -- the header lines as received, CRLF-terminated
    body BLOB,                         -- as received; NULL when refused unread (over the cap)
    scheme TEXT NOT NULL,              -- the --scheme given to listen (a name or custom JSON)
    webhook_id TEXT,                   -- the verified delivery's id
    event_types TEXT NOT NULL,         -- a JSON array
    verdict TEXT NOT NULL,             -- verified, rejected or duplicate
    code TEXT,                         -- why not verified / not forwarded
    message TEXT,
    diagnosis TEXT,                    -- Verifier::diagnose's sentence
    status INTEGER NOT NULL,           -- what the sender was answered
    upstream_status INTEGER,
    upstream_us INTEGER                -- the upstream's answer time, microseconds
);
PRAGMA user_version = 1;
";

/// What the listener concluded about one delivery.
pub(crate) struct Summary {
    /// The record's id; `None` when not recorded (`--no-store`).
    pub(crate) id: Option<i64>,
    pub(crate) received_ms: i64,
    pub(crate) answered_ms: i64,
    pub(crate) path: String,
    pub(crate) scheme: String,
    pub(crate) webhook_id: Option<String>,
    pub(crate) event_types: Vec<String>,
    pub(crate) verdict: &'static str,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) diagnosis: Option<String>,
    pub(crate) status: u16,
    pub(crate) upstream_status: Option<u16>,
    pub(crate) upstream_us: Option<i64>,
}

/// A delivery as received, with what the listener concluded.
pub(crate) struct Record {
    pub(crate) summary: Summary,
    pub(crate) headers: Vec<u8>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Summary {
    /// The JSON object of `listen --json` and `deliveries --json`.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "received_at": utc_text(self.received_ms),
            "path": self.path,
            "scheme": self.scheme,
            "webhook_id": self.webhook_id,
            "event_types": self.event_types,
            "verdict": self.verdict,
            "code": self.code,
            "message": self.message,
            "diagnosis": self.diagnosis,
            "status": self.status,
            "upstream_status": self.upstream_status,
            "upstream_ms": self.upstream_us.map(|us| us as f64 / 1000.0),
            "duration_ms": self.answered_ms - self.received_ms,
        })
    }

    /// One line (two with a diagnosis) for people: time, record id, scheme,
    /// webhook id, event types, verdict, and what the upstream answered.
    pub(crate) fn to_text(&self) -> String {
        let id = self
            .id
            .map_or_else(|| "-".to_owned(), |id| format!("#{id}"));
        let events = match self.event_types.is_empty() {
            true => "-".to_owned(),
            false => self.event_types.join(","),
        };
        let scheme = match self.scheme.starts_with('{') {
            true => "custom",
            false => self.scheme.as_str(),
        };
        let mut line = format!(
            "{}  {id}  {scheme}  {}  {events}  {}",
            utc_text(self.received_ms),
            self.webhook_id.as_deref().unwrap_or("-"),
            self.verdict
        );
        if let Some(code) = &self.code {
            line.push_str(&format!(" {code}"));
        }
        match (self.upstream_status, self.upstream_us) {
            (Some(status), Some(us)) => line.push_str(&format!(
                "  upstream {status} in {:.1} ms",
                us as f64 / 1000.0
            )),
            _ => line.push_str(&format!("  answered {}", self.status)),
        }
        if let Some(why) = &self.diagnosis {
            line.push_str(&format!("\n    why: {why}"));
        }
        line
    }
}

/// The records file, shared by a listener's threads.
pub(crate) struct Store {
    connection: Mutex<Connection>,
}

impl Store {
    /// Opens `path` for recording, creating it (owner-only) and its table.
    pub(crate) fn create(path: &str) -> Result<Store, Exit> {
        let cannot = |e: &dyn std::fmt::Display| {
            Exit::usage(format!("cannot open the delivery records {path}: {e}"))
        };
        create_private(path).map_err(|e| cannot(&e))?;
        let connection = Connection::open(path).map_err(|e| cannot(&e))?;
        // WAL: `hooksig deliveries` can read while the listener writes, and a
        // delivery's insert costs no fsync of its own (synchronous=NORMAL).
        connection
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .and_then(|()| connection.execute_batch(SCHEMA))
            .map_err(|e| cannot(&e))?;
        Store::ready(connection).map_err(|e| cannot(&e))
    }

    /// Opens an existing records file.
    pub(crate) fn open(path: &str) -> Result<Store, Exit> {
        let cannot = |e: &dyn std::fmt::Display| {
            Exit::usage(format!("cannot read the delivery records {path}: {e}"))
        };
        if !std::path::Path::new(path).is_file() {
            return Err(cannot(
                &"no such file (hooksig listen --store FILE writes it)",
            ));
        }
        let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(|e| cannot(&e))?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| cannot(&e))?;
        if version != 1 {
            return Err(cannot(&"not a hooksig delivery records file"));
        }
        Store::ready(connection).map_err(|e| cannot(&e))
    }

    fn ready(connection: Connection) -> rusqlite::Result<Store> {
        // A reader and the listener may meet on the lock; wait rather than fail.
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Store {
            connection: Mutex::new(connection),
        })
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // An insert is one statement: a panic elsewhere leaves nothing half done.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a delivery and returns its id.
    pub(crate) fn insert(&self, record: &Record) -> rusqlite::Result<i64> {
        let s = &record.summary;
        let connection = self.connection();
        connection.execute(
            "INSERT INTO deliveries (received_ms, answered_ms, path, headers, body, scheme,
                 webhook_id, event_types, verdict, code, message, diagnosis, status,
                 upstream_status, upstream_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                s.received_ms,
                s.answered_ms,
                s.path,
                record.headers,
                record.body,
                s.scheme,
                s.webhook_id,
                serde_json::Value::from(s.event_types.clone()).to_string(),
                s.verdict,
                s.code,
                s.message,
                s.diagnosis,
                s.status,
                s.upstream_status,
                s.upstream_us,
            ],
        )?;
        Ok(connection.last_insert_rowid())
    }

    /// The latest `limit` records, newest first; `failed`: only those not
    /// verified and answered 2xx by the upstream.
    pub(crate) fn list(&self, limit: u32, failed: bool) -> rusqlite::Result<Vec<Summary>> {
        let filter = match failed {
            true => {
                "WHERE verdict = 'rejected' OR (verdict = 'verified' AND
                     (upstream_status IS NULL OR upstream_status NOT BETWEEN 200 AND 299))"
            }
            false => "",
        };
        let connection = self.connection();
        let mut statement = connection.prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM deliveries {filter} ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = statement.query_map([limit], summary_of)?;
        rows.collect()
    }

    /// The record `id`, headers and body included.
    pub(crate) fn load(&self, id: i64) -> Result<Record, Exit> {
        self.connection()
            .query_row(
                &format!("SELECT {SUMMARY_COLUMNS}, headers, body FROM deliveries WHERE id = ?1"),
                [id],
                |row| {
                    Ok(Record {
                        summary: summary_of(row)?,
                        headers: row.get(14)?,
                        body: row.get(15)?,
                    })
                },
            )
            .optional()
            .map_err(|e| Exit::usage(format!("cannot read delivery {id}: {e}")))?
            .ok_or_else(|| Exit::usage(format!("no delivery {id} in the records")))
    }
}

const SUMMARY_COLUMNS: &str = "id, received_ms, answered_ms, path, scheme, webhook_id, event_types,
    verdict, code, message, diagnosis, status, upstream_status, upstream_us";

fn summary_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<Summary> {
    let event_types: String = row.get(6)?;
    let verdict: String = row.get(7)?;
    Ok(Summary {
        id: row.get(0)?,
        received_ms: row.get(1)?,
        answered_ms: row.get(2)?,
        path: row.get(3)?,
        scheme: row.get(4)?,
        webhook_id: row.get(5)?,
        event_types: serde_json::from_str(&event_types).unwrap_or_default(),
        verdict: match verdict.as_str() {
            "verified" => "verified",
            "duplicate" => "duplicate",
            _ => "rejected",
        },
        code: row.get(8)?,
        message: row.get(9)?,
        diagnosis: row.get(10)?,
        status: row.get(11)?,
        upstream_status: row.get(12)?,
        upstream_us: row.get(13)?,
    })
}

/// Creates the file readable and writable by its owner only (SQLite's
/// journal files take the same mode); an existing file is left as it is.
fn create_private(path: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// `2026-01-31T23:59:59Z` for Unix milliseconds (UTC, whole seconds).
pub(crate) fn utc_text(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let (days, second) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days: the proleptic Gregorian date of a day number.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second / 3600,
        second / 60 % 60,
        second % 60
    )
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[derive(Args)]
pub(crate) struct DeliveriesArgs {
    /// The records file `hooksig listen` wrote.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_STORE)]
    store: String,
    /// Print one JSON array of objects (id, received_at, path, scheme, webhook_id,
    /// event_types, verdict, code, message, diagnosis, status, upstream_status, upstream_ms,
    /// duration_ms).
    #[arg(long)]
    json: bool,
    /// Show at most this many, newest first.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Only deliveries that were rejected, or verified but not answered 2xx by the upstream.
    #[arg(long)]
    failed: bool,
}

/// `hooksig deliveries`: the records, newest first.
pub(crate) fn run_deliveries(args: DeliveriesArgs) -> Result<(), Exit> {
    let store = Store::open(&args.store)?;
    let records = store.list(args.limit, args.failed).map_err(|e| {
        Exit::usage(format!(
            "cannot read the delivery records {}: {e}",
            args.store
        ))
    })?;
    if args.json {
        let array: Vec<serde_json::Value> = records.iter().map(Summary::to_json).collect();
        println!("{}", serde_json::Value::from(array));
    } else {
        for record in &records {
            println!("{}", record.to_text());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_text_of_known_instants() {
        assert_eq!(utc_text(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_text(1_700_000_000_999), "2023-11-14T22:13:20Z");
        assert_eq!(utc_text(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(utc_text(-1000), "1969-12-31T23:59:59Z");
    }
}
