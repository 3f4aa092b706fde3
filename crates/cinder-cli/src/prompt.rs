//! The password asked for on the terminal when none is configured, as cinderclient does
//! (`OS Password: `, typed without echo), so that it need not sit in a file or a variable.

#[cfg(unix)]
use std::io::{BufRead, IsTerminal, Write};

/// What cinderclient's getpass prompt says.
#[cfg(unix)]
const PROMPT: &str = "OS Password: ";

/// The password typed on standard input, when it is a terminal; `None` when it is not, or
/// on end of input (Ctrl-D), and the missing password is reported as before.
#[cfg(unix)]
pub fn password() -> Option<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    let _quiet = Quiet::on(0);
    let mut err = std::io::stderr();
    let _ = write!(err, "{PROMPT}");
    let _ = err.flush();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    // The Enter key was not echoed either.
    let _ = writeln!(err);
    match read {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}

/// Elsewhere echo cannot be turned off with the standard library: no prompt.
#[cfg(not(unix))]
pub fn password() -> Option<String> {
    None
}

/// The terminal's echo turned off until dropped (then restored as it was).
#[cfg(unix)]
struct Quiet {
    fd: i32,
    saved: Option<libc::termios>,
}

#[cfg(unix)]
impl Quiet {
    fn on(fd: i32) -> Quiet {
        let mut saved = std::mem::MaybeUninit::<libc::termios>::uninit();
        // SAFETY: tcgetattr fills the termios it is given when it returns 0.
        let saved =
            unsafe { (libc::tcgetattr(fd, saved.as_mut_ptr()) == 0).then(|| saved.assume_init()) };
        if let Some(saved) = saved {
            let mut quiet = saved;
            quiet.c_lflag &= !(libc::ECHO | libc::ECHONL);
            quiet.c_lflag |= libc::ICANON;
            // SAFETY: a valid termios for a terminal fd.
            unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &quiet) };
        }
        Quiet { fd, saved }
    }
}

#[cfg(unix)]
impl Drop for Quiet {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            // SAFETY: the termios read from this fd.
            unsafe { libc::tcsetattr(self.fd, libc::TCSAFLUSH, saved) };
        }
    }
}
