//! The results infographic as PNG, for mail clients and social posts that show no SVG:
//! the SVG `svg.rs` writes, rendered by resvg (pure Rust) at twice its size, with the
//! DejaVu Sans fonts embedded in this crate (`fonts/`, free licence), so the same SVG
//! gives the same PNG bytes on every machine, whatever fonts it has installed.
//!
//! This module must never read a file, a font directory or the clock, and never draw
//! anything the SVG does not say: it renders the SVG it is given and nothing else.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{fontdb, Options, Tree};

use crate::error::ReportError;

/// How many PNG pixels one SVG unit becomes: 2, so the 600-unit infographic is a sharp
/// 1200-pixel image on high-density screens.
pub const PNG_SCALE: u32 = 2;

/// The family every text of the PNG is drawn in (the SVG names it among its fonts).
const FAMILY: &str = "DejaVu Sans";

/// The embedded fonts, loaded once.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(include_bytes!("../fonts/DejaVuSans.ttf").to_vec());
            db.load_font_data(include_bytes!("../fonts/DejaVuSans-Bold.ttf").to_vec());
            for set in [
                fontdb::Database::set_sans_serif_family,
                fontdb::Database::set_serif_family,
                fontdb::Database::set_monospace_family,
                fontdb::Database::set_cursive_family,
                fontdb::Database::set_fantasy_family,
            ] {
                set(&mut db, FAMILY);
            }
            Arc::new(db)
        })
        .clone()
}

/// Renders `svg` (an infographic from [`crate::result_svg`]) as a PNG at
/// [`PNG_SCALE`] times its size.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, ReportError> {
    let options = Options {
        font_family: FAMILY.to_owned(),
        fontdb: fonts(),
        ..Options::default()
    };
    let tree = Tree::from_str(svg, &options).map_err(|e| ReportError::Png(e.to_string()))?;
    let size = tree.size().to_int_size();
    let (width, height) = (
        size.width().saturating_mul(PNG_SCALE),
        size.height().saturating_mul(PNG_SCALE),
    );
    let mut pixmap = Pixmap::new(width, height)
        .ok_or_else(|| ReportError::Png(format!("cannot draw {width}×{height} pixels")))?;
    let scale = PNG_SCALE as f32;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ReportError::Png(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_svg_becomes_a_png_twice_its_size() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"5\"><text x=\"0\" y=\"4\" font-size=\"4\">Ja</text></svg>";
        let png = svg_to_png(svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, at bytes 16..24.
        assert_eq!(&png[16..24], &[0, 0, 0, 20, 0, 0, 0, 10]);
        assert_eq!(svg_to_png(svg).unwrap(), png, "same SVG, same bytes");
    }

    #[test]
    fn text_that_is_not_svg_is_an_error_not_a_panic() {
        assert!(matches!(svg_to_png("<html>"), Err(ReportError::Png(_))));
    }
}
