//! A description of the machine a run measured: cores, processor, memory, kernel, and
//! the file system of the data directory (which must be a real disk, not tmpfs).
//!
//! This module must never fail a run: whatever it cannot read it reports as unknown.

use std::path::Path;

use serde::Serialize;

/// The machine and the disk under the data directory.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// Logical cores this process may use.
    pub cores: usize,
    /// The processor's model name.
    pub cpu: String,
    /// Total memory, MiB.
    pub memory_mib: u64,
    /// The kernel release.
    pub kernel: String,
    /// The data directory.
    pub data_dir: String,
    /// Its file system type and device, from /proc/mounts.
    pub file_system: String,
    /// The 1-minute load average when the run started (other work on the machine
    /// skews every figure; the reference runs want it near 0).
    pub load_at_start: f64,
}

impl Machine {
    /// Describes this machine and `dir`'s file system.
    pub fn describe(dir: &Path) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|rest| rest.split_once(':'))
            .map_or_else(|| "unknown".to_owned(), |(_, v)| v.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_mib = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| "unknown".to_owned(), |s| s.trim().to_owned());
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu,
            memory_mib,
            kernel,
            data_dir: dir.display().to_string(),
            file_system: file_system(dir),
            load_at_start: load_average(),
        }
    }

    /// Whether the data directory is on a RAM file system (its figures would not be a
    /// disk's).
    pub fn on_ram_disk(&self) -> bool {
        self.file_system.starts_with("tmpfs") || self.file_system.starts_with("ramfs")
    }
}

/// The 1-minute load average, or -1 when unknown.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(-1.0)
}

/// "type on device (mount point)" of the mount holding `dir`.
fn file_system(dir: &Path) -> String {
    let Ok(dir) = dir.canonicalize() else {
        return "unknown".to_owned();
    };
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let device = fields.next()?;
            let point = fields.next()?;
            let kind = fields.next()?;
            dir.starts_with(point)
                .then(|| (point.len(), format!("{kind} on {device} ({point})")))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "unknown".to_owned(), |(_, text)| text)
}
