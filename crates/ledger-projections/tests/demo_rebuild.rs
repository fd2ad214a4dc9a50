//! After every event of the demo cycle, a read model rebuilt from position 0 equals the
//! one kept incrementally. The cycle is decided and sealed purely (no store), on the
//! scenario's own instants, so the log is the same on every run.

mod demo_log;

use demo_log::demo_log;
use ledger_projections::ReadModel;

#[test]
fn rebuilt_equals_incremental_after_every_event_of_the_demo() {
    let log = demo_log();
    assert!(log.len() > 800, "the whole cycle: {} records", log.len());
    let mut incremental = ReadModel::new();
    for (k, (sealed, event)) in log.iter().enumerate() {
        incremental.apply(sealed, event);
        let rebuilt = ReadModel::as_of(&log, k as u64 + 1);
        assert!(
            rebuilt == incremental,
            "the models differ after record {k} ({})",
            sealed.record.event_type
        );
    }
    let result = incremental
        .round_result(&ledger_core::RoundId::new("r-2023-05"))
        .expect("the demo round");
    assert_eq!(result.cast.libraries, 190);
    assert_eq!(
        result
            .yes_share_of_represented_inhabitants
            .expect("a share")
            .percent_rounded,
        "92"
    );
}
