//! Text for bitmap output, laid out glyph by glyph with each glyph's side bearing.
//!
//! plotters 0.3.7 draws `ab_glyph` text from each glyph's pixel bounds and drops the left
//! side bearing, so digits drift apart (`2 0 2 4Q1`). [`GlyphText`] wraps a backend and draws
//! text itself with the same embedded DejaVu Sans; every other call passes straight through,
//! and text sizes are still measured by plotters so label areas stay the same.

use ab_glyph::{Font, FontRef, Glyph, PxScale, ScaleFont, point};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};
use std::sync::OnceLock;

/// A backend whose text is drawn by [`draw_text`]; everything else is `B`'s.
pub struct GlyphText<B>(pub B);

fn fonts() -> &'static [FontRef<'static>; 2] {
    static FONTS: OnceLock<[FontRef<'static>; 2]> = OnceLock::new();
    FONTS.get_or_init(|| {
        let parse = |bytes| {
            FontRef::try_from_slice(bytes).expect("the embedded DejaVu Sans is a valid font")
        };
        [parse(dejavu::sans::regular()), parse(dejavu::sans::bold())]
    })
}

/// One positioned glyph per character, the baseline at y = 0 and the text starting at x = 0,
/// and the text's advance width.
fn layout(font: &FontRef<'static>, scale: PxScale, text: &str) -> (Vec<Glyph>, f32) {
    let scaled = font.as_scaled(scale);
    let mut caret = 0.0;
    let mut previous = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            caret += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(caret, 0.0)));
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    (glyphs, caret)
}

/// Where the text starts relative to its anchor: (x of the left end, y of the baseline).
/// Vertical anchors match plotters' SVG output: Top hangs the capitals below the anchor,
/// Center centres them on it, Bottom keeps the descenders above it.
fn origin(font: &FontRef<'static>, scale: PxScale, width: f32, h: HPos, v: VPos) -> (f32, f32) {
    let scaled = font.as_scaled(scale);
    let cap = font
        .outline_glyph(scaled.scaled_glyph('H'))
        .map(|g| -g.px_bounds().min.y)
        .unwrap_or(scaled.ascent());
    let x = match h {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    };
    let y = match v {
        VPos::Top => cap,
        VPos::Center => cap / 2.0,
        VPos::Bottom => scaled.descent(),
    };
    (x, y)
}

impl<B: DrawingBackend> GlyphText<B> {
    fn text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let font = &fonts()[usize::from(matches!(style.style(), FontStyle::Bold))];
        let scale = PxScale::from(style.size() as f32);
        let (glyphs, width) = layout(font, scale, text);
        let anchor = style.anchor();
        let (x0, y0) = origin(font, scale, width, anchor.h_pos, anchor.v_pos);
        let transform = style.transform();
        let (w, h) = self.0.get_size();
        for glyph in glyphs {
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x, y, coverage)));
            // Whole pixels from here: rounding each pixel's offset on its own would skip a row
            // where the offset crosses zero.
            let left = (x0 + bounds.min.x).round() as i32;
            let top = (y0 + bounds.min.y).round() as i32;
            for (x, y, coverage) in pixels {
                let (dx, dy) = (left + x as i32, top + y as i32);
                let (dx, dy) = transform.transform(dx, dy);
                let (px, py) = (pos.0 + dx, pos.1 + dy);
                if coverage > 0.0 && px >= 0 && py >= 0 && px < w as i32 && py < h as i32 {
                    let alpha = color.alpha * f64::from(coverage.min(1.0));
                    self.0.draw_pixel(
                        (px, py),
                        BackendColor {
                            alpha,
                            rgb: color.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}

impl<B: DrawingBackend> DrawingBackend for GlyphText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        a: BackendCoord,
        b: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_rect(a, b, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.text(text, style, pos)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyphs_advance_evenly_with_their_bearings() {
        let font = &fonts()[0];
        let scale = PxScale::from(20.0);
        let (glyphs, width) = layout(font, scale, "2024");
        // Digits share one advance in DejaVu Sans, so glyph origins are evenly spaced.
        let steps: Vec<f32> = glyphs
            .windows(2)
            .map(|g| g[1].position.x - g[0].position.x)
            .collect();
        assert!(
            steps.iter().all(|s| (s - steps[0]).abs() < 1e-3),
            "{steps:?}"
        );
        assert!((width - 4.0 * steps[0]).abs() < 1e-3);
    }

    #[test]
    fn anchors_place_the_text_around_its_point() {
        let font = &fonts()[0];
        let scale = PxScale::from(20.0);
        let (x, y) = origin(font, scale, 100.0, HPos::Right, VPos::Top);
        assert_eq!(x, -100.0);
        assert!(y > 10.0 && y < 16.0, "capital height {y}");
        let (_, bottom) = origin(font, scale, 100.0, HPos::Left, VPos::Bottom);
        assert!(bottom < 0.0);
    }
}
