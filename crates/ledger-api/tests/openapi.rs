//! The committed `schemas/openapi.json` is exactly what the code generates: a drift test.
//! Set `UPDATE_GOLDEN=1` to rewrite the file after an intended API change.

#[test]
fn committed_openapi_document_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/openapi.json");
    let generated = ledger_api::openapi::document_text();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &generated).expect("write schemas/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/openapi.json differs from the code; run UPDATE_GOLDEN=1 cargo test -p ledger-api --test openapi and review the diff"
    );
}
