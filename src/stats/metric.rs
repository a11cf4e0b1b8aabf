//! The metrics a [`super::summary::Summary`] reports, one enum per table. Each `ALL` lists
//! a table's metrics in the order rows are written; `name()` is the string in the output.

/// A metric reported per vendor and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorMetric {
    Units,
    ComputeH100e,
    RevenueUsd,
    UnitsShare,
    ComputeShare,
    RevenueShare,
}

impl VendorMetric {
    pub const ALL: [VendorMetric; 6] = [
        VendorMetric::Units,
        VendorMetric::ComputeH100e,
        VendorMetric::RevenueUsd,
        VendorMetric::UnitsShare,
        VendorMetric::ComputeShare,
        VendorMetric::RevenueShare,
    ];
    pub const COUNT: usize = VendorMetric::ALL.len();
    /// The quantities summed over deliveries; each has a share among vendors.
    pub const TOTALS: [VendorMetric; 3] = [
        VendorMetric::Units,
        VendorMetric::ComputeH100e,
        VendorMetric::RevenueUsd,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            VendorMetric::Units => "units",
            VendorMetric::ComputeH100e => "compute_h100e",
            VendorMetric::RevenueUsd => "revenue_usd",
            VendorMetric::UnitsShare => "units_share",
            VendorMetric::ComputeShare => "compute_share",
            VendorMetric::RevenueShare => "revenue_share",
        }
    }

    /// Position in [`VendorMetric::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// A total's share among vendors (a share is its own share).
    pub const fn share(self) -> VendorMetric {
        match self {
            VendorMetric::Units | VendorMetric::UnitsShare => VendorMetric::UnitsShare,
            VendorMetric::ComputeH100e | VendorMetric::ComputeShare => VendorMetric::ComputeShare,
            VendorMetric::RevenueUsd | VendorMetric::RevenueShare => VendorMetric::RevenueShare,
        }
    }
}

/// A metric reported for the whole market per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketMetric {
    Units,
    ComputeH100e,
    RevenueUsd,
    SpendUsd,
    UsGovernmentUsd,
    DemandH100e,
    UnmetH100e,
    GreyUnits,
    SeizedUnits,
    DomesticUnitsShare,
    DomesticComputeShare,
    DomesticRevenueShare,
}

impl MarketMetric {
    pub const ALL: [MarketMetric; 12] = [
        MarketMetric::Units,
        MarketMetric::ComputeH100e,
        MarketMetric::RevenueUsd,
        MarketMetric::SpendUsd,
        MarketMetric::UsGovernmentUsd,
        MarketMetric::DemandH100e,
        MarketMetric::UnmetH100e,
        MarketMetric::GreyUnits,
        MarketMetric::SeizedUnits,
        MarketMetric::DomesticUnitsShare,
        MarketMetric::DomesticComputeShare,
        MarketMetric::DomesticRevenueShare,
    ];
    pub const COUNT: usize = MarketMetric::ALL.len();
    /// The metrics read from a run's record per quarter, whose yearly value is the sum of its
    /// quarters (the others are totals and shares over vendors, recomputed per period).
    pub const SUMMED: [MarketMetric; 6] = [
        MarketMetric::SpendUsd,
        MarketMetric::UsGovernmentUsd,
        MarketMetric::DemandH100e,
        MarketMetric::UnmetH100e,
        MarketMetric::GreyUnits,
        MarketMetric::SeizedUnits,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            MarketMetric::Units => "units",
            MarketMetric::ComputeH100e => "compute_h100e",
            MarketMetric::RevenueUsd => "revenue_usd",
            MarketMetric::SpendUsd => "spend_usd",
            MarketMetric::UsGovernmentUsd => "us_government_usd",
            MarketMetric::DemandH100e => "demand_h100e",
            MarketMetric::UnmetH100e => "unmet_h100e",
            MarketMetric::GreyUnits => "grey_units",
            MarketMetric::SeizedUnits => "seized_units",
            MarketMetric::DomesticUnitsShare => "domestic_units_share",
            MarketMetric::DomesticComputeShare => "domestic_compute_share",
            MarketMetric::DomesticRevenueShare => "domestic_revenue_share",
        }
    }

    /// Position in [`MarketMetric::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The market total of a vendor metric's quantity (units, compute or revenue).
    pub const fn total_of(metric: VendorMetric) -> MarketMetric {
        match metric {
            VendorMetric::Units | VendorMetric::UnitsShare => MarketMetric::Units,
            VendorMetric::ComputeH100e | VendorMetric::ComputeShare => MarketMetric::ComputeH100e,
            VendorMetric::RevenueUsd | VendorMetric::RevenueShare => MarketMetric::RevenueUsd,
        }
    }

    /// The domestic vendors' share of a vendor metric's quantity.
    pub const fn domestic_share_of(metric: VendorMetric) -> MarketMetric {
        match metric {
            VendorMetric::Units | VendorMetric::UnitsShare => MarketMetric::DomesticUnitsShare,
            VendorMetric::ComputeH100e | VendorMetric::ComputeShare => {
                MarketMetric::DomesticComputeShare
            }
            VendorMetric::RevenueUsd | VendorMetric::RevenueShare => {
                MarketMetric::DomesticRevenueShare
            }
        }
    }
}

