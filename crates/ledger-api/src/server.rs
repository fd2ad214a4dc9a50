//! Assembling the actix-web application: routes, extractor error handlers, CORS, limits,
//! and running it (on the caller's thread, or on one of its own for tests and benches).
//!
//! Every extractor failure (bad query, path, JSON) is turned into a problem+json answer
//! here, so no route can answer in another format. This module must never hold domain
//! logic.

use std::time::Duration;

use actix_cors::Cors;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use crate::problem::ApiError;
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
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".to_owned(),
            workers: None,
            body_limit: 64 * 1024,
            request_timeout: Duration::from_secs(10),
            rate_limit: crate::ratelimit::RateLimit::default(),
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
            .error_handler(|e, _| ApiError::BadRequest(format!("bad query: {e}")).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| ApiError::BadRequest(format!("bad path: {e}")).into()),
    )
    .app_data(
        web::JsonConfig::default()
            .limit(body_limit)
            .error_handler(move |e, _| match e {
                actix_web::error::JsonPayloadError::Overflow { .. }
                | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => {
                    ApiError::PayloadTooLarge { limit: body_limit }.into()
                }
                other => ApiError::BadRequest(format!("bad JSON body: {other}")).into(),
            }),
    )
    .service(routes::meta::healthz)
    .service(routes::meta::openapi)
    .service(routes::meta::digest)
    .service(routes::registry::list)
    .service(routes::registry::one)
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
    .service(routes::rounds::remarks)
    .service(routes::events::list)
    .service(routes::events::one)
    .service(routes::pages::home)
    .service(routes::pages::result_svg)
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

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        what: "route",
        id: req.path().chars().take(128).collect(),
    })
}

/// Runs the server until it is stopped (Ctrl-C), then saves the projection snapshot.
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
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(app_state.clone())
            .app_data(writes.clone())
            .wrap(cors())
            .configure(|cfg| configure(cfg, body_limit))
            .default_service(web::to(not_found))
    })
    .client_request_timeout(config.request_timeout)
    .bind(&config.addr)?;
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    ready(&server.addrs());
    server.run().await?;
    state.live.save_snapshot();
    Ok(())
}

/// Builds the application for in-process tests (`actix_web::test::init_service`).
pub fn test_app(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    test_app_with(state, &ServerConfig::default())
}

/// [`test_app`] with the limits of `config` (body limit, rate limit, timeouts).
pub fn test_app_with(
    state: web::Data<AppState>,
    config: &ServerConfig,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = config.body_limit;
    App::new()
        .app_data(state)
        .app_data(config.write_limits())
        .wrap(cors())
        .configure(move |cfg| configure(cfg, limit))
        .default_service(web::to(not_found))
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
