//! Pagination shared by every list of the read API: `{items, next}` with an opaque
//! cursor and a bounded limit.
//!
//! Lists are maps ordered by id as strings; the cursor is the hex of the last id
//! returned, and the next page holds the ids after it. A cursor stays valid while items
//! are added (ids are never removed), so a client walking the pages sees every item
//! present at the start exactly once. This module must never accept a limit outside
//! `1..=MAX_LIMIT` or a cursor it could not have issued.

use std::collections::BTreeMap;
use std::ops::Bound;

use ledger_core::{
    ActorId, AdviceId, CriterionId, DecisionId, LibraryId, NewsletterId, ProposalId, RoundId,
    SheetId,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::ProjectionError;

/// Items per page when the client names no limit.
pub const DEFAULT_LIMIT: u32 = 50;
/// The largest limit a client may ask for.
pub const MAX_LIMIT: u32 = 500;

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items, in id order.
    pub items: Vec<T>,
    /// The cursor for the next page (pass it as `after`); null on the last page.
    pub next: Option<String>,
}

/// The query parameters of a list request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next` cursor of the previous page; absent for the first page.
    pub after: Option<String>,
    /// Items per page, 1 to 500 (default 50).
    pub limit: Option<u32>,
}

/// An id type a list is keyed by.
pub trait PageKey: Ord + Sized {
    /// The id as text (what the cursor encodes).
    fn key_text(&self) -> &str;
    /// Rebuilds the id from a decoded cursor.
    fn from_key_text(text: String) -> Self;
}

macro_rules! page_keys {
    ($($id:ty),*) => {$(
        impl PageKey for $id {
            fn key_text(&self) -> &str {
                self.as_str()
            }
            fn from_key_text(text: String) -> Self {
                <$id>::new(text)
            }
        }
    )*};
}

page_keys!(
    ActorId,
    AdviceId,
    CriterionId,
    DecisionId,
    LibraryId,
    NewsletterId,
    ProposalId,
    RoundId,
    SheetId
);

impl PageKey for String {
    fn key_text(&self) -> &str {
        self
    }
    fn from_key_text(text: String) -> Self {
        text
    }
}

fn encode_cursor(key: &str) -> String {
    hex::encode(key.as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<String, ProjectionError> {
    let bad = || ProjectionError::BadCursor {
        cursor: cursor.chars().take(64).collect(),
    };
    let bytes = hex::decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    // Every key this crate pages over is an id, so a cursor must decode to one.
    ledger_core::ids::check_id("cursor", &text).map_err(|_| bad())?;
    Ok(text)
}

/// Checks a requested limit: absent means [`DEFAULT_LIMIT`].
fn checked_limit(limit: Option<u32>) -> Result<usize, ProjectionError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ProjectionError::BadLimit {
            limit,
            max: MAX_LIMIT,
        });
    }
    Ok(usize::try_from(limit).unwrap_or(usize::MAX))
}

/// The page of `map` that `query` asks for, each item shown through `view` (pass
/// `Clone::clone` for the stored view, or a summary function).
pub fn page<K, V, T>(
    map: &BTreeMap<K, V>,
    query: &PageQuery,
    mut view: impl FnMut(&V) -> T,
) -> Result<Page<T>, ProjectionError>
where
    K: PageKey,
{
    let limit = checked_limit(query.limit)?;
    let start = match &query.after {
        Some(cursor) => Bound::Excluded(K::from_key_text(decode_cursor(cursor)?)),
        None => Bound::Unbounded,
    };
    let mut entries = map.range((start, Bound::Unbounded));
    let mut items = Vec::with_capacity(limit.min(map.len()));
    let mut last: Option<&K> = None;
    for (key, value) in entries.by_ref().take(limit) {
        items.push(view(value));
        last = Some(key);
    }
    let next = match (last, entries.next()) {
        (Some(key), Some(_)) => Some(encode_cursor(key.key_text())),
        _ => None,
    };
    Ok(Page { items, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_the_bounds_are_refused() {
        let map: BTreeMap<String, u32> = BTreeMap::new();
        let ask = |limit| PageQuery { after: None, limit };
        assert_eq!(
            page(&map, &ask(Some(0)), |v| *v),
            Err(ProjectionError::BadLimit { limit: 0, max: 500 })
        );
        assert!(page(&map, &ask(Some(501)), |v| *v).is_err());
        assert!(page(&map, &ask(Some(500)), |v| *v).is_ok());
        assert_eq!(
            page(&map, &ask(None), |v| *v).unwrap(),
            Page {
                items: vec![],
                next: None
            }
        );
    }
}