/// A metric of the buyers table, per (quarter, buyer, chip, channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuyerMetric {
    DeliveredUnits,
    OrderedUnits,
    BacklogUnits,
    DemandH100e,
    UnmetH100e,
}

impl BuyerMetric {
    pub const ALL: [BuyerMetric; 5] = [
        BuyerMetric::DeliveredUnits,
        BuyerMetric::OrderedUnits,
        BuyerMetric::BacklogUnits,
        BuyerMetric::DemandH100e,
        BuyerMetric::UnmetH100e,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            BuyerMetric::DeliveredUnits => "delivered_units",
            BuyerMetric::OrderedUnits => "ordered_units",
            BuyerMetric::BacklogUnits => "backlog_units",
            BuyerMetric::DemandH100e => "demand_h100e",
            BuyerMetric::UnmetH100e => "unmet_h100e",
        }
    }
}

/// A metric reported per chip and quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChipMetric {
    SupplyUnits,
    OrderedUnits,
    DeliveredUnits,
    BacklogUnits,
    SeizedUnits,
}

impl ChipMetric {
    pub const ALL: [ChipMetric; 5] = [
        ChipMetric::SupplyUnits,
        ChipMetric::OrderedUnits,
        ChipMetric::DeliveredUnits,
        ChipMetric::BacklogUnits,
        ChipMetric::SeizedUnits,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            ChipMetric::SupplyUnits => "supply_units",
            ChipMetric::OrderedUnits => "ordered_units",
            ChipMetric::DeliveredUnits => "delivered_units",
            ChipMetric::BacklogUnits => "backlog_units",
            ChipMetric::SeizedUnits => "seized_units",
        }
    }
}

/// The names of [`VendorMetric::ALL`], in order.
pub const VENDOR_METRICS: [&str; VendorMetric::COUNT] = {
    let mut names = [""; VendorMetric::COUNT];
    let mut i = 0;
    while i < names.len() {
        names[i] = VendorMetric::ALL[i].name();
        i += 1;
    }
    names
};

/// The names of [`MarketMetric::ALL`], in order.
pub const MARKET_METRICS: [&str; MarketMetric::COUNT] = {
    let mut names = [""; MarketMetric::COUNT];
    let mut i = 0;
    while i < names.len() {
        names[i] = MarketMetric::ALL[i].name();
        i += 1;
    }
    names
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_each_metric_at_its_index() {
        assert!(
            VendorMetric::ALL
                .iter()
                .enumerate()
                .all(|(i, m)| m.index() == i)
        );
        assert!(
            MarketMetric::ALL
                .iter()
                .enumerate()
                .all(|(i, m)| m.index() == i)
        );
    }

    #[test]
    fn names_are_those_written_before_the_enums() {
        assert_eq!(
            VENDOR_METRICS,
            [
                "units",
                "compute_h100e",
                "revenue_usd",
                "units_share",
                "compute_share",
                "revenue_share"
            ]
        );
        assert_eq!(
            MARKET_METRICS[3..9],
            [
                "spend_usd",
                "us_government_usd",
                "demand_h100e",
                "unmet_h100e",
                "grey_units",
                "seized_units"
            ]
        );
        for (i, m) in MarketMetric::SUMMED.iter().enumerate() {
            assert_eq!(m.index(), 3 + i);
        }
        for (i, m) in VendorMetric::TOTALS.iter().enumerate() {
            assert_eq!(m.index(), i);
            assert_eq!(m.share().index(), 3 + i);
            assert_eq!(MarketMetric::total_of(*m).index(), i);
            assert_eq!(MarketMetric::domestic_share_of(*m).index(), 9 + i);
        }
    }
}
