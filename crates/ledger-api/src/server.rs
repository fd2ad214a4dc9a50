//! Assembling the actix-web application: routes, extractor error handlers, CORS, limits,
//! running it (on the caller's thread, or on one of its own for tests and benches), and
//! the HTTP edges around the routes (HEAD, 405 with `Allow`, encoded bodies, errors
//! raised outside a handler).
//!
//! Every extractor failure (bad query, path, JSON) is turned into a problem+json answer
//! here, so no route can answer in another format; an error answer that some layer of
//! actix built in another format (a refused CORS preflight) is rewritten as problem+json
//! by [`edges`]. Errors actix-http answers before the application sees the request (a
//! malformed head, a head over the size limit: 400/431 with an empty body) are beyond
//! reach; RELIABILITY.md says so. This module must never hold domain logic.

use std::sync::OnceLock;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer, ResponseError};

use crate::problem::{bounded, ApiError, PROBLEM_JSON};
use crate::public_url::{PublicBase, PublicUrl};
use crate::routes::{self, AppState};

/// How the server listens and what it accepts.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The address to bind, e.g. `127.0.0.1:8080`.
    pub addr: String,
    /// Worker threads (default: one per core).
    pub workers: Option<usize>,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long a client may take to send its request head (and, on the write route,
    /// its body).
    pub request_timeout: Duration,
    /// The per-token rate limit of the write route.
    pub rate_limit: crate::ratelimit::RateLimit,
    /// The public URL the page and the feed link with (`--public-url`); never taken from
    /// a request.
    pub public_url: Option<PublicUrl>,
    /// Without `public_url`, use the address the server listens on (`ledger demo`).
    pub public_url_from_listener: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".to_owned(),
            workers: None,
            body_limit: 64 * 1024,
            request_timeout: Duration::from_secs(10),
            rate_limit: crate::ratelimit::RateLimit::default(),
            public_url: None,
            public_url_from_listener: false,
        }
    }
}

impl ServerConfig {
    /// The write route's limits; one value per server, so every worker shares the
    /// rate-limit buckets.
    pub fn write_limits(&self) -> web::Data<routes::commands::WriteLimits> {
        web::Data::new(routes::commands::WriteLimits::new(
            self.body_limit,
            self.request_timeout,
            self.rate_limit,
        ))
    }
}

/// Registers every route and the extractor error handlers.
pub fn configure(cfg: &mut web::ServiceConfig, body_limit: usize) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| ApiError::BadRequest(bounded(format!("bad query: {e}"))).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| ApiError::BadRequest(bounded(format!("bad path: {e}"))).into()),
    )
    .app_data(
        web::JsonConfig::default()
            .limit(body_limit)
            .error_handler(move |e, _| match e {
                actix_web::error::JsonPayloadError::Overflow { .. }
                | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::PayloadTooLarge { limit: body_limit }.into()
                }
                other => ApiError::BadRequest(bounded(format!("bad JSON body: {other}"))).into(),
            }),
    )
    .service(routes::meta::healthz)
    .service(routes::meta::openapi)
    .service(routes::meta::digest)
    .service(routes::registry::list)
    .service(routes::registry::one)
    .service(routes::registry::actor)
    .service(routes::proposals::list)
    .service(routes::proposals::one)
    .service(routes::rounds::list)
    // The CSV routes must come before `/v1/rounds/{id}/...` JSON routes would shadow them;
    // their paths are literal suffixes, so order among them does not matter.
    .service(routes::csv::votes_file)
    .service(routes::csv::result_file)
    .service(routes::rounds::one)
    .service(routes::rounds::result)
    .service(routes::rounds::votes)
    .service(routes::rounds::not_voted)
    .service(routes::rounds::remarks)
    .service(routes::rounds::ballots)
    .service(routes::events::list)
    .service(routes::events::one)
    .service(routes::pages::home)
    .service(routes::pages::result_svg)
    .service(routes::pages::result_png)
    .service(routes::pages::feed)
    .service(routes::log::checkpoint)
    .service(routes::log::key)
    .service(routes::log::entry)
    .service(routes::log::inclusion)
    .service(routes::log::consistency)
    .service(routes::log::tile)
    .service(routes::commands::submit);
}

/// Any origin may read; writes carry a bearer token, not cookies, so allowing them
/// cross-origin gives a page nothing it could not do with its own token.
pub fn cors() -> Cors {
    Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET", "HEAD", "OPTIONS", "POST"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::IF_NONE_MATCH,
            actix_web::http::header::IF_MATCH,
            actix_web::http::header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            actix_web::http::header::ETAG,
            actix_web::http::header::LOCATION,
            actix_web::http::header::RETRY_AFTER,
        ])
        .max_age(3600)
}

/// The answer for a request no route took: 405 with `Allow` when the path is a route's
/// (204 with `Allow` for a plain `OPTIONS`), 404 otherwise.
async fn unrouted(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let Some(allow) = allowed_methods(req.path()) else {
        return Err(ApiError::NotFound {
            what: "route",
            id: req.path().chars().take(128).collect(),
        });
    };
    if req.method() == Method::OPTIONS {
        return Ok(HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish());
    }
    let method = if req.extensions().contains::<AskedWithHead>() {
        "HEAD".to_owned()
    } else {
        bounded(req.method().as_str())
    };
    Err(ApiError::MethodNotAllowed {
        method,
        allow: allow.to_owned(),
    })
}

/// Marks a request that came as `HEAD` and is routed as `GET`.
#[derive(Clone, Copy, Debug)]
struct AskedWithHead;

