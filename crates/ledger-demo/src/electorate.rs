//! The synthetic electorate: about three hundred public libraries with invented names,
//! NIS-like codes and populations spread like those of Flemish municipalities.
//!
//! Everything is made here from fixed syllables and a fixed formula, so the demo never
//! needs the official municipality list (`../shared`) and never copies it. This module
//! must never present its data as real: names and codes are invented, only the shape of
//! the distribution (a few large cities, most towns of 5,000 to 40,000) is realistic.

use ledger_core::{LibraryId, NisCode};

use crate::draw::below;

/// How many libraries the synthetic electorate holds.
pub const LIBRARY_COUNT: usize = 300;

/// One library of the synthetic electorate, as the secretariat registers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLibrary {
    /// `lib-001` to `lib-300`.
    pub id: LibraryId,
    /// `Bibliotheek <invented place name>`.
    pub name: String,
    /// The municipalities it serves: five-digit, NIS-like, unique over the electorate.
    pub municipalities: Vec<NisCode>,
    /// The inhabitants it represents.
    pub inhabitants: u64,
}

/// Series names for the draws, so each property varies independently of the others.
const SERIES_REGIONAL: u64 = 11;
const SERIES_TOWN_A: u64 = 12;
const SERIES_TOWN_B: u64 = 13;
const SERIES_TOWN_FINE: u64 = 14;
const SERIES_VILLAGE: u64 = 15;
const SERIES_PREFIX: u64 = 16;
const SERIES_MERGER: u64 = 17;
const SERIES_ARRONDISSEMENT: u64 = 18;

/// The large cities' populations: a few between 100,000 and 530,000, like the region's
/// centre cities (invented figures).
const CITY_INHABITANTS: [u64; 6] = [527_903, 262_118, 163_455, 121_870, 104_296, 100_733];

/// How many regional towns of 40,000 to 95,000 follow the cities.
const REGIONAL_TOWNS: usize = 24;

/// Syllables that open an invented place name.
const ROOTS: [&str; 25] = [
    "Aven", "Bram", "Dor", "Elver", "Flo", "Gaver", "Hoog", "Is", "Kalm", "Lin", "Mol", "Nor",
    "Ot", "Pel", "Quar", "Ravel", "Schil", "Tul", "Ulv", "Vrij", "Wal", "Ys", "Zand", "Brem",
    "Drie",
];

/// Endings typical of Flemish place names.
const ENDINGS: [&str; 12] = [
    "gem", "hout", "donk", "kerke", "beke", "rode", "lare", "zele", "hove", "dijk", "broek",
    "mortel",
];

/// Prefixes that some places carry.
const PREFIXES: [&str; 4] = ["Sint-", "Oud-", "Groot-", "Klein-"];

/// The first two digits of a NIS-like code: arrondissements of the Flemish provinces and
/// Brussels (21), where Dutch-language libraries also vote.
const ARRONDISSEMENTS: [u64; 23] = [
    11, 12, 13, 21, 23, 24, 31, 32, 33, 34, 35, 36, 37, 38, 41, 42, 43, 44, 45, 46, 71, 72, 73,
];

/// Synthetic municipality numbers start here, above the numbers official codes use, so
/// the codes look like NIS codes without being anybody's real code.
const FIRST_MUNICIPALITY_NUMBER: u64 = 500;

/// The synthetic electorate, ordered by id (`lib-001` first). Same output on every call.
pub fn electorate() -> Vec<DemoLibrary> {
    let mut inhabitants = vec![0u64; LIBRARY_COUNT];
    for (profile, slot) in profile_slots().enumerate() {
        inhabitants[slot] = population(profile);
    }
    let mut next_number = [FIRST_MUNICIPALITY_NUMBER; ARRONDISSEMENTS.len()];
    inhabitants
        .into_iter()
        .enumerate()
        .map(|(slot, inhabitants)| {
            let index = slot as u64;
            let served = municipality_count(index, inhabitants);
            let municipalities = (0..served)
                .map(|k| {
                    let arr_slot = below(SERIES_ARRONDISSEMENT, index * 4 + k, 23) as usize;
                    let number = next_number[arr_slot];
                    next_number[arr_slot] += 1;
                    NisCode(format!("{}{:03}", ARRONDISSEMENTS[arr_slot], number))
                })
                .collect();
            DemoLibrary {
                id: LibraryId::new(format!("lib-{:03}", slot + 1)),
                name: format!("Bibliotheek {}", place_name(index, inhabitants)),
                municipalities,
                inhabitants,
            }
        })
        .collect()
}

