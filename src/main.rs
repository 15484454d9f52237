//! The server binary: configuration -> database -> migrations -> (demo data) -> router -> serve.

use std::sync::Arc;

use leptos::config::get_configuration;
use too_good_crm::server::{config::Config, db::Db, http, jobs, seed, state::AppState};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // One line per event; `LOG_FORMAT=json` for log collectors.
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    if let Err(err) = run().await {
        tracing::error!("{err}");
        eprintln!("too-good-crm: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let started = std::time::Instant::now();
    let config = Config::from_env_and_args(std::env::args().skip(1))?;
    let mut leptos_options = get_configuration(None).map_err(|e| format!("configuration: {e}"))?.leptos_options;
    // cargo-leptos gives the assets hashed names (Cargo.toml: hash-files) and lists them in a
    // file next to the binary: serve those names however the server is started.
    let hash_file = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join(&*leptos_options.hash_file)));
    leptos_options.hash_files |= hash_file.is_some_and(|file| file.exists());
    let addr = leptos_options.site_addr;

    let db = Db::connect(&config.database_url).await.map_err(|e| format!("cannot open the database: {e}"))?;
    db.migrate().await.map_err(|e| format!("migrations failed: {e}"))?;
    if config.seed_demo {
        let added = seed::seed_demo(&db).await.map_err(|e| format!("seeding the demo data failed: {e}"))?;
        tracing::info!(added, "demo data: sign in as {} / {}", seed::DEMO_EMAIL, seed::DEMO_PASSWORD);
    }

    // The background jobs (mail): a worker in every server process.
    jobs::Worker::new(db.clone(), &config)?.spawn();
    let state = AppState { db: db.clone(), config: Arc::new(config), leptos_options };
    let app = http::router(state);
    let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(%addr, backend = ?db.backend(), startup_ms = started.elapsed().as_millis() as u64, "listening on http://{addr}");
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(http::shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    db.close().await;
    Ok(())
}
