//! The one error type of the crate: rendering itself cannot fail, only reading the
//! few texts that come from outside (a language code, a format name, a checkpoint note),
//! and drawing an SVG as PNG.

/// Why an input to a renderer was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// A language other than `nl` or `en`.
    #[error("unknown language {0:?}; use nl or en")]
    UnknownLanguage(String),
    /// A format other than `md` or `html`.
    #[error("unknown format {0:?}; use md or html")]
    UnknownFormat(String),
    /// The checkpoint note does not hold a C2SP checkpoint body.
    #[error("the checkpoint is not a C2SP checkpoint: {0}")]
    BadCheckpoint(String),
    /// The infographic could not be drawn as PNG (an SVG the renderer refuses).
    #[error("cannot render the infographic as PNG: {0}")]
    Png(String),
}
