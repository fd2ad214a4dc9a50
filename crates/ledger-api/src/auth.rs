//! Who writes: the bearer token of a request checked against the token book, and the
//! token's scope checked against the command before the domain sees it.
//!
//! A token proves an actor acting in one role. Its scope is narrower than everything the
//! actor may do: a library token cannot act as secretariat even if that actor also holds
//! that role, and acts for its own library only. Whether the log grants the role at all
//! is `decide`'s question (it answers 403 too). Every failure to authenticate is the same
//! 401, whatever the reason, so a caller learns nothing about which tokens exist. This
//! module must never log or echo a token, and never hold the table of who may do what:
//! that is `Command::required_roles`.

use actix_web::http::header;
use actix_web::HttpRequest;
use ledger_core::{Command, Rejection, Role};
use ledger_store::{TokenBook, TokenGrant};

use crate::problem::ApiError;

/// The one answer to a missing, malformed, unknown or revoked token.
fn unauthorized() -> ApiError {
    ApiError::Unauthorized(
        "a valid bearer token is required: Authorization: Bearer <token>".to_owned(),
    )
}

/// The token of `Authorization: Bearer <token>`: exactly one such header, the scheme in
/// any case, one token68 value (RFC 6750).
pub fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    let mut values = req.headers().get_all(header::AUTHORIZATION);
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(unauthorized());
    };
    let text = value.to_str().map_err(|_| unauthorized())?;
    let (scheme, token) = text.split_once(' ').ok_or_else(unauthorized)?;
    let token = token.trim_start_matches(' ');
    let token68 = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || !token.chars().all(token68) {
        return Err(unauthorized());
    }
    Ok(token)
}

/// The grant of the request's bearer token, or 401.
pub fn authenticate(req: &HttpRequest, book: &TokenBook) -> Result<TokenGrant, ApiError> {
    let token = bearer_token(req)?;
    match book.authenticate(token) {
        Ok(Some(grant)) => Ok(grant),
        Ok(None) => Err(unauthorized()),
        Err(e) => {
            tracing::error!(error = %e, "the token book cannot be read");
            Err(ApiError::Unavailable(
                "credentials cannot be checked now; try again later".to_owned(),
            ))
        }
    }
}

/// Whether the token's role may issue `command` at all (403 if not). The log's roles are
/// checked later by `decide`.
pub fn authorize(grant: &TokenGrant, command: &Command) -> Result<(), ApiError> {
    let needed = command.required_roles();
    if needed.is_empty() {
        // Only initialisation needs no role: it happens once, offline, by `ledger init`.
        return Err(ApiError::Forbidden(format!(
            "{} is not accepted over HTTP; a ledger is initialised with `ledger init`",
            command.type_name()
        )));
    }
    if !needed.contains(&grant.role.kind()) {
        return Err(ApiError::Rejected(Rejection::not_permitted(
            &grant.actor,
            needed,
        )));
    }
    if let (Role::Library(own), Command::CastVote { library, .. }) = (&grant.role, command) {
        if own != library {
            return Err(ApiError::Rejected(Rejection::ActingForAnotherLibrary {
                actor: grant.actor.clone(),
                library: library.clone(),
            }));
        }
    }
    // Only a secretariat token acts on another actor's key; any other token manages its
    // own actor's key only (`decide` then checks the roles in the log).
    if let Command::RegisterAuthorKey { actor, .. } | Command::RevokeAuthorKey { actor, .. } =
        command
    {
        if grant.role != Role::Secretariat && *actor != grant.actor {
            return Err(ApiError::Rejected(Rejection::KeyOfAnotherActor {
                actor: grant.actor.clone(),
                owner: actor.clone(),
            }));
        }
    }
    Ok(())
}

/// Adds the `bearer` security scheme that the write routes name to the OpenAPI document.
#[derive(Debug)]
pub struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from `ledger token issue` (`lgt_...`); reads need none",
                    ))
                    .build(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;
    use ledger_core::{ActorId, Choice, LibraryId, RoundId};

    use super::*;

    fn with(value: &[u8]) -> HttpRequest {
        TestRequest::default()
            .insert_header((
                header::AUTHORIZATION,
                header::HeaderValue::from_bytes(value).unwrap(),
            ))
            .to_http_request()
    }

    #[test]
    fn only_one_well_formed_bearer_header_yields_a_token() {
        assert_eq!(
            bearer_token(&with(b"Bearer lgt_abc-_")).ok(),
            Some("lgt_abc-_")
        );
        assert_eq!(bearer_token(&with(b"bearer lgt_abc")).ok(), Some("lgt_abc"));
        for bad in [
            &b"Bearer"[..],
            b"Bearer ",
            b"Basic x",
            b"lgt_abc",
            b"Bearer a b",
            b"Bearer \xff\xfe",
        ] {
            assert!(bearer_token(&with(bad)).is_err(), "{bad:?}");
        }
        assert!(bearer_token(&TestRequest::default().to_http_request()).is_err());
        let twice = TestRequest::default()
            .append_header((header::AUTHORIZATION, "Bearer a"))
            .append_header((header::AUTHORIZATION, "Bearer b"))
            .to_http_request();
        assert!(bearer_token(&twice).is_err());
    }

    #[test]
    fn a_library_token_votes_for_its_own_library_only() {
        let grant = TokenGrant {
            actor: ActorId::new("acc-a"),
            role: Role::Library(LibraryId::new("lib-a")),
            key: [0; 32],
        };
        let vote = |library: &str| Command::CastVote {
            round: RoundId::new("r"),
            library: LibraryId::new(library),
            choice: Choice::Yes,
            remark: None,
            signature: None,
        };
        assert!(authorize(&grant, &vote("lib-a")).is_ok());
        assert!(matches!(
            authorize(&grant, &vote("lib-b")),
            Err(ApiError::Rejected(
                Rejection::ActingForAnotherLibrary { .. }
            ))
        ));
        assert!(matches!(
            authorize(
                &grant,
                &Command::CloseRound {
                    round: RoundId::new("r")
                }
            ),
            Err(ApiError::Rejected(Rejection::NotPermitted { .. }))
        ));
    }
}
