//! Author key registrations for people: on the page every registration, and in the
//! newsletter those of its period, each with whose key it is, its key id, who sent it
//! and the record, so a library sees whether a key was registered in its name
//! (ARCHITECTURE.md, "Author signatures").
//!
//! It only renders what the projections hold; it must never judge a signature, and
//! never print a key as trustworthy: it says who registered it, not that it is right.

use ledger_projections::{AuthorKeyView, Digest, ReadModel};

use crate::doc::{Block, Inline, Line};
use crate::escape::escape_html;
use crate::lang::Lang;

/// The key id part of a verifier key (`name+keyid+material`), or the whole key.
fn key_id(key: &str) -> &str {
    key.split('+').nth(1).unwrap_or(key)
}

/// One registration as a sentence.
fn sentence(view: &AuthorKeyView, lang: Lang) -> String {
    let by = if view.registered_by == view.actor {
        match lang {
            Lang::Nl => "door zichzelf".to_owned(),
            Lang::En => "by itself".to_owned(),
        }
    } else {
        match lang {
            Lang::Nl => format!("door {}, namens de eigenaar", view.registered_by),
            Lang::En => format!("by {}, on the owner's behalf", view.registered_by),
        }
    };
    let mut text = match lang {
        Lang::Nl => format!(
            "{}: sleutel {} geregistreerd {by} (record {})",
            view.actor,
            key_id(&view.key),
            view.position
        ),
        Lang::En => format!(
            "{}: key {} registered {by} (record {})",
            view.actor,
            key_id(&view.key),
            view.position
        ),
    };
    if let Some(replaced) = &view.replaces {
        text.push_str(&match lang {
            Lang::Nl => format!(", vervangt sleutel {}", key_id(replaced)),
            Lang::En => format!(", replacing key {}", key_id(replaced)),
        });
    }
    if let (Some(at), Some(reason)) = (view.revoked_at, &view.revocation_reason) {
        text.push_str(&match lang {
            Lang::Nl => format!("; ingetrokken in record {at}: {reason}"),
            Lang::En => format!("; revoked in record {at}: {reason}"),
        });
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

fn title(lang: Lang) -> &'static str {
    lang.pick("Sleutels van auteurs", "Author keys")
}

/// The page's section: every registration, folded away under a count.
pub(crate) fn page_section(model: &ReadModel, lang: Lang) -> String {
    let keys = model.author_keys();
    if keys.is_empty() {
        return String::new();
    }
    let mut out = format!("<section>\n<h2>{}</h2>\n", title(lang));
    out.push_str(&format!(
        "<p>{}</p>\n",
        escape_html(lang.pick(
            "Stemmen en certificeringen worden ondertekend met de eigen sleutel van hun auteur. Kijk na of er geen sleutel op uw naam staat die u niet zelf registreerde.",
            "Votes and certifications are signed with their author's own key. Check that no key was registered in your name that you did not register yourself."
        ))
    ));
    out.push_str(&format!(
        "<details><summary>{}</summary>\n<ul>\n",
        escape_html(&match lang {
            Lang::Nl => format!("{} registraties", keys.len()),
            Lang::En => format!("{} registrations", keys.len()),
        })
    ));
    for view in keys {
        out.push_str(&format!(
            "<li>{}</li>\n",
            escape_html(&sentence(view, lang))
        ));
    }
    out.push_str("</ul></details>\n</section>\n");
    out
}

/// The newsletter's blocks: the registrations and revocations of its period.
pub(crate) fn newsletter_blocks(digest: &Digest, lang: Lang) -> Vec<Block> {
    let g = &digest.general;
    let mut items: Vec<Line> = g
        .author_keys_registered
        .iter()
        .map(|view| vec![Inline::Text(sentence(view, lang))])
        .collect();
    for view in &g.author_keys_revoked {
        if !g
            .author_keys_registered
            .iter()
            .any(|r| r.position == view.position)
        {
            items.push(vec![Inline::Text(sentence(view, lang))]);
        }
    }
    if items.is_empty() {
        return Vec::new();
    }
    vec![
        Block::Heading {
            level: 2,
            text: vec![Inline::Text(title(lang).to_owned())],
            id: None,
        },
        Block::List(items),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_registered_by_someone_else_says_who_did_it() {
        let view = AuthorKeyView {
            actor: ledger_core::ActorId::new("lib-001"),
            key: "lib-001+0a0b0c0d+AQ==".into(),
            registered_by: ledger_core::ActorId::new("secretariaat"),
            position: 12,
            replaces: Some("lib-001+01020304+AQ==".into()),
            revoked_at: Some(20),
            revocation_reason: Some("Lost.".into()),
        };
        assert_eq!(
            sentence(&view, Lang::En),
            "lib-001: key 0a0b0c0d registered by secretariaat, on the owner's behalf \
             (record 12), replacing key 01020304; revoked in record 20: Lost."
        );
    }
}
