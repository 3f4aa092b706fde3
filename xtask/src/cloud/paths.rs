//! Layout of the cloud's state directory: every file the cloud reads or writes lives under it.
//!
//! ```text
//! <root>/
//!   state.json          ports in use (read by status/env)
//!   secrets.json        generated passwords (0600)
//!   clouds.yaml         clouds `local` and `local-demo` (0600)
//!   cloud.lock          flock held by `up`/`down`
//!   requirements.txt    pinned top-level Python packages
//!   venv/               the one Python venv (keystone, cinder, cinderclient, gunicorn)
//!   logs/<service>.log  one log per service (+ pip.log, keystone-manage.log, rabbitmq/)
//!   run/<service>.pid   "<pid> <start time>" of each process group we started
//!   markers/<step>      one-time bootstrap steps that are done
//!   keystone/           keystone.conf, keystone.db, fernet-keys/, credential-keys/, WSGI module
//!   cinder/             cinder.conf, cinder.db, state/, locks/, backups/, python/ (the file
//!                       volume driver), file-volumes/ (its volumes)
//!   rabbitmq/           HOME (Erlang cookie), mnesia/, config files
//! ```
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Environment variable that overrides the default state directory.
pub const DIR_ENV: &str = "CINDER_CLOUD_DIR";

pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// `dir` (from `--dir` or `CINDER_CLOUD_DIR`) or `<workspace>/target/cloud`, made absolute
    /// because the paths end up in config files read by processes with other working dirs.
    pub fn resolve(dir: Option<PathBuf>) -> Result<Self> {
        let root = match dir {
            Some(dir) => dir,
            None => {
                let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
                let workspace = manifest
                    .parent()
                    .context("xtask manifest dir has no parent")?;
                workspace.join("target").join("cloud")
            }
        };
        let root = std::path::absolute(&root)
            .with_context(|| format!("cannot make {} absolute", root.display()))?;
        Ok(Self { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// How to name this state dir on a `cargo xtask cloud` command line ("" for the default).
    pub fn dir_flag(&self) -> String {
        match Self::resolve(None) {
            Ok(default) if default.root == self.root => String::new(),
            _ => format!(" --dir '{}'", self.root.display()),
        }
    }

    pub fn state_file(&self) -> PathBuf {
        self.root.join("state.json")
    }

    pub fn secrets_file(&self) -> PathBuf {
        self.root.join("secrets.json")
    }

    pub fn clouds_yaml(&self) -> PathBuf {
        self.root.join("clouds.yaml")
    }

    pub fn lock_file(&self) -> PathBuf {
        self.root.join("cloud.lock")
    }

    pub fn requirements(&self) -> PathBuf {
        self.root.join("requirements.txt")
    }

    pub fn constraints(&self) -> PathBuf {
        self.root.join("constraints.txt")
    }

    pub fn venv(&self) -> PathBuf {
        self.root.join("venv")
    }

    pub fn venv_bin(&self, program: &str) -> PathBuf {
        self.venv().join("bin").join(program)
    }

    /// Marker recording which requirements the venv was installed with.
    pub fn venv_marker(&self) -> PathBuf {
        self.venv().join(".xtask-installed")
    }

    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }

    pub fn log(&self, name: &str) -> PathBuf {
        self.logs().join(format!("{name}.log"))
    }

    pub fn run_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    pub fn pid_file(&self, name: &str) -> PathBuf {
        self.run_dir().join(format!("{name}.pid"))
    }

    pub fn markers(&self) -> PathBuf {
        self.root.join("markers")
    }

    pub fn marker(&self, step: &str) -> PathBuf {
        self.markers().join(step)
    }

    pub fn is_done(&self, step: &str) -> bool {
        self.marker(step).exists()
    }

    pub fn mark_done(&self, step: &str) -> Result<()> {
        let path = self.marker(step);
        std::fs::write(&path, "done\n").with_context(|| format!("writing {}", path.display()))
    }

    /// Forgets steps (e.g. when the database they populated is gone).
    pub fn forget(&self, steps: &[&str]) {
        for step in steps {
            let _ = std::fs::remove_file(self.marker(step));
        }
    }

    pub fn keystone_dir(&self) -> PathBuf {
        self.root.join("keystone")
    }

    pub fn keystone_conf(&self) -> PathBuf {
        self.keystone_dir().join("keystone.conf")
    }

    pub fn keystone_db(&self) -> PathBuf {
        self.keystone_dir().join("keystone.db")
    }

    pub fn cinder_dir(&self) -> PathBuf {
        self.root.join("cinder")
    }

    pub fn cinder_conf(&self) -> PathBuf {
        self.cinder_dir().join("cinder.conf")
    }

    /// The clustered cinder-volume service's overrides of cinder.conf.
    pub fn cluster_conf(&self) -> PathBuf {
        self.cinder_dir().join("cluster.conf")
    }

    /// Python modules of the Cinder services (the file volume driver), put on their path.
    pub fn cinder_python_dir(&self) -> PathBuf {
        self.cinder_dir().join("python")
    }

    pub fn cinder_db(&self) -> PathBuf {
        self.cinder_dir().join("cinder.db")
    }

    pub fn rabbit_dir(&self) -> PathBuf {
        self.root.join("rabbitmq")
    }

    /// Directories `up` creates before writing anything.
    pub fn dirs(&self) -> Vec<PathBuf> {
        vec![
            self.root.clone(),
            self.logs(),
            self.logs().join("rabbitmq"),
            self.run_dir(),
            self.markers(),
            self.keystone_dir(),
            self.cinder_dir(),
            self.cinder_dir().join("state"),
            self.cinder_dir().join("locks"),
            self.cinder_dir().join("backups"),
            self.cinder_python_dir(),
            self.rabbit_dir(),
            self.rabbit_dir().join("home"),
            self.rabbit_dir().join("mnesia"),
        ]
    }
}
