//! Calendar quarters, written `2024Q3` everywhere.

use std::fmt;
use std::str::FromStr;

/// A calendar quarter. Ordered by time; `index()` counts quarters since year 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    quarter: u8,
}

impl Quarter {
    /// `quarter` must be 1..=4.
    pub fn new(year: i32, quarter: u8) -> Option<Quarter> {
        (1..=4)
            .contains(&quarter)
            .then_some(Quarter { year, quarter })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn quarter(self) -> u8 {
        self.quarter
    }

    /// Quarters since 0000Q1; differences of indices count quarters.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 4 + i64::from(self.quarter) - 1
    }

    pub fn from_index(index: i64) -> Quarter {
        Quarter {
            year: index.div_euclid(4) as i32,
            quarter: (index.rem_euclid(4) + 1) as u8,
        }
    }

    /// The quarter `n` quarters later (earlier when negative).
    pub fn offset(self, n: i64) -> Quarter {
        Quarter::from_index(self.index() + n)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.quarter)
    }
}

/// Why a quarter string did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a quarter: write it as YYYYQn, e.g. `2024Q3`")]
pub struct ParseQuarterError(pub String);

impl FromStr for Quarter {
    type Err = ParseQuarterError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseQuarterError(s.to_string());
        let (year, quarter) = s.split_once(['Q', 'q']).ok_or_else(err)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year: i32 = year.parse().map_err(|_| err())?;
        let quarter: u8 = quarter.parse().map_err(|_| err())?;
        Quarter::new(year, quarter).ok_or_else(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let q: Quarter = "2024Q3".parse().unwrap();
        assert_eq!(q.to_string(), "2024Q3");
        assert_eq!(q.offset(2).to_string(), "2025Q1");
        assert_eq!(q.offset(-3).to_string(), "2023Q4");
        assert!("2024Q5".parse::<Quarter>().is_err());
        assert!("24Q1".parse::<Quarter>().is_err());
        assert!("2024-Q1".parse::<Quarter>().is_err());
    }
}
