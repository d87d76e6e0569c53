//! Where rasd finds its files when the command line does not say: `./feeds.toml` when present,
//! else the XDG config directory; the database in the XDG data directory.

use std::path::PathBuf;

fn home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from)
}

fn xdg(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => home().join(fallback),
    }
}

pub fn config_dir() -> PathBuf {
    xdg("XDG_CONFIG_HOME", ".config").join("rasd")
}

pub fn data_dir() -> PathBuf {
    xdg("XDG_DATA_HOME", ".local/share").join("rasd")
}

/// The feeds file to use when none was given.
pub fn default_feeds() -> PathBuf {
    let local = PathBuf::from("feeds.toml");
    if local.is_file() {
        local
    } else {
        config_dir().join("feeds.toml")
    }
}

pub fn default_db() -> PathBuf {
    data_dir().join("rasd.db")
}
