//! The `guildhall` command: serve, migrate, and administration.

use clap::{Parser, Subcommand};
use guildhall::config::Config;
use guildhall::moderation::policy;
use guildhall::reputation;
use guildhall::{community, logging, server, App};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "guildhall",
    version,
    about = "A self-hosted, federated community server"
)]
struct Cli {
    /// Configuration file (TOML); GUILDHALL_* variables override it.
    #[arg(long, global = true, env = "GUILDHALL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrates the database first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Federation tools that need no configuration or database.
    Federation {
        #[command(subcommand)]
        task: FederationTask,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Create an active account. The password is read from standard input;
    /// when none is piped in, one is generated and printed once.
    CreateUser {
        name: String,
        /// Make the account an instance administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Approve a sign-up waiting for approval.
    ApproveUser { name: String },
    /// Federation policy: which servers this one federates with.
    Domain {
        #[command(subcommand)]
        task: DomainTask,
    },
    /// Set a local account's role: user, staff, moderator or admin.
    SetRole { name: String, role: String },
    /// Recompute every person's reputation from the ledger.
    RecomputeReputation,
    /// Reverse serial voting of the last 24 hours now (a daily job does it).
    ReverseSerialVotes,
}

#[derive(Subcommand)]
enum DomainTask {
    /// The federation mode and every server with a policy.
    List,
    /// Federate with a partner (needed in allowlist mode).
    Allow { domain: String },
    /// Keep a server's votes from counting.
    Silence { domain: String },
    /// Refuse everything from a server, and never fetch from or deliver to it.
    Block { domain: String },
    /// Back to the default policy.
    Reset { domain: String },
    /// `open` (every server not blocked) or `allowlist` (partners only).
    Mode { mode: String },
    /// How much a server's votes weigh in reputation (0 to 10; default 1).
    Weight { domain: String, weight: f64 },
}

#[derive(Subcommand)]
enum FederationTask {
    /// Say what this server would do with one activity or object (JSON),
    /// without network or database. Exit 1 when it cannot be read.
    Inspect {
        /// The JSON file, or `-` for standard input.
        file: String,
    },
}

/// Exit codes: 0 success, 1 runtime failure, 2 bad configuration or usage.
fn main() -> ExitCode {
    let cli = Cli::parse();
    // Inspecting a payload must work anywhere: it reads no configuration
    // and opens no database.
    let command = match cli.command {
        Command::Federation { task } => return federation(task),
        other => other,
    };
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("guildhall: {e}");
            return ExitCode::from(2);
        }
    };
    logging::init(&config);
    let result = match command {
        Command::Serve => serve(config),
        Command::Migrate => migrate(config),
        Command::Admin { task } => admin(config, task),
        Command::Federation { task } => return federation(task),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("guildhall: {}", e.detail);
            tracing::error!(error = ?e, "stopped");
            ExitCode::from(1)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, guildhall::error::Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| guildhall::error::Error::internal("cannot start the runtime", e))
}

