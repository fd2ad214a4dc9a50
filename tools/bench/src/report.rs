//! The one table a run prints, and the JSON file with the same rows and every raw figure.
//!
//! Each row names what was measured, the figure, what it is compared with and the ratio,
//! and the target with whether it was met. Targets are judged on the full run only: the
//! `--quick` sizes say nothing about them. This module must never measure.

use serde::Serialize;

use crate::api::LoadFigure;
use crate::flood::FloodFigure;
use crate::limit::LimitWindow;
use crate::machine::Machine;
use crate::plan::Plan;
use crate::postgres::PostgresFigure;
use crate::proofs::ProofFigure;
use crate::replay::{Fill, ReplayFigure};
use crate::sample::Throughput;
use crate::sled_floor::SledRead;
use crate::writers::WriteFigure;

/// Every figure of a run.
#[derive(Debug, Serialize)]
pub struct Figures {
    /// The fdatasync limit, measured before the first write line and after each one.
    pub limits: Vec<LimitWindow>,
    /// In-place overwrites of a preallocated file with fdatasync (the floor under the
    /// limit for logs that preallocate).
    pub floor: Throughput,
    /// The ledger with 1, 8 and 64 writers.
    pub ledger: Vec<WriteFigure>,
    /// SQLite with 1, 8 and 64 writers.
    pub sqlite: Vec<WriteFigure>,
    /// The result route and the healthz route.
    pub api: Vec<LoadFigure>,
    /// The result route alone, during a flood of past reads, and during 64 writers.
    pub flood: FloodFigure,
    /// Filling the replayed ledger.
    pub fill: Fill,
    /// Replaying it (the second open folds the read model alone).
    pub replay: ReplayFigure,
    /// Replaying it with the past-read checkpoints captured, as `ledger serve` starts.
    pub serve: ReplayFigure,
    /// `?at=` reads at random record counts of the replayed ledger, one client.
    pub past_read: LoadFigure,
    /// PostgreSQL with 1, 8 and 64 writers, or why not.
    pub postgres: PostgresFigure,
    /// Proofs.
    pub proofs: ProofFigure,
    /// sled alone: durable 300-byte inserts, one writer, and the limit around them.
    pub sled_inserts: (Throughput, f64),
    /// sled alone: the writer's inserts per vote on one thread, no sync.
    pub sled_write_path: Throughput,
    /// sled alone: one pass over the replayed ledger's `events` tree.
    pub sled_read: SledRead,
}

impl Figures {
    /// The limit of the run: the mean of every window.
    pub fn limit(&self) -> f64 {
        let sum: f64 = self.limits.iter().map(|w| w.throughput.per_second).sum();
        sum / self.limits.len().max(1) as f64
    }
}

/// A target and whether the run met it (`None`: not judged).
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// The target, in words.
    pub text: String,
    /// Met, missed, or not judged (the table's verdict).
    pub met: Option<bool>,
    /// Whether the figure reaches the target, judged or not (`--quick` sizes say
    /// nothing about the targets, but the JSON still says where the figure stands).
    pub holds: bool,
}

/// One line of the table.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// A stable key (the test checks that every one is present).
    pub key: &'static str,
    /// What was measured.
    pub line: String,
    /// The figure, with its unit.
    pub figure: String,
    /// The figure as a number, in `unit`.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// Ratios to the baselines measured in the same run.
    pub ratios: Vec<(String, f64)>,
    /// Targets.
    pub targets: Vec<Target>,
}

/// One line of the table as the JSON gives it: `name`, `value`, `unit`, `baseline`,
/// `ratio`, `target`, `met` (the format), and the rest of the row beside them.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// What was measured (the table's first column).
    pub name: String,
    /// A stable key for the line.
    pub key: &'static str,
    /// The figure, in `unit`.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// The value of the line's first baseline, in `unit` (`value / ratio`); `None` for a
    /// line compared with nothing.
    pub baseline: Option<f64>,
    /// What that baseline is ("limit around it", "target", ...).
    pub baseline_name: Option<String>,
    /// `value / baseline`.
    pub ratio: Option<f64>,
    /// The line's targets in words, joined by "; "; `None` for a line without one.
    pub target: Option<String>,
    /// Whether every target of the line holds; `None` exactly when it has no target.
    pub met: Option<bool>,
    /// False in a `--quick` run, whose sizes say nothing about the targets.
    pub judged: bool,
    /// The figure as the table prints it.
    pub figure: String,
    /// Every ratio of the line, the first one included.
    pub ratios: Vec<(String, f64)>,
    /// Every target of the line.
    pub targets: Vec<Target>,
}

