//! Opening an article's link in the user's browser. Feed text is hostile: the link goes to the
//! program as one argument (`Command::new(browser).arg(url)`), never through a shell, and only
//! http/https links are opened.

use std::process::{Child, Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("refusing to open '{0}': only http and https links are opened")]
    Scheme(String),
    #[error("cannot start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
}

/// Opens `url` with `$BROWSER`, else `xdg-open` (`open` on macOS).
pub fn open_link(url: &str) -> Result<Child, OpenError> {
    let browser = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty());
    let program = browser.unwrap_or_else(|| {
        if cfg!(target_os = "macos") {
            "open".into()
        } else {
            "xdg-open".into()
        }
    });
    open_link_with(url, &program)
}

/// Opens `url` with `program`, which receives it as its only argument.
pub fn open_link_with(url: &str, program: &str) -> Result<Child, OpenError> {
    let parsed = url::Url::parse(url).map_err(|_| OpenError::Scheme(url.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(OpenError::Scheme(url.to_string()));
    }
    Command::new(program)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| OpenError::Spawn {
            program: program.to_string(),
            source,
        })
}

/// Waits for an opener; true when it exited successfully.
pub fn wait(mut child: Child) -> bool {
    child.wait().is_ok_and(|s| s.success())
}