fn serve(config: Config) -> Result<(), guildhall::error::Error> {
    let bind = config.bind.clone();
    let public_url = config.public_url.clone();
    let app = App::open(config)?;
    tracing::info!(
        database = app.store.backend().name(),
        public_url = %public_url,
        "store ready"
    );
    let missing = app.store.missing_sqlite_options()?;
    if !missing.is_empty() {
        tracing::warn!(
            missing = missing.join(" "),
            "the bundled SQLite was built without these options (LIBSQLITE3_FLAGS in .cargo/config.toml): it works, but slower; rebuild from the repository root"
        );
    }
    let listener = server::bind(&bind)?;
    runtime()?.block_on(async move {
        let running = server::start(app, listener, true).await?;
        tracing::info!(addr = %running.addr, "listening");
        // actix stops gracefully on SIGTERM / SIGINT and the task ends.
        running
            .wait()
            .await
            .map_err(|e| guildhall::error::Error::internal("the server failed", e))?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn migrate(config: Config) -> Result<(), guildhall::error::Error> {
    let store = guildhall::store::Store::open(&config)?;
    let n = store.migrate()?;
    println!("applied {n} migration(s) on {}", store.backend().name());
    Ok(())
}

fn admin(config: Config, task: AdminTask) -> Result<(), guildhall::error::Error> {
    let app = App::open(config)?;
    match task {
        AdminTask::CreateUser { name, admin } => {
            let piped = read_password()?;
            let generated = piped.is_none();
            let password = piped.unwrap_or_else(community::tokens::random_password);
            let account = community::accounts::create_user_blocking(&app, &name, &password, admin)?;
            println!(
                "created {} {} (id {})",
                if admin { "administrator" } else { "user" },
                account.person.name,
                account.person.id
            );
            if generated {
                println!("password: {password}");
                println!("(shown once: store it now)");
            }
        }
        AdminTask::Domain { task } => {
            let rt = runtime()?;
            let set = |domain: &str, policy: &str| -> Result<(), guildhall::error::Error> {
                let i = rt.block_on(policy::set_policy(&app, None, domain, policy))?;
                println!("{} {}", i.domain, i.policy);
                Ok(())
            };
            match task {
                DomainTask::List => {
                    let (mode, domains) = rt.block_on(policy::overview(&app, None))?;
                    println!("mode {mode}");
                    for i in domains {
                        println!(
                            "{} {}{}",
                            i.domain,
                            i.policy,
                            if i.dead { " (dead)" } else { "" }
                        );
                    }
                }
                DomainTask::Allow { domain } => set(&domain, "allowed")?,
                DomainTask::Silence { domain } => set(&domain, "silenced")?,
                DomainTask::Block { domain } => set(&domain, "blocked")?,
                DomainTask::Reset { domain } => set(&domain, "open")?,
                DomainTask::Mode { mode } => {
                    println!("mode {}", rt.block_on(policy::set_mode(&app, None, &mode))?);
                }
                DomainTask::Weight { domain, weight } => {
                    let i = rt.block_on(reputation::admin::set_vote_weight(
                        &app, None, &domain, weight,
                    ))?;
                    println!("{} vote weight {}", i.domain, i.vote_weight);
                }
            }
        }
        AdminTask::SetRole { name, role } => {
            let rt = runtime()?;
            let account = rt.block_on(community::accounts::set_role(&app, None, &name, &role))?;
            println!("{} {}", account.person.name, account.user.role);
        }
        AdminTask::RecomputeReputation => {
            let rt = runtime()?;
            let n = rt.block_on(reputation::admin::recompute(&app, None))?;
            println!("recomputed the reputation of {n} people");
        }
        AdminTask::ReverseSerialVotes => {
            let rt = runtime()?;
            let done = rt.block_on(reputation::admin::reverse_serial_votes(&app, None))?;
            for r in &done {
                println!(
                    "{} -> {}: {} votes, {:+} points reversed",
                    r.voter.name, r.author.name, r.votes, -r.points
                );
            }
            println!("{} serial voting runs reversed", done.len());
        }
        AdminTask::ApproveUser { name } => {
            let rt = runtime()?;
            let account = rt.block_on(community::accounts::decide_registration(
                &app, None, &name, true,
            ))?;
            println!("approved {}", account.person.name);
        }
    }
    Ok(())
}

fn federation(task: FederationTask) -> ExitCode {
    match task {
        FederationTask::Inspect { file } => {
            let text = match read_input(&file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("guildhall: {e}");
                    return ExitCode::from(1);
                }
            };
            match guildhall::federation::inspect::inspect(&text) {
                Ok(report) => {
                    print!("{report}");
                    ExitCode::SUCCESS
                }
                Err(reason) => {
                    eprintln!("cannot understand this: {reason}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// The whole of `file`, or of standard input for `-`.
fn read_input(file: &str) -> Result<String, String> {
    let mut text = String::new();
    let read = if file == "-" {
        std::io::stdin().lock().read_to_string(&mut text)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_string(&mut text))
    };
    let source = if file == "-" { "standard input" } else { file };
    read.map(|_| text)
        .map_err(|e| format!("cannot read {source}: {e}"))
}

/// The first line of standard input, when something is piped in.
fn read_password() -> Result<Option<String>, guildhall::error::Error> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin
        .lock()
        .read_to_string(&mut text)
        .map_err(|e| guildhall::error::Error::internal("cannot read standard input", e))?;
    let line = text.lines().next().unwrap_or("").to_string();
    Ok(Some(line).filter(|l| !l.is_empty()))
}
