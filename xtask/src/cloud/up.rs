//! `cloud up`: install what is missing, start what is not running, prove a volume can be made.
use std::fs;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use clap::Args;

use super::paths::Layout;
use super::process::{self, Liveness};
use super::services::{Service, CINDER};
use super::state::{Ports, Secrets, State};
use super::{cinder, config, install, keystone, lock, sqlite, status, wait};

#[derive(Args)]
pub struct UpArgs {
    /// Keystone port on 127.0.0.1 [default: 5000]. Fixed once the cloud is created.
    #[arg(long, env = "CINDER_CLOUD_KEYSTONE_PORT")]
    keystone_port: Option<u16>,
    /// Cinder API port on 127.0.0.1 [default: 8776]. Fixed once the cloud is created.
    #[arg(long, env = "CINDER_CLOUD_CINDER_PORT")]
    cinder_port: Option<u16>,
    /// RabbitMQ AMQP port on 127.0.0.1 [default: 5672; Erlang distribution: this + 20000].
    #[arg(long, env = "CINDER_CLOUD_RABBIT_PORT")]
    rabbit_port: Option<u16>,
}

const START_TIMEOUT: Duration = Duration::from_secs(180);

pub fn run(layout: &Layout, args: &UpArgs) -> Result<ExitCode> {
    let started = Instant::now();
    for dir in layout.dirs() {
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let _lock = lock::acquire(&layout.lock_file())?;
    let state = resolve_state(layout, args)?;
    let secrets = Secrets::load_or_create(layout)?;

    if config::cinder_conf_is_stale(layout, &state, &secrets) {
        restart_cinder(layout)?;
    }
    let snapshot = status::collect(layout, &state);
    if snapshot.all_ok() && layout.clouds_yaml().exists() {
        println!(
            "[cloud] already up in {}; nothing to do",
            layout.root().display()
        );
        status::print(&state, &snapshot);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "[cloud] bringing the cloud up in {}",
        layout.root().display()
    );

    install::ensure_rabbitmq(layout)?;
    install::ensure_venv(layout)?;
    sqlite::install_begin_immediate(layout)?;
    config::write_all(layout, &state, &secrets)?;

    let rabbit_log = format!("rabbitmq/{}", state.rabbit_node());
    start_rabbitmq(layout, &state)
        .map_err(|e| with_logs(e, layout, &["rabbitmq", &rabbit_log, "epmd"]))?;

    keystone::prepare(layout, &state, &secrets)
        .map_err(|e| with_logs(e, layout, &["keystone-manage", "keystone"]))?;
    let keystone_url = state.keystone_url();
    ensure_running(
        layout,
        &state,
        Service::Keystone,
        &[state.ports.keystone],
        || wait::keystone_answers(&keystone_url),
    )
    .map_err(|e| with_logs(e, layout, &["keystone"]))?;
    keystone::ensure_resources(layout, &state, &secrets)
        .map_err(|e| with_logs(e, layout, &["keystone"]))?;

    cinder::prepare(layout).map_err(|e| with_logs(e, layout, &["cinder-manage"]))?;
    let cinder_url = state.cinder_url();
    ensure_running(
        layout,
        &state,
        Service::CinderApi,
        &[state.ports.cinder],
        || wait::cinder_answers(&cinder_url),
    )
    .map_err(|e| with_logs(e, layout, &["cinder-api"]))?;
    // Volume and backup before the scheduler: on startup the scheduler asks the volume services
    // for their capabilities, which only reaches those already listening.
    let mut started_at = Vec::new();
    for service in [
        Service::CinderVolume,
        Service::CinderVolumeClustered,
        Service::CinderBackup,
        Service::CinderScheduler,
    ] {
        let spawned = SystemTime::now();
        if ensure_running(layout, &state, service, &[], || true)
            .map_err(|e| with_logs(e, layout, &[service.name()]))?
        {
            started_at.push((service.name(), spawned));
        }
    }

    let all_cinder = CINDER.map(Service::name);
    println!("[cloud] cinder: waiting for scheduler, volume and backup services...");
    let admin = keystone::login(&state, "admin", &secrets.admin_password, "admin")
        .map_err(|e| with_logs(e, layout, &["keystone"]))?;
    let alive = || match CINDER.iter().find(|s| s.liveness(layout).pid().is_none()) {
        Some(dead) => Err(wait::Fatal(format!("{} is not running any more", dead.name())).into()),
        None => Ok(()),
    };
    cinder::wait_services_up(&state, &admin, &started_at, START_TIMEOUT, alive)
        .map_err(|e| with_logs(e, layout, &all_cinder))?;
    cinder::wait_scheduler_has_pools(&state, &admin, START_TIMEOUT)
        .map_err(|e| with_logs(e, layout, &all_cinder))?;
    println!("[cloud] cinder: creating a smoke-test volume...");
    cinder::smoke_test(&state, &admin, Duration::from_secs(120))
        .map_err(|e| with_logs(e, layout, &all_cinder))?;

    config::write_clouds_yaml(layout, &state, &secrets)?;
    println!("[cloud] up in {:.0}s:", started.elapsed().as_secs_f64());
    status::print(&state, &status::collect(layout, &state));
    println!(
        "[cloud] clouds.yaml: {} (clouds `local`, `local-demo`); logs: {}",
        layout.clouds_yaml().display(),
        layout.logs().display()
    );
    println!(
        "[cloud] shell credentials: eval \"$(cargo xtask cloud{} env)\"",
        layout.dir_flag()
    );
    Ok(ExitCode::SUCCESS)
}

/// Stops the Cinder services so that the rest of `up` starts them again on the new cinder.conf.
fn restart_cinder(layout: &Layout) -> Result<()> {
    let running: Vec<Service> = CINDER
        .into_iter()
        .filter(|s| s.liveness(layout).pid().is_some())
        .collect();
    if running.is_empty() {
        return Ok(());
    }
    println!("[cloud] cinder.conf changed since the services started: restarting them");
    for service in running.iter().rev() {
        process::stop(
            &layout.pid_file(service.name()),
            service.expect(),
            service.grace(),
        )?;
    }
    Ok(())
}

/// The recorded state, or a new one from the flags. Ports cannot change after creation: they
/// are baked into the Keystone catalog and the configs.
fn resolve_state(layout: &Layout, args: &UpArgs) -> Result<State> {
    if let Some(state) = State::load(layout)? {
        let ports = &state.ports;
        let requested = [
            ("keystone", args.keystone_port, ports.keystone),
            ("cinder", args.cinder_port, ports.cinder),
            ("rabbit", args.rabbit_port, ports.rabbit),
        ];
        for (what, wanted, recorded) in requested {
            if let Some(wanted) = wanted.filter(|w| *w != recorded) {
                bail!(
                    "the cloud in {} was created with {what} port {recorded}, not {wanted}; \
                     to change ports run `cargo xtask cloud down` and remove that directory \
                     (or use another --dir)",
                    layout.root().display()
                );
            }
        }
        return Ok(state);
    }
    let defaults = Ports::default();
    let rabbit = args.rabbit_port.unwrap_or(defaults.rabbit);
    let ports = Ports {
        keystone: args.keystone_port.unwrap_or(defaults.keystone),
        cinder: args.cinder_port.unwrap_or(defaults.cinder),
        rabbit,
        rabbit_dist: rabbit
            .checked_add(20000)
            .context("--rabbit-port must be below 45536 (distribution port = port + 20000)")?,
        epmd: defaults.epmd,
    };
    let state = State { ports };
    state.save(layout)?;
    Ok(state)
}

fn start_rabbitmq(layout: &Layout, state: &State) -> Result<()> {
    let ports = &state.ports;
    if Service::Rabbitmq.liveness(layout).pid().is_none() {
        // RabbitMQ registers with epmd while booting: ours must run first, unless some other
        // epmd already serves the port (then the node registers there).
        if Service::Epmd.liveness(layout).pid().is_none() {
            if wait::tcp_accepts(ports.epmd) {
                println!(
                    "[cloud] note: an epmd we did not start already listens on 127.0.0.1:{}; using it",
                    ports.epmd
                );
            } else {
                println!("[cloud] starting epmd...");
                let mut child = Service::Epmd.start(layout, state)?;
                wait::until("epmd", Duration::from_secs(20), Some(&mut child), || {
                    Ok(wait::tcp_accepts(ports.epmd).then_some(()))
                })?;
            }
        }
    }
    ensure_running(
        layout,
        state,
        Service::Rabbitmq,
        &[ports.rabbit, ports.rabbit_dist],
        || wait::tcp_accepts(ports.rabbit),
    )
    .map(|_| ())
}

/// Starts `service` unless our pid file shows it running, then waits for `ready`. Returns
/// whether it was started.
fn ensure_running(
    layout: &Layout,
    state: &State,
    service: Service,
    ports: &[u16],
    ready: impl Fn() -> bool,
) -> Result<bool> {
    let name = service.name();
    let mut child = match service.liveness(layout) {
        Liveness::Running(_) => None,
        other => {
            if other == Liveness::Stale {
                let _ = fs::remove_file(layout.pid_file(name));
            }
            if let Some(port) = ports.iter().find(|p| wait::tcp_accepts(**p)) {
                bail!(
                    "cannot start {name}: 127.0.0.1:{port} is already in use by a process this \
                     cloud did not start (another cloud, or a system service?)"
                );
            }
            println!("[cloud] starting {name}...");
            Some(service.start(layout, state)?)
        }
    };
    let started = child.is_some();
    wait::until(name, START_TIMEOUT, child.as_mut(), || {
        Ok(ready().then_some(()))
    })?;
    Ok(started)
}

/// Prints where the logs are and their last lines (to stderr), then passes the error on.
fn with_logs(err: anyhow::Error, layout: &Layout, logs: &[&str]) -> anyhow::Error {
    eprintln!("[cloud] FAILED: {err:#}");
    for name in logs {
        let path = layout.log(name);
        eprintln!("--- last 20 lines of {} ---", path.display());
        eprintln!("{}", process::tail(&path, 20));
    }
    eprintln!("[cloud] all logs: {}", layout.logs().display());
    err
}