/// The JSON entries of `rows`, in the table's order.
pub fn results(rows: &[Row], judged: bool) -> Vec<Entry> {
    rows.iter()
        .map(|row| {
            let first = row.ratios.first();
            let ratio = first.map(|(_, r)| *r);
            let baseline = ratio
                .filter(|r| r.is_finite() && *r != 0.0)
                .map(|r| row.value / r);
            let target = (!row.targets.is_empty()).then(|| {
                row.targets
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            Entry {
                name: row.line.clone(),
                key: row.key,
                value: row.value,
                unit: row.unit,
                baseline,
                baseline_name: first.map(|(name, _)| name.clone()),
                ratio,
                met: target
                    .is_some()
                    .then(|| row.targets.iter().all(|t| t.holds)),
                target,
                judged,
                figure: row.figure.clone(),
                ratios: row.ratios.clone(),
                targets: row.targets.clone(),
            }
        })
        .collect()
}

/// The whole report, as the JSON file holds it.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The machine.
    pub machine: Machine,
    /// One entry per line of the table.
    pub results: Vec<Entry>,
    /// The sizes.
    pub plan: Plan,
    /// Every raw figure.
    pub figures: Figures,
    /// Seconds the whole run took.
    pub run_seconds: f64,
    /// The 1-minute load average at the end.
    pub load_at_end: f64,
}

fn target(judge: bool, text: String, met: bool) -> Target {
    Target {
        text,
        met: judge.then_some(met),
        holds: met,
    }
}

/// The p99 of the result reader, in milliseconds.
fn p99_ms(figure: &LoadFigure) -> f64 {
    f64::from(figure.latency.p99_us) / 1000.0
}

fn reader_figure(figure: &LoadFigure) -> String {
    format!(
        "p99 {:.2} ms (p50 {:.2} ms, {} reads, {} errors)",
        p99_ms(figure),
        f64::from(figure.latency.p50_us) / 1000.0,
        figure.ok,
        figure.errors
    )
}

/// The read-load lines: the result reader's p99 alone, during the flood and during the
/// writers, each compared with the reader alone; target 20 ms with no error.
fn flood_rows(judge: bool, f: &FloodFigure) -> Vec<Row> {
    let quiet = p99_ms(&f.quiet).max(0.001);
    let loaded = |key, line: String, reader: &LoadFigure, extra: String, clean: bool, bound| {
        let p99 = p99_ms(reader).max(0.001);
        Row {
            key,
            line,
            figure: format!("{}{extra}", reader_figure(reader)),
            value: p99,
            unit: "ms",
            ratios: vec![("reader alone".to_owned(), p99 / quiet)],
            targets: vec![target(
                judge,
                format!("p99 <= {bound} ms"),
                p99 <= bound && reader.errors == 0 && clean,
            )],
        }
    };
    vec![
        Row {
            key: "result_p99_alone",
            line: format!(
                "read load: GET /v1/rounds/{{id}}/result p99, 1 client alone, {} records",
                f.records
            ),
            figure: reader_figure(&f.quiet),
            value: quiet,
            unit: "ms",
            ratios: vec![],
            targets: vec![],
        },
        loaded(
            "result_p99_flood",
            "read load: result p99 with ?at+digest flood (8 clients, limit off)".into(),
            &f.flooded,
            format!(
                "; flood {:.0} answers/s, {} errors",
                f.flood.per_second, f.flood.errors
            ),
            f.flood.errors == 0,
            20.0,
        ),
        loaded(
            "result_p99_writers",
            "read load: result p99 during 64 writers (durable votes)".into(),
            &f.during_writes,
            format!("; writers {:.0} records/s", f.writes.throughput.per_second),
            true,
            10.0,
        ),
    ]
}

/// "N writer(s), a transaction each".
fn writer_count(figure: &WriteFigure) -> String {
    format!(
        "{} writer{}, a transaction each",
        figure.writers,
        if figure.writers == 1 { "" } else { "s" }
    )
}

fn rate(per_second: f64) -> String {
    format!("{per_second:.0} records/s")
}

fn writes_line(figure: &WriteFigure) -> String {
    let p = figure.throughput.latency;
    format!(
        "{} (p50 {:.2} ms, p99 {:.2} ms)",
        rate(figure.throughput.per_second),
        f64::from(p.p50_us) / 1000.0,
        f64::from(p.p99_us) / 1000.0
    )
}

/// Builds the rows from the figures.
pub fn rows(plan: &Plan, f: &Figures) -> Vec<Row> {
    let judge = !plan.quick;
    let limit = f.limit();
    let ratio_to_limit = |v: f64| vec![("limit".to_owned(), v / limit)];
    let first = f
        .limits
        .first()
        .map(|w| w.throughput.latency)
        .unwrap_or_default();
    let mut rows = vec![Row {
        key: "limit",
        line: format!(
            "limit: 300-byte append + fdatasync, same disk (mean of {} windows)",
            f.limits.len()
        ),
        figure: format!(
            "{} (first window: p50 {:.2} ms, p99 {:.2} ms)",
            rate(limit),
            f64::from(first.p50_us) / 1000.0,
            f64::from(first.p99_us) / 1000.0
        ),
        value: limit,
        unit: "records/s",
        ratios: ratio_to_limit(limit),
        targets: vec![],
    }];
    let at_64 = |lines: &[WriteFigure]| {
        lines
            .iter()
            .find(|s| s.writers == 64)
            .map(|s| s.throughput.per_second)
    };
    let sqlite_64 = at_64(&f.sqlite);
    let postgres_64 = at_64(&f.postgres.lines);
    let sled_alone = f.sled_inserts.0.per_second;
    let sled_per_vote = f.sled_write_path.per_second;
    for (i, figure) in f.ledger.iter().enumerate() {
        let v = figure.throughput.per_second;
        let limit = figure.limit;
        let mut ratios = vec![("limit around it".to_owned(), v / limit)];
        let mut targets = Vec::new();
        let key = ["ledger_1", "ledger_8", "ledger_64"][i.min(2)];
        match figure.writers {
            1 => {
                ratios.push(("sled alone".into(), v / sled_alone));
                targets.push(target(
                    judge,
                    ">= 0.9 x sled alone".into(),
                    v >= 0.9 * sled_alone,
                ));
            }
            64 => {
                ratios.push(("sled's inserts per vote".into(), v / sled_per_vote));
                targets.push(target(
                    judge,
                    ">= 0.75 x sled's inserts per vote".into(),
                    v >= 0.75 * sled_per_vote,
                ));
                if let Some(s) = sqlite_64 {
                    ratios.push(("SQLite 64".into(), v / s));
                    targets.push(target(judge, ">= 4 x SQLite 64".into(), v >= 4.0 * s));
                }
                if let Some(p) = postgres_64 {
                    ratios.push(("PostgreSQL 64".into(), v / p));
                    targets.push(target(judge, ">= 1.5 x PostgreSQL 64".into(), v >= 1.5 * p));
                }
            }
            _ => {}
        }
        rows.push(Row {
            key,
            line: format!(
                "ledger, durable, {} writer{} ({} appends per sync, {:.2} ms per sync)",
                figure.writers,
                if figure.writers == 1 { "" } else { "s" },
                if figure.syncs == 0 {
                    "n/a".to_owned()
                } else {
                    format!(
                        "{:.1}",
                        figure.throughput.count as f64 / figure.syncs as f64
                    )
                },
                figure.sync_micros_mean / 1000.0
            ),
            figure: writes_line(figure),
            value: v,
            unit: "records/s",
            ratios,
            targets,
        });
    }
    let baselines = f.sqlite.iter().enumerate().map(|(i, figure)| {
        (
            ["sqlite_1", "sqlite_8", "sqlite_64"][i.min(2)],
            format!("SQLite WAL synchronous=FULL, {}", writer_count(figure)),
            figure,
        )
    });
    let server = f.postgres.server.as_deref().unwrap_or("");
    let postgres = f.postgres.lines.iter().enumerate().map(|(i, figure)| {
        (
            ["postgres_1", "postgres_8", "postgres_64"][i.min(2)],
            format!(
                "PostgreSQL {server} synchronous_commit=on, {}",
                writer_count(figure)
            ),
            figure,
        )
    });
    for (key, line, figure) in baselines.chain(postgres) {
        rows.push(Row {
            key,
            line,
            figure: writes_line(figure),
            value: figure.throughput.per_second,
            unit: "records/s",
            ratios: vec![(
                "limit around it".to_owned(),
                figure.throughput.per_second / figure.limit,
            )],
            targets: vec![],
        });
    }
    let r = &f.replay;
    rows.push(Row {
        key: "replay_read_verify_decode",
        line: format!(
            "replay: Ledger::open of {} records (read, verify chain, decode, fold state)",
            r.records
        ),
        figure: format!("{} ({:.2} s)", rate(r.open_per_second), r.open_seconds),
        value: r.open_per_second,
        unit: "records/s",
        ratios: vec![("target".into(), r.open_per_second / 1_000_000.0)],
        targets: vec![target(
            judge,
            ">= 1,000,000 records/s".into(),
            r.open_per_second >= 1_000_000.0,
        )],
    });
    // Serve-ready is judged on the open as `ledger serve` makes it (with the past-read
    // checkpoints); the same open folding the read model alone is shown beside it.
    let s = &f.serve;
    let rebuild = s.rebuild_estimate();
    let ready = s.open_folding_seconds;
    rows.push(Row {
        key: "serve_ready",
        line: format!(
            "replay: ledger serve ready on the {} records (open folding every projection and \
             capturing the past-read checkpoints, no snapshot)",
            s.records
        ),
        figure: if s.finished() {
            format!(
                "{ready:.2} s (of which the fold {rebuild:.2} s; without the checkpoints {:.2} \
                 s, fold {:.2} s)",
                r.open_folding_seconds,
                r.rebuild_estimate()
            )
        } else {
            format!(
                "> {ready:.0} s: the fold stopped after {:.0} s at {} of {} records (all of \
                 it > {rebuild:.0} s)",
                s.rebuild_seconds, s.rebuilt, s.records
            )
        },
        value: ready,
        unit: "s",
        ratios: vec![("target".into(), ready / 2.0)],
        targets: vec![target(judge, "<= 2 s".into(), s.finished() && ready <= 2.0)],
    });
    rows.push(Row {
        key: "replay_peak_memory",
        line: "replay: peak resident memory of the open and the read model (VmHWM of the child)"
            .into(),
        figure: format!(
            "{:.0} MiB (after Ledger::open {:.0} MiB; with the past-read checkpoints, as \
             ledger serve: {:.0} MiB){}",
            r.peak_mib,
            r.open_peak_mib,
            s.peak_mib,
            if r.finished() {
                ""
            } else {
                ", rebuild unfinished"
            }
        ),
        value: r.peak_mib,
        unit: "MiB",
        ratios: vec![(
            "sled alone's peak".into(),
            r.peak_mib / f.sled_read.peak_mib.max(f64::EPSILON),
        )],
        targets: vec![target(
            judge,
            "<= 1.3 x sled alone's peak".into(),
            r.finished() && r.peak_mib <= 1.3 * f.sled_read.peak_mib,
        )],
    });
    let past = &f.past_read;
    let past_p99 = p99_ms(past).max(0.001);
    rows.push(Row {
        key: "past_read_p99",
        line: format!(
            "past read: GET /v1/rounds/{{id}}/result?at=N, N random, on the {} records, 1 \
             client",
            r.records
        ),
        figure: reader_figure(past),
        value: past_p99,
        unit: "ms",
        ratios: vec![("target".into(), past_p99 / 5.0)],
        targets: vec![target(
            judge,
            "p99 <= 5 ms".into(),
            past_p99 <= 5.0 && past.errors == 0,
        )],
    });
    let p = &f.proofs;
    rows.push(Row {
        key: "proof_generate",
        line: format!(
            "proofs: inclusion proof generation, tree of {} ({:.1} hashes)",
            p.tree_size, p.proof_hashes
        ),
        figure: format!("{:.2} us", p.generate_us),
        value: p.generate_us,
        unit: "us",
        ratios: vec![("target".into(), p.generate_us / 100.0)],
        targets: vec![target(judge, "<= 100 us".into(), p.generate_us <= 100.0)],
    });
    rows.push(Row {
        key: "proof_verify",
        line: format!(
            "proofs: inclusion proof verification, tree of {}",
            p.tree_size
        ),
        figure: format!("{:.2} us", p.verify_us),
        value: p.verify_us,
        unit: "us",
        ratios: vec![("target".into(), p.verify_us / 20.0)],
        targets: vec![target(judge, "<= 20 us".into(), p.verify_us <= 20.0)],
    });
    let healthz = f.api.iter().find(|a| a.path == "/healthz");
    if let Some(a) = f.api.iter().find(|a| a.path != "/healthz") {
        let p99_ms = f64::from(a.latency.p99_us) / 1000.0;
        let mut ratios = vec![("target".to_owned(), a.per_second / 30_000.0)];
        if let Some(h) = healthz {
            ratios.push((
                "healthz".into(),
                a.per_second / h.per_second.max(f64::EPSILON),
            ));
        }
        rows.push(Row {
            key: "read_api",
            line: format!(
                "read API: GET {} , {} connections, {}",
                a.path,
                a.connections,
                if a.pinned {
                    "server and client on separate cores"
                } else {
                    "NOT pinned"
                }
            ),
            figure: format!(
                "{:.0} requests/s (p50 {:.2} ms, p99 {:.2} ms, {} errors)",
                a.per_second,
                f64::from(a.latency.p50_us) / 1000.0,
                p99_ms,
                a.errors
            ),
            value: a.per_second,
            unit: "requests/s",
            ratios,
            targets: vec![
                target(
                    judge,
                    ">= 30,000 requests/s".into(),
                    a.per_second >= 30_000.0,
                ),
                target(
                    judge,
                    "p99 <= 10 ms".into(),
                    p99_ms <= 10.0 && a.errors == 0,
                ),
            ],
        });
    }
    if let Some(h) = healthz {
        rows.push(Row {
            key: "read_api_healthz",
            line: "diagnostic: GET /healthz on the same server (the framework's ceiling)".into(),
            figure: format!(
                "{:.0} requests/s (p50 {:.2} ms, p99 {:.2} ms)",
                h.per_second,
                f64::from(h.latency.p50_us) / 1000.0,
                f64::from(h.latency.p99_us) / 1000.0
            ),
            value: h.per_second,
            unit: "requests/s",
            ratios: vec![],
            targets: vec![],
        });
    }
    rows.extend(flood_rows(judge, &f.flood));
    rows.push(Row {
        key: "fill_unsynced",
        line: format!(
            "diagnostic: ledger without fsync, {} writers (filling the replayed ledger)",
            f.fill.writers
        ),
        figure: rate(f.fill.per_second),
        value: f.fill.per_second,
        unit: "records/s",
        ratios: ratio_to_limit(f.fill.per_second),
        targets: vec![],
    });
    let (low, high) = f.limits.iter().fold((f64::MAX, 0.0f64), |(lo, hi), w| {
        (
            lo.min(w.throughput.per_second),
            hi.max(w.throughput.per_second),
        )
    });
    rows.push(Row {
        key: "limit_spread",
        line: "diagnostic: the slowest and fastest limit window (how steady the disk was)".into(),
        figure: format!("{} to {}", rate(low), rate(high)),
        value: low,
        unit: "records/s",
        ratios: vec![("fastest".to_owned(), low / high.max(f64::EPSILON))],
        targets: vec![],
    });
    let (sled, sled_limit) = &f.sled_inserts;
    let mut ratios = vec![("limit around it".to_owned(), sled.per_second / sled_limit)];
    if let Some(one) = f.ledger.iter().find(|l| l.writers == 1) {
        ratios.push((
            "ledger 1 writer to it".into(),
            one.throughput.per_second / sled.per_second.max(f64::EPSILON),
        ));
    }
    rows.push(Row {
        key: "sled_insert_floor",
        line: "diagnostic: sled alone, 300-byte insert + flush + fdatasync, 1 writer (the \
               floor under the ledger's 1-writer line)"
            .into(),
        figure: format!(
            "{} (p50 {:.2} ms, p99 {:.2} ms)",
            rate(sled.per_second),
            f64::from(sled.latency.p50_us) / 1000.0,
            f64::from(sled.latency.p99_us) / 1000.0
        ),
        value: sled.per_second,
        unit: "records/s",
        ratios,
        targets: vec![],
    });
    let inserts = &f.sled_write_path;
    let mut ratios = Vec::new();
    if let Some(many) = f.ledger.iter().find(|l| l.writers == 64) {
        ratios.push((
            "ledger 64 writers to it".into(),
            many.throughput.per_second / inserts.per_second.max(f64::EPSILON),
        ));
    }
    rows.push(Row {
        key: "sled_write_path_floor",
        line: "diagnostic: sled alone, the inserts the writer makes per vote (record, stream, \
               command, Merkle hashes), one thread, no sync (the floor under the 64-writer \
               line)"
            .into(),
        figure: rate(inserts.per_second),
        value: inserts.per_second,
        unit: "records/s",
        ratios,
        targets: vec![],
    });
    let read = &f.sled_read;
    rows.push(Row {
        key: "sled_read_floor",
        line: format!(
            "diagnostic: sled alone, one pass over the {} records of the replayed ledger's \
             events tree (no hash, no decode; the floor under the open)",
            read.records
        ),
        figure: format!(
            "{} ({:.2} s, peak {:.0} MiB)",
            rate(read.per_second),
            read.seconds,
            read.peak_mib
        ),
        value: read.per_second,
        unit: "records/s",
        ratios: vec![
            ("open target".into(), read.per_second / 1_000_000.0),
            (
                "ledger open to it".into(),
                f.replay.open_per_second / read.per_second.max(f64::EPSILON),
            ),
        ],
        targets: vec![],
    });
    rows.push(Row {
        key: "floor_preallocated",
        line: "diagnostic: 300-byte overwrite in a preallocated file + fdatasync (no metadata)"
            .into(),
        figure: format!(
            "{} (p50 {:.2} ms, p99 {:.2} ms)",
            rate(f.floor.per_second),
            f64::from(f.floor.latency.p50_us) / 1000.0,
            f64::from(f.floor.latency.p99_us) / 1000.0
        ),
        value: f.floor.per_second,
        unit: "records/s",
        ratios: ratio_to_limit(f.floor.per_second),
        targets: vec![],
    });
    rows
}

/// The table as Markdown (it goes into BENCHMARKS.md as printed).
pub fn table(rows: &[Row], quick: bool) -> String {
    let mut out =
        String::from("| line | figure | ratio | target | met |\n| --- | --- | --- | --- | --- |\n");
    for row in rows {
        let ratios = row
            .ratios
            .iter()
            .map(|(to, r)| format!("{r:.2} x {to}"))
            .collect::<Vec<_>>()
            .join("; ");
        let targets = row
            .targets
            .iter()
            .map(|t| t.text.clone())
            .collect::<Vec<_>>()
            .join("; ");
        let met = row
            .targets
            .iter()
            .map(|t| match t.met {
                Some(true) => "yes",
                Some(false) => "NO",
                None if quick => "not judged (--quick)",
                None => "-",
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            row.line,
            row.figure,
            ratios,
            if targets.is_empty() { "-" } else { &targets },
            if met.is_empty() { "-" } else { &met }
        ));
    }
    out
}