/// The `Allow` value of the route whose pattern `path` matches, if any. The routes are
/// read from the OpenAPI document, which a test keeps equal to the served routes.
fn allowed_methods(path: &str) -> Option<&'static str> {
    static ROUTES: OnceLock<Vec<(ResourceDef, String)>> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        use utoipa::OpenApi;
        crate::openapi::ApiDoc::openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                // The tile path is one parameter that spans segments (`{path:.*}`).
                let pattern = template.replace("{path}", "{path:.*}");
                let mut methods = Vec::new();
                if item.get.is_some() {
                    methods.extend(["GET", "HEAD"]);
                }
                if item.post.is_some() {
                    methods.push("POST");
                }
                methods.push("OPTIONS");
                (ResourceDef::new(pattern), methods.join(", "))
            })
            .collect()
    });
    routes
        .iter()
        .find(|(def, _)| def.is_match(path))
        .map(|(_, allow)| allow.as_str())
}

/// The HTTP edges every request passes first:
/// - a body with a `Content-Encoding` other than `identity` is refused (415) before
///   anything reads it: no route takes compressed bodies, and none may cost inflating;
/// - `HEAD` is answered as `GET` (actix-http drops the body on the wire);
/// - an error answer built outside our handlers, in another format than problem+json
///   (actix-cors refusing a preflight), is rewritten as problem+json with its status.
pub async fn edges(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if let Some(encoding) = req.headers().get(header::CONTENT_ENCODING) {
        let encoding = String::from_utf8_lossy(encoding.as_bytes());
        if !encoding.trim().eq_ignore_ascii_case("identity") {
            let refusal = ApiError::UnsupportedEncoding {
                encoding: bounded(encoding.trim()),
            };
            return Ok(req.error_response(refusal));
        }
    }
    if req.method() == Method::HEAD {
        req.extensions_mut().insert(AskedWithHead);
        req.head_mut().method = Method::GET;
    }
    // Cloning the request here would stop the router from recording the path's
    // parameters, so an inner `Err` (which no layer here returns) is left to actix.
    let response = next.call(req).await?;
    Ok(as_problem(response.map_into_boxed_body()))
}

/// `response` unchanged, unless it carries an error and is not problem+json: then the
/// same status as problem+json (headers such as CORS's `Vary` kept).
fn as_problem(response: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let Some(error) = response.response().error() else {
        return response;
    };
    if is_problem {
        return response;
    }
    let problem = ApiError::Refused {
        status: response.status(),
        detail: bounded(error),
    };
    let (request, old) = response.into_parts();
    let mut new = problem.error_response();
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && !new.headers().contains_key(name)
        {
            new.headers_mut().append(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, new)
}

/// Runs the server until it is stopped (Ctrl-C), then saves the projection snapshot
/// (through the store, which writes nothing for a ledger in quarantine).
/// `ready` is called with the bound addresses once the socket listens (port 0 picks a
/// free port, so callers learn the real one here).
pub async fn run(
    state: web::Data<AppState>,
    config: ServerConfig,
    ready: impl FnOnce(&[std::net::SocketAddr]),
) -> std::io::Result<()> {
    let body_limit = config.body_limit;
    let app_state = state.clone();
    let writes = config.write_limits();
    let base = web::Data::new(PublicBase::new(config.public_url.clone()));
    let app_base = base.clone();
    let mut server = HttpServer::new(move || {
        application(
            app_state.clone(),
            writes.clone(),
            app_base.clone(),
            body_limit,
        )
    })
    .client_request_timeout(config.request_timeout)
    .bind(&config.addr)?;
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    let addrs = server.addrs();
    if config.public_url_from_listener {
        if let Some(addr) = addrs.first() {
            base.set_if_unset(PublicUrl::listening_on(*addr));
        }
    }
    ready(&addrs);
    server.run().await?;
    state.live.save_snapshot(&state.ledger);
    Ok(())
}

/// The application: state, limits, public URL, routes, CORS and the HTTP edges.
fn application(
    state: web::Data<AppState>,
    writes: web::Data<routes::commands::WriteLimits>,
    base: web::Data<PublicBase>,
    body_limit: usize,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(writes)
        .app_data(base)
        .wrap(cors())
        .wrap(from_fn(edges))
        .configure(move |cfg| configure(cfg, body_limit))
        .default_service(web::to(unrouted))
}

/// Builds the application for in-process tests (`actix_web::test::init_service`).
pub fn test_app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    test_app_with(state, &ServerConfig::default())
}

/// [`test_app`] with the limits and public URL of `config`.
pub fn test_app_with(
    state: web::Data<AppState>,
    config: &ServerConfig,
) -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    application(
        state,
        config.write_limits(),
        web::Data::new(PublicBase::new(config.public_url.clone())),
        config.body_limit,
    )
}

/// A server running on a thread of its own (tests and the benchmark serve a ledger they
/// also write to); stopped when dropped.
#[derive(Debug)]
pub struct Spawned {
    /// The address it listens on.
    pub addr: std::net::SocketAddr,
    system: actix_web::rt::System,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts [`run`] on a new thread and waits (up to a minute) until it listens.
pub fn spawn(state: AppState, config: ServerConfig) -> std::io::Result<Spawned> {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let runner = actix_web::rt::System::new();
        runner.block_on(async move {
            let system = actix_web::rt::System::current();
            actix_web::rt::spawn(async move {
                let failed = tx.clone();
                let served = run(web::Data::new(state), config, move |addrs| {
                    let _ = tx.send(addrs.first().copied().map(|a| (a, system)));
                })
                .await;
                if let Err(e) = served {
                    tracing::error!(error = %e, "the spawned server failed");
                    let _ = failed.send(None);
                }
            });
        });
        let _ = runner.run();
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Some((addr, system))) => Ok(Spawned {
            addr,
            system,
            thread: Some(thread),
        }),
        _ => Err(std::io::Error::other("the server did not start listening")),
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.system.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
