//! The look shared by every chart: the embedded font, one colour per vendor (the same in
//! every chart and report), channel tints, and text sizes readable at slide size.
//!
//! Colours: Nvidia green and Huawei red (their brand colours), the other vendors from the
//! Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal Design") in the
//! order the scenario lists them, leaving out its green and vermilion, which would be read
//! as Nvidia and Huawei.

use crate::stats::summary::Summary;
use plotters::style::{FontFamily, FontStyle, IntoFont, RGBColor, TextStyle};
use std::sync::Once;

/// The family every chart uses; registered with plotters' `ab_glyph` backend, so no system
/// font or fontconfig is ever read. SVG output names it and a browser uses its own sans.
pub const FAMILY: FontFamily<'static> = FontFamily::SansSerif;

pub const NVIDIA: RGBColor = RGBColor(0x76, 0xB9, 0x00);
pub const HUAWEI: RGBColor = RGBColor(0xC7, 0x00, 0x0B);
/// All domestic vendors together.
pub const DOMESTIC: RGBColor = RGBColor(0x44, 0x44, 0x44);
pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub const GRID_BOLD: RGBColor = RGBColor(0xD0, 0xD0, 0xD0);
pub const GRID_LIGHT: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// Okabe-Ito without green and vermilion, then two neutrals for long vendor lists.
const OTHERS: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x8C, 0x56, 0x4B),
    RGBColor(0x99, 0x99, 0x99),
];

/// Series colours for scenarios overlaid in one chart (`compare`): black first, then
/// Okabe-Ito.
pub const SCENARIOS: [RGBColor; 6] = [
    RGBColor(0x22, 0x22, 0x22),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
];

/// Text sizes in pixels, for charts of about 1400 pixels wide.
pub const TITLE: f64 = 30.0;
pub const SUBTITLE: f64 = 19.0;
pub const LABEL: f64 = 20.0;
pub const TICK: f64 = 17.0;
pub const SMALL: f64 = 15.0;

/// Registers the embedded DejaVu Sans with plotters, once per process.
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let faces = [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
        ];
        for (style, bytes) in faces {
            plotters::style::register_font(FAMILY.as_str(), style, bytes)
                .unwrap_or_else(|_| panic!("the embedded DejaVu Sans is a valid font"));
        }
    });
}

/// Text of `size` pixels in the chart font.
pub fn text(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&TEXT)
}

/// Bold text of `size` pixels.
pub fn bold(size: f64) -> TextStyle<'static> {
    (FAMILY, size, FontStyle::Bold).into_font().color(&TEXT)
}

/// The colour of vendor `id` in summary `s`.
pub fn vendor_color(s: &Summary, id: &str) -> RGBColor {
    match id {
        "nvidia" => NVIDIA,
        "huawei" => HUAWEI,
        "domestic" => DOMESTIC,
        _ => {
            let others = s
                .vendors
                .iter()
                .filter(|v| v.id != "nvidia" && v.id != "huawei");
            let k = others.take_while(|v| v.id != id).count();
            OTHERS[k % OTHERS.len()]
        }
    }
}

/// `c` mixed with white: 0 keeps it, 1 gives white.
pub fn lighter(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |x: u8| (f64::from(x) + (255.0 - f64::from(x)) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The fill of a delivery channel: legal in the vendor's colour, licensed a little lighter,
/// grey much lighter (and hatched where drawn as bars).
pub fn channel_fill(c: RGBColor, channel: &str) -> RGBColor {
    match channel {
        "licensed" => lighter(c, 0.35),
        "grey" => lighter(c, 0.7),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::summary::VendorInfo;

    #[test]
    fn vendor_colours_are_fixed_for_nvidia_and_huawei_and_distinct_for_the_rest() {
        let mut s = crate::plot::testdata::summary();
        s.vendors = ["cambricon", "nvidia", "huawei", "baidu"]
            .iter()
            .map(|v| VendorInfo {
                id: (*v).into(),
                origin: "domestic".into(),
            })
            .collect();
        assert_eq!(vendor_color(&s, "nvidia"), NVIDIA);
        assert_eq!(vendor_color(&s, "huawei"), HUAWEI);
        assert_eq!(vendor_color(&s, "cambricon"), OTHERS[0]);
        assert_eq!(vendor_color(&s, "baidu"), OTHERS[1]);
    }

    #[test]
    fn lighter_goes_to_white() {
        assert_eq!(lighter(NVIDIA, 0.0), NVIDIA);
        assert_eq!(lighter(NVIDIA, 1.0), RGBColor(255, 255, 255));
    }
}