/// Where each population profile (cities first, then towns) lands among the ids: a
/// fixed permutation, so the large cities are spread over the list instead of opening it.
fn profile_slots() -> impl Iterator<Item = usize> {
    // 119 and 300 are coprime, so `(p * 119 + 37) mod 300` visits every slot once.
    (0..LIBRARY_COUNT).map(|p| (p * 119 + 37) % LIBRARY_COUNT)
}

/// The population of profile `p`: the cities, then regional towns, then ordinary towns
/// skewed towards 8,000 to 20,000, and a handful of villages below 5,000.
fn population(profile: usize) -> u64 {
    let p = profile as u64;
    if let Some(city) = CITY_INHABITANTS.get(profile) {
        return *city;
    }
    if profile < CITY_INHABITANTS.len() + REGIONAL_TOWNS {
        return 40_000 + below(SERIES_REGIONAL, p, 55_000);
    }
    if below(SERIES_VILLAGE, p, 30) == 0 {
        return 900 + below(SERIES_VILLAGE, p + 10_000, 4_000);
    }
    // The product of two uniform draws leans towards small values, like real towns.
    let a = below(SERIES_TOWN_A, p, 1_000);
    let b = below(SERIES_TOWN_B, p, 1_000);
    5_000 + 34_000 * a * b / 1_000_000 + below(SERIES_TOWN_FINE, p, 1_000)
}

/// Most libraries serve one municipality; some serve two or three after mergers. The
/// large cities keep one code.
fn municipality_count(index: u64, inhabitants: u64) -> u64 {
    if inhabitants >= 100_000 {
        return 1;
    }
    match below(SERIES_MERGER, index, 40) {
        0 => 3,
        1..=4 => 2,
        _ => 1,
    }
}

/// An invented place name, unique per index: a root and an ending chosen by a bijection
/// of the index, sometimes with a prefix.
fn place_name(index: u64, inhabitants: u64) -> String {
    // 7 and 300 are coprime: `(7 i + 3) mod 300` is a bijection onto the 25 x 12 pairs.
    let pair = (index * 7 + 3) % (ROOTS.len() * ENDINGS.len()) as u64;
    let root = ROOTS[(pair % ROOTS.len() as u64) as usize];
    let ending = ENDINGS[(pair / ROOTS.len() as u64) as usize];
    let prefix = match below(SERIES_PREFIX, index, 10) {
        // Large places do not call themselves "Klein-".
        0 if inhabitants < 40_000 => PREFIXES[(index % 4) as usize],
        _ => "",
    };
    format!("{prefix}{root}{ending}")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn ids_names_and_codes_are_unique_and_well_formed() {
        let libraries = electorate();
        assert_eq!(libraries.len(), LIBRARY_COUNT);
        assert_eq!(libraries[0].id.as_str(), "lib-001");
        assert_eq!(libraries[299].id.as_str(), "lib-300");
        let ids: BTreeSet<_> = libraries.iter().map(|l| &l.id).collect();
        let names: BTreeSet<_> = libraries.iter().map(|l| &l.name).collect();
        let codes: Vec<_> = libraries.iter().flat_map(|l| &l.municipalities).collect();
        let unique_codes: BTreeSet<_> = codes.iter().collect();
        assert_eq!(ids.len(), LIBRARY_COUNT);
        assert_eq!(names.len(), LIBRARY_COUNT);
        assert_eq!(unique_codes.len(), codes.len());
        for library in &libraries {
            assert!(library.id.check().is_ok());
            assert!(library.name.starts_with("Bibliotheek "));
            assert!(!library.municipalities.is_empty());
            for code in &library.municipalities {
                assert!(code.check().is_ok(), "{code}");
            }
        }
    }

    #[test]
    fn populations_are_spread_like_flemish_municipalities() {
        let libraries = electorate();
        let total: u64 = libraries.iter().map(|l| l.inhabitants).sum();
        assert!((6_000_000..7_000_000).contains(&total), "total {total}");
        let cities = libraries
            .iter()
            .filter(|l| l.inhabitants >= 100_000)
            .count();
        assert!((3..=8).contains(&cities), "{cities} cities");
        assert!(libraries.iter().all(|l| l.inhabitants <= 530_000));
        let towns = libraries
            .iter()
            .filter(|l| (5_000..=40_000).contains(&l.inhabitants))
            .count();
        assert!(towns * 4 >= LIBRARY_COUNT * 3, "{towns} towns of 5k-40k");
        // The largest libraries are not bunched at the start of the list.
        let first_city = libraries.iter().position(|l| l.inhabitants >= 100_000);
        assert_ne!(first_city, Some(0));
    }

    #[test]
    fn the_electorate_is_the_same_on_every_call() {
        assert_eq!(electorate(), electorate());
    }
}
