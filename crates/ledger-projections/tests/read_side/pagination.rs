//! Pagination over the lists of the read API.

use ledger_core::{LibraryId, RoundId};
use ledger_projections::{
    page, LibraryView, Page, PageQuery, ProjectionError, ReadModel, RoundView,
};

use crate::fixture::{full_cycle, ROUND};

fn walk(model: &ReadModel, limit: u32) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut pages = 0;
    let mut query = PageQuery {
        after: None,
        limit: Some(limit),
    };
    loop {
        let page: Page<LibraryView> = page(model.libraries(), &query, Clone::clone).unwrap();
        pages += 1;
        assert!(page.items.len() <= limit as usize);
        seen.extend(page.items.iter().map(|l| l.id.to_string()));
        match page.next {
            Some(cursor) => query.after = Some(cursor),
            None => return (seen, pages),
        }
    }
}

#[test]
fn walking_the_pages_visits_every_item_exactly_once() {
    let cycle = full_cycle();
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);
    let all: Vec<String> = model.libraries().keys().map(|k| k.to_string()).collect();
    assert_eq!(all.len(), 12);
    for limit in 1..=13 {
        let (seen, pages) = walk(&model, limit);
        assert_eq!(seen, all, "limit {limit}");
        assert_eq!(pages, all.len().div_ceil(limit as usize), "limit {limit}");
    }
    // The default limit is 50, so one page holds them all and there is no next.
    let first = page(model.libraries(), &PageQuery::default(), Clone::clone).unwrap();
    assert_eq!(first.items.len(), 12);
    assert_eq!(first.next, None);

    // A page of a round's votes, shown as they are, and of rounds as summaries.
    let round = &model.rounds()[&RoundId::new(ROUND)];
    let votes = page(
        &round.votes,
        &PageQuery {
            after: None,
            limit: Some(4),
        },
        |v| v.library.clone(),
    )
    .unwrap();
    assert_eq!(
        votes.items,
        ["lib-01", "lib-02", "lib-03", "lib-04"].map(LibraryId::new)
    );
    let rest = page(
        &round.votes,
        &PageQuery {
            after: votes.next,
            limit: Some(500),
        },
        |v| v.library.clone(),
    )
    .unwrap();
    assert_eq!(rest.items.len(), 5);
    assert_eq!(rest.next, None);
    let rounds = page(model.rounds(), &PageQuery::default(), RoundView::summary).unwrap();
    assert_eq!(rounds.items.len(), 3);
}

#[test]
fn bad_cursors_and_limits_are_refused() {
    let cycle = full_cycle();
    let model = ReadModel::as_of(&cycle.ledger.records, u64::MAX);
    let ask = |after: &str, limit| PageQuery {
        after: Some(after.to_string()),
        limit,
    };
    for cursor in ["lib-03", "zz", "ff", &hex::encode("a/b"), ""] {
        assert_eq!(
            page(model.libraries(), &ask(cursor, None), Clone::clone),
            Err(ProjectionError::BadCursor {
                cursor: cursor.to_string()
            }),
            "cursor {cursor:?}"
        );
    }
    for limit in [0, 501, u32::MAX] {
        assert_eq!(
            page(
                model.libraries(),
                &PageQuery {
                    after: None,
                    limit: Some(limit)
                },
                Clone::clone
            ),
            Err(ProjectionError::BadLimit { limit, max: 500 })
        );
    }
    // A cursor past the last id is a valid, empty last page.
    let empty = page(
        model.libraries(),
        &ask(&hex::encode("zzz"), Some(10)),
        Clone::clone,
    )
    .unwrap();
    assert!(empty.items.is_empty());
    assert_eq!(empty.next, None);
}
