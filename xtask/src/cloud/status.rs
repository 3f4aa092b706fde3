//! `cloud status`: which of our processes run, and whether the endpoints answer.
use std::process::ExitCode;

use anyhow::Result;

use super::paths::Layout;
use super::process::Liveness;
use super::services::{Service, ALL};
use super::state::State;
use super::wait;

/// The width of the service-name column (the longest name, `cinder-volume-clustered`).
const NAME_WIDTH: usize = 23;

pub struct Snapshot {
    services: Vec<(Service, Liveness)>,
    rabbit_answers: bool,
    keystone_answers: bool,
    cinder_answers: bool,
}

impl Snapshot {
    fn liveness(&self, service: Service) -> Liveness {
        self.services
            .iter()
            .find(|(s, _)| *s == service)
            .map_or(Liveness::Stopped, |(_, l)| *l)
    }

    /// Every component runs and every endpoint answers. epmd is not required: RabbitMQ only
    /// needs it to start, and `up` starts it again whenever it (re)starts RabbitMQ.
    pub fn all_ok(&self) -> bool {
        self.services
            .iter()
            .all(|(s, l)| *s == Service::Epmd || matches!(l, Liveness::Running(_)))
            && self.rabbit_answers
            && self.keystone_answers
            && self.cinder_answers
    }
}

pub fn collect(layout: &Layout, state: &State) -> Snapshot {
    Snapshot {
        services: ALL.iter().map(|&s| (s, s.liveness(layout))).collect(),
        rabbit_answers: wait::tcp_accepts(state.ports.rabbit),
        keystone_answers: wait::keystone_answers(&state.keystone_url()),
        cinder_answers: wait::cinder_answers(&state.cinder_url()),
    }
}

pub fn print(state: &State, snapshot: &Snapshot) {
    let answers = |ok: bool| if ok { "answers" } else { "does NOT answer" };
    for (service, liveness) in &snapshot.services {
        let mut line = format!("{:<NAME_WIDTH$} {}", service.name(), describe(*liveness));
        match service {
            Service::Epmd => continue,
            Service::Rabbitmq => {
                line.push_str(&match snapshot.liveness(Service::Epmd) {
                    Liveness::Running(pid) => format!(", epmd pid {pid}"),
                    _ => ", epmd not running".to_string(),
                });
                line.push_str(&format!(
                    "  amqp://127.0.0.1:{} {}",
                    state.ports.rabbit,
                    answers(snapshot.rabbit_answers)
                ));
            }
            Service::Keystone => line.push_str(&format!(
                "  {} {}",
                state.keystone_url(),
                answers(snapshot.keystone_answers)
            )),
            Service::CinderApi => line.push_str(&format!(
                "  {} {}",
                state.cinder_url(),
                answers(snapshot.cinder_answers)
            )),
            _ => {}
        }
        println!("{line}");
    }
}

fn describe(liveness: Liveness) -> String {
    match liveness {
        Liveness::Running(pid) => format!("running (pid {pid})"),
        Liveness::Stopped => "stopped".to_string(),
        Liveness::Stale => "stopped (stale pid file)".to_string(),
    }
}

pub fn run(layout: &Layout) -> Result<ExitCode> {
    let Some(state) = State::load(layout)? else {
        println!(
            "no cloud has been brought up in {} (run `cargo xtask cloud up`)",
            layout.root().display()
        );
        for service in ALL.iter().filter(|s| **s != Service::Epmd) {
            println!("{:<NAME_WIDTH$} stopped", service.name());
        }
        return Ok(ExitCode::FAILURE);
    };
    println!("[cloud] state dir {}", layout.root().display());
    let snapshot = collect(layout, &state);
    print(&state, &snapshot);
    Ok(if snapshot.all_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
