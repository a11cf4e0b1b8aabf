//! What every chart has around its data: a white page with a title and subtitle, a legend in
//! its own column (so it never covers data), hatching for grey-market bars, and number labels.

use super::style::{self, MUTED, TEXT};
pub use crate::display::{percent, short_number};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The result of drawing on backend `DB`.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Pixels above the body taken by the title and subtitle.
const HEADER: u32 = 92;
/// Width of the legend column on the right of a chart.
pub const LEGEND_WIDTH: u32 = 250;

/// Whites the page, writes the title and subtitle, and returns the body below them.
pub fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    root.draw(&Text::new(
        title.to_string(),
        (28, 18),
        style::bold(style::TITLE),
    ))?;
    root.draw(&Text::new(
        subtitle.to_string(),
        (28, 58),
        style::text(style::SUBTITLE).color(&MUTED),
    ))?;
    let (_, body) = root.split_vertically(HEADER);
    Ok(body)
}

/// How a legend entry's key is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    /// A filled box.
    Fill(RGBColor),
    /// A light box with diagonal lines in the colour (grey-market deliveries).
    Hatched(RGBColor),
    /// A line of the given width.
    Line(RGBColor, u32),
    /// A dashed line.
    Dashed(RGBColor),
    /// No key: a heading.
    Heading,
    /// No key: a note under the entry above, in grey.
    Note,
}

/// One row of a legend.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: Key,
    pub label: String,
}

impl Entry {
    pub fn new(key: Key, label: impl Into<String>) -> Entry {
        Entry {
            key,
            label: label.into(),
        }
    }
}

/// Draws `entries` top-down in `area` (a column of its own), starting `top` pixels down.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    top: i32,
    entries: &[Entry],
) -> DrawResult<DB> {
    let row = 30;
    for (i, e) in entries.iter().enumerate() {
        let y = top + row * i as i32;
        let (x0, x1) = (12, 44);
        match e.key {
            Key::Fill(c) => area.draw(&Rectangle::new([(x0, y - 9), (x1, y + 9)], c.filled()))?,
            Key::Hatched(c) => {
                area.draw(&Rectangle::new(
                    [(x0, y - 9), (x1, y + 9)],
                    style::lighter(c, 0.7).filled(),
                ))?;
                hatch(area, (x0, y - 9), (x1, y + 9), c)?;
            }
            Key::Line(c, w) => {
                area.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(w)))?
            }
            Key::Dashed(c) => area.draw(&DashedPathElement::new(
                vec![(x0, y), (x1, y)],
                6,
                4,
                c.stroke_width(2),
            ))?,
            Key::Heading | Key::Note => {}
        }
        let (x, font) = match e.key {
            Key::Heading => (x0, style::bold(style::TICK).color(&TEXT)),
            Key::Note => (x1 + 10, style::text(style::TICK).color(&MUTED)),
            _ => (x1 + 10, style::text(style::TICK).color(&TEXT)),
        };
        let font = font.pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(e.label.clone(), (x, y), font))?;
    }
    Ok(())
}

/// Diagonal lines (/) every 7 pixels across the rectangle from `a` to `b`, in pixels of `area`.
pub fn hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    c: RGBColor,
) -> DrawResult<DB> {
    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
    let mut k = x0 + y0 + 4;
    while k < x1 + y1 {
        // Points on the line x + y = k inside the rectangle.
        let (from, to) = ((k - y1).max(x0), (k - y0).min(x1));
        if from < to {
            area.draw(&PathElement::new(
                vec![(from, k - from), (to, k - to)],
                c.stroke_width(1),
            ))?;
        }
        k += 7;
    }
    Ok(())
}

/// A round upper bound for an axis holding values up to `max`: a round multiple of a power of
/// ten, at least 10% above `max`.
pub fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let target = max * 1.1;
    let power = 10f64.powf(target.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&v| v >= target)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(1_234_000.0), "1.2M");
        assert_eq!(short_number(350_000.0), "350k");
        assert_eq!(short_number(2_000.0), "2k");
        assert_eq!(short_number(12.0), "12");
        assert_eq!(short_number(0.0), "0");
    }

    #[test]
    fn percentages_keep_a_decimal_only_when_needed() {
        assert_eq!(percent(0.25), "25%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn nice_ceilings_are_round_and_above() {
        assert_eq!(nice_ceiling(0.87), 1.0);
        assert_eq!(nice_ceiling(0.031), 0.04);
        assert_eq!(nice_ceiling(95.0), 120.0);
        assert_eq!(nice_ceiling(180_000.0), 200_000.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }
}
