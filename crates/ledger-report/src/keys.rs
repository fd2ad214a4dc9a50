//! Author key registrations for people: on the page every registration (folded away
//! under a count), and in the newsletter those of its period, so a library sees whether
//! a key was registered in its name (ARCHITECTURE.md, "Author signatures"). Names are
//! shown, not account ids; a registration sent by someone other than the key's owner,
//! a replaced key and a revocation are always spelled out.
//!
//! It only renders what the projections hold; it must never judge a signature, and
//! never print a key as trustworthy: it says who registered it, not that it is right.

use ledger_core::ActorId;
use ledger_projections::{AuthorKeyView, Digest};

use crate::doc::{Block, Inline, Line};
use crate::lang::Lang;
use crate::number::integer;

/// The key id part of a verifier key (`name+keyid+material`), or the whole key.
fn key_id(key: &str) -> &str {
    key.split('+').nth(1).unwrap_or(key)
}

/// One registration as a sentence, with names from `name`.
fn sentence(view: &AuthorKeyView, name: &dyn Fn(&ActorId) -> String, lang: Lang) -> String {
    let owner = name(&view.actor);
    let by = if view.registered_by == view.actor {
        lang.pick("door de eigenaar zelf", "by its owner")
            .to_owned()
    } else {
        match lang {
            Lang::Nl => format!("door {}, namens de eigenaar", name(&view.registered_by)),
            Lang::En => format!("by {}, on the owner's behalf", name(&view.registered_by)),
        }
    };
    let mut text = match lang {
        Lang::Nl => format!("{owner}: sleutel {} geregistreerd {by}", key_id(&view.key)),
        Lang::En => format!("{owner}: key {} registered {by}", key_id(&view.key)),
    };
    if let Some(replaced) = &view.replaces {
        text.push_str(&match lang {
            Lang::Nl => format!(", vervangt sleutel {}", key_id(replaced)),
            Lang::En => format!(", replacing key {}", key_id(replaced)),
        });
    }
    if let Some(reason) = &view.revocation_reason {
        text.push_str(&match lang {
            Lang::Nl => format!("; ingetrokken: {reason}"),
            Lang::En => format!("; revoked: {reason}"),
        });
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// A registration a reader should see one by one: not sent by the owner, replacing a
/// key, or revoked.
fn notable(view: &AuthorKeyView) -> bool {
    view.registered_by != view.actor || view.replaces.is_some() || view.revoked_at.is_some()
}

fn title(lang: Lang) -> &'static str {
    lang.pick("Sleutels van auteurs", "Author keys")
}

fn why(lang: Lang) -> Block {
    Block::Para(vec![Inline::Text(
        lang.pick(
            "Bibliotheken en stuurgroepleden ondertekenen hun stem en hun bekrachtiging met hun eigen sleutel. Kijk na of er geen sleutel op jouw naam staat die je niet zelf registreerde.",
            "Libraries and steering-group members sign their votes and certifications with their own key. Check that no key was registered in your name that you did not register yourself.",
        )
        .to_owned(),
    )])
}

/// "304 auteurs registreerden zelf hun sleutel."
fn own_count(n: usize, lang: Lang) -> String {
    let count = integer(n as u64, lang);
    match (lang, n) {
        (Lang::Nl, 1) => format!("{count} auteur registreerde zelf haar sleutel."),
        (Lang::Nl, _) => format!("{count} auteurs registreerden zelf hun sleutel."),
        (Lang::En, 1) => format!("{count} author registered their own key."),
        (Lang::En, _) => format!("{count} authors registered their own keys."),
    }
}

/// The page's blocks: why keys matter, then every registration under a count.
pub(crate) fn page_blocks(
    keys: &[AuthorKeyView],
    name: &dyn Fn(&ActorId) -> String,
    lang: Lang,
) -> Vec<Block> {
    if keys.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![why(lang)];
    let others: Vec<Line> = keys
        .iter()
        .filter(|v| notable(v))
        .map(|v| vec![Inline::Text(sentence(v, name, lang))])
        .collect();
    if !others.is_empty() {
        blocks.push(Block::List(others));
    }
    blocks.push(Block::Details {
        summary: match lang {
            Lang::Nl => format!("Alle {} registraties", integer(keys.len() as u64, lang)),
            Lang::En => format!("All {} registrations", integer(keys.len() as u64, lang)),
        },
        blocks: vec![Block::List(
            keys.iter()
                .map(|v| vec![Inline::Text(sentence(v, name, lang))])
                .collect(),
        )],
    });
    blocks
}

/// The registrations and revocations of the newsletter's period it spells out one by
/// one (the owners' own registrations are only counted).
fn spelled_out(digest: &Digest) -> Vec<&AuthorKeyView> {
    let g = &digest.general;
    let mut spelled: Vec<&AuthorKeyView> = g
        .author_keys_registered
        .iter()
        .filter(|v| notable(v))
        .collect();
    for view in &g.author_keys_revoked {
        if !spelled.iter().any(|r| r.position == view.position) {
            spelled.push(view);
        }
    }
    spelled
}

/// Every actor the newsletter names in its key section (owners and senders), so the
/// issue's input gathers their names with the others.
pub(crate) fn newsletter_actors(digest: &Digest) -> impl Iterator<Item = &ActorId> {
    spelled_out(digest)
        .into_iter()
        .flat_map(|v| [&v.actor, &v.registered_by])
}

/// The newsletter's blocks for the registrations and revocations of its period: the
/// owners' own registrations as one count, every other one spelled out.
pub(crate) fn newsletter_blocks(
    digest: &Digest,
    name: &dyn Fn(&ActorId) -> String,
    lang: Lang,
) -> Vec<Block> {
    let g = &digest.general;
    let spelled = spelled_out(digest);
    let own = g
        .author_keys_registered
        .iter()
        .filter(|v| !notable(v))
        .count();
    if own == 0 && spelled.is_empty() {
        return Vec::new();
    }
    let mut blocks = vec![
        Block::Heading {
            level: 2,
            text: vec![Inline::Text(title(lang).to_owned())],
            id: None,
        },
        why(lang),
    ];
    if own > 0 {
        blocks.push(Block::Para(vec![Inline::Text(own_count(own, lang))]));
    }
    if !spelled.is_empty() {
        blocks.push(Block::List(
            spelled
                .into_iter()
                .map(|v| vec![Inline::Text(sentence(v, name, lang))])
                .collect(),
        ));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(id: &ActorId) -> String {
        match id.as_str() {
            "lib-001" => "Bibliotheek Aalst".to_owned(),
            "secretariaat" => "het secretariaat".to_owned(),
            other => other.to_owned(),
        }
    }

    #[test]
    fn a_key_registered_by_someone_else_says_who_did_it() {
        let view = AuthorKeyView {
            actor: ActorId::new("lib-001"),
            key: "lib-001+0a0b0c0d+AQ==".into(),
            registered_by: ActorId::new("secretariaat"),
            position: 12,
            replaces: Some("lib-001+01020304+AQ==".into()),
            revoked_at: Some(20),
            revocation_reason: Some("Lost.".into()),
        };
        assert_eq!(
            sentence(&view, &names, Lang::En),
            "Bibliotheek Aalst: key 0a0b0c0d registered by het secretariaat, on the owner's \
             behalf, replacing key 01020304; revoked: Lost."
        );
        assert!(notable(&view));
    }

    #[test]
    fn own_registrations_are_counted_with_agreeing_words() {
        assert_eq!(
            own_count(1, Lang::Nl),
            "1 auteur registreerde zelf haar sleutel."
        );
        assert_eq!(
            own_count(304, Lang::Nl),
            "304 auteurs registreerden zelf hun sleutel."
        );
        assert_eq!(
            own_count(2, Lang::En),
            "2 authors registered their own keys."
        );
    }
}
