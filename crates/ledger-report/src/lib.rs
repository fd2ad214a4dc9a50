//! What readers of the governance ledger see, rendered from projections: the newsletter
//! issue (Markdown and HTML), the results infographic (SVG), the public HTML page served
//! at `/` and the Atom feed of ledger events.
//!
//! Architecture Invariant: this crate is pure. It does no I/O, reads no clock and draws no
//! randomness: the same input gives the same bytes, so a newsletter can be re-made and
//! compared years later. Every text that comes from the log (titles, remarks, names) is
//! escaped for the format it lands in, because remarks are written by any library.
//! Numbers are shown from the exact integers and fractions of the projections, never
//! from floating point.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod doc;
mod error;
mod escape;
mod feed;
mod keys;
mod lang;
mod newsletter;
mod next;
mod number;
mod page;
mod png;
mod remarks;
mod round_text;
mod svg;
mod time;

pub use error::ReportError;
pub use escape::escape_html;
pub use feed::{render_atom, FeedEntry, FeedInput};
pub use lang::Lang;
pub use newsletter::{render_newsletter, Format, Issue, NewsletterInput, ViewSource};
pub use number::{euros, integer, percent, share_percent};
pub use page::{render_page, PageInput};
pub use png::{svg_to_png, PNG_SCALE};
pub use remarks::{select_remarks, SelectedRemark, REMARKS_PER_ROUND};
pub use svg::{result_svg, svg_id_prefix};
pub use time::{brussels_date, brussels_date_time, calendar_date};

/// A parsed C2SP checkpoint: the log's origin, size and RFC 6962 root.
pub use ledger_tlog::Checkpoint;

/// Reads the checkpoint body out of a C2SP signed note (`origin\nsize\nroot\n`, an empty
/// line, then signature lines). The signature is not checked here: readers check it
/// with `ledger-audit`; the newsletter only states which checkpoint it was made from.
pub fn checkpoint_from_note(note: &str) -> Result<Checkpoint, ReportError> {
    let body = match note.find("\n\n") {
        Some(end) => &note[..=end],
        None => note,
    };
    Checkpoint::parse(body).map_err(|e| ReportError::BadCheckpoint(e.to_string()))
}
