//! The HTTP server: binds, serves the API and health check, shuts down
//! gracefully (SIGTERM / SIGINT when run by the CLI; `stop` in tests).

use crate::api;
use crate::error::{Error, ErrorKind, Result};
use crate::App;
use activitypub_federation::config::FederationMiddleware;
use actix_web::dev::{ServerHandle, Service};
use actix_web::http::Method;
use actix_web::{web, HttpServer};
use std::net::{SocketAddr, TcpListener};
use tracing_actix_web::TracingLogger;

pub struct RunningServer {
    pub addr: SocketAddr,
    pub handle: ServerHandle,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The delivery worker; stopped with the server.
    pub worker: Worker,
    /// The metrics listener, when `metrics.bind` gives it an address.
    pub metrics: Option<(SocketAddr, ServerHandle)>,
}

impl RunningServer {
    pub async fn stop(self) {
        if let Some((_, m)) = &self.metrics {
            m.stop(true).await;
        }
        self.handle.stop(true).await;
        let _ = self.task.await;
        self.worker.stop().await;
    }

    /// Serves until the HTTP server ends (a signal), then stops the worker.
    pub async fn wait(self) -> std::io::Result<()> {
        let result = match self.task.await {
            Ok(r) => r,
            Err(e) => Err(std::io::Error::other(e)),
        };
        self.worker.stop().await;
        result
    }
}

/// The running delivery worker.
pub struct Worker {
    handle: crate::jobs::delivery::WorkerHandle,
    /// The daily reputation job.
    daily: tokio::task::JoinHandle<()>,
    /// The event consumers. Aborting one mid-batch is safe: its
    /// transaction rolls back and the batch is applied again later.
    consumers: Vec<tokio::task::JoinHandle<()>>,
    /// The mail worker, when mail is configured. Aborting it mid-send is
    /// safe: the mail's lease runs out and it is sent again.
    mail: Option<tokio::task::JoinHandle<()>>,
    /// The webhook sender; aborting it is safe for the same reason.
    webhooks: tokio::task::JoinHandle<()>,
    /// The article scheduler; aborting it is safe (each article comes
    /// out in one transaction).
    articles: tokio::task::JoinHandle<()>,
    /// The clean-up of unattached uploads.
    media: tokio::task::JoinHandle<()>,
    /// The escalation check; aborting it mid-check rolls its transaction back.
    escalation: tokio::task::JoinHandle<()>,
    /// The influence computation (its write is one transaction).
    influence: tokio::task::JoinHandle<()>,
    /// The analytics roll-up (its write is one transaction).
    analytics: tokio::task::JoinHandle<()>,
    /// How long deliveries in flight may take to finish at shutdown.
    grace: std::time::Duration,
}

impl Worker {
    /// Lets deliveries in flight finish (and record their outcome, so a
    /// restart does not wait for their lease to expire), then stops.
    pub async fn stop(self) {
        self.daily.abort();
        for c in &self.consumers {
            c.abort();
        }
        if let Some(m) = &self.mail {
            m.abort();
        }
        self.webhooks.abort();
        self.articles.abort();
        self.media.abort();
        self.escalation.abort();
        self.influence.abort();
        self.analytics.abort();
        self.handle.stop(self.grace).await;
    }
}

/// Binds `listener` and serves; `handle_signals` is off for embedded use.
pub async fn start(app: App, listener: TcpListener, handle_signals: bool) -> Result<RunningServer> {
    let addr = listener
        .local_addr()
        .map_err(|e| Error::with_cause(ErrorKind::Internal, "cannot read the bound address", e))?;
    app.keys.refill();
    let fed = crate::federation::context::build(&app).await?;
    let worker = crate::jobs::delivery::spawn(app.clone(), app.delivery_wakeup.clone())?;
    let worker = Worker {
        grace: std::time::Duration::from_secs(
            u64::from(app.config.federation.request_timeout_secs) + 5,
        ),
        handle: worker,
        daily: crate::jobs::reputation::spawn(app.clone()),
        consumers: crate::jobs::events::spawn(app.clone()),
        mail: crate::jobs::mail::spawn(app.clone())?,
        webhooks: crate::jobs::webhooks::spawn(app.clone())?,
        articles: crate::jobs::articles::spawn(app.clone()),
        media: crate::jobs::media::spawn(app.clone()),
        escalation: crate::jobs::escalation::spawn(app.clone()),
        influence: crate::jobs::influence::spawn(app.clone()),
        analytics: crate::jobs::analytics::spawn(app.clone()),
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let metrics = serve_metrics(&app)?;
    // /metrics on the main address, unless it has an address of its own.
    let metrics_here = app.metrics.is_some() && app.config.metrics.bind.is_empty();
    let count_requests = app.metrics.is_some();
    let data = web::Data::new(app);
    let mut server = HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            // Paths and query strings with control characters or broken
            // UTF-8 never reach a route (nor the store).
            .wrap(api::input::Screen)
            .wrap(FederationMiddleware::new(fed.clone()))
            .wrap_fn(|req, srv| {
                // Any request that may write ends the cached answers.
                let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
                let answers = req
                    .app_data::<web::Data<App>>()
                    .map(|app| app.answers.clone());
                let answer = srv.call(req);
                async move {
                    let res = answer.await;
                    if let (true, Some(answers)) = (writes, answers) {
                        answers.note_write();
                    }
                    res
                }
            })
            // Pages: error pages for browsers, CSRF cookie, security headers.
            .wrap(actix_web::middleware::from_fn(crate::web::errors::pages))
            .wrap(api::request_id::RequestIdHeader)
            .wrap(TracingLogger::default())
            .wrap(actix_web::middleware::Condition::new(
                count_requests,
                actix_web::middleware::from_fn(crate::telemetry::count_requests),
            ))
            .configure(|cfg| {
                if metrics_here {
                    cfg.route("/metrics", web::get().to(crate::telemetry::serve));
                }
            })
            .configure(crate::federation::http::routes)
            .configure(crate::federation::inbox::routes)
            .configure(api::configure(&data))
            // Last: answers 405 or 404 for what no route above took.
            .configure(api::unrouted)
    })
    .workers(workers)
    .shutdown_timeout(30)
    .listen(listener)
    .map_err(|e| Error::with_cause(ErrorKind::Internal, format!("cannot listen on {addr}"), e))?;
    if !handle_signals {
        server = server.disable_signals();
    }
    let server = server.run();
    let handle = server.handle();
    let task = tokio::spawn(server);
    Ok(RunningServer {
        addr,
        handle,
        task,
        worker,
        metrics,
    })
}

/// The metrics listener on `metrics.bind`, when set: only `/metrics`.
fn serve_metrics(app: &App) -> Result<Option<(SocketAddr, ServerHandle)>> {
    if app.metrics.is_none() || app.config.metrics.bind.is_empty() {
        return Ok(None);
    }
    let listener = bind(&app.config.metrics.bind)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::with_cause(ErrorKind::Internal, "cannot read the bound address", e))?;
    let data = web::Data::new(app.clone());
    let server = HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(crate::telemetry::serve))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .map_err(|e| Error::with_cause(ErrorKind::Internal, format!("cannot listen on {addr}"), e))?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(Some((addr, handle)))
}

pub fn bind(addr: &str) -> Result<TcpListener> {
    TcpListener::bind(addr)
        .map_err(|e| Error::with_cause(ErrorKind::Unavailable, format!("cannot bind {addr}"), e))
}
