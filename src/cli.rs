//! The command line, as clap definitions only. DESIGN.md §2 is the contract.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "rasd",
    version,
    about = "رصد — monitor Arabic-language news media from the terminal"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Open rasd over bundled snapshot feeds in a temporary database (no network)
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The SQLite database [default: the XDG data dir's rasd/rasd.db]
    #[arg(long, global = true, env = "RASD_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The feeds file: feeds.toml, an OPML file, or a list of URLs one per line
    /// [default: ./feeds.toml when present, else the XDG config dir's rasd/feeds.toml]
    #[arg(long, global = true, env = "RASD_FEEDS", value_name = "PATH")]
    pub feeds: Option<PathBuf>,
    /// A directory with actors.toml / topics.toml overriding the built-in ones
    #[arg(long, global = true, env = "RASD_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The terminal UI (also what bare `rasd` runs)
    Tui {
        /// Do not poll the feeds at start
        #[arg(long)]
        no_poll: bool,
    },
    /// Poll feeds: once (for cron) or forever on each feed's schedule
    Poll(PollArgs),
    /// Feed health and OPML import/export
    Feeds {
        #[command(subcommand)]
        command: Option<FeedsCommand>,
    },
    /// Articles matching a filter (the language of docs/query.md)
    Query(QueryArgs),
    /// Tag the text on stdin (first line = title): actors, topics, candidates
    Tag {
        #[arg(long, value_enum, default_value = "text")]
        format: TagFormat,
    },
    /// Re-tag stored articles after the gazetteer or topics change
    Retag {
        /// Only articles matching this filter
        filter: Option<String>,
    },
    /// Flag an article with a label and an optional note
    Flag {
        id: i64,
        /// The label [default: the first label of feeds.toml, else "flagged"]
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Remove a label (or every label) from an article; the audit trail keeps it
    Unflag {
        id: i64,
        #[arg(long)]
        label: Option<String>,
    },
    /// A report of the articles matching a filter (default: the flagged ones)
    Export {
        /// The filter [default: flagged]
        #[arg(allow_hyphen_values = true)]
        expr: Option<String>,
        #[arg(long, value_enum, default_value = "md")]
        format: crate::export::ExportFormat,
        /// Write to this file instead of stdout
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Articles most like article ID: its story's other outlets first, then related articles
    Similar {
        id: i64,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum)]
        format: Option<ListFormat>,
    },
    /// The gazetteer: list actors, show one, promote a candidate name to an actor
    Actors {
        #[command(subcommand)]
        command: Option<ActorsCommand>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff) to stdout: `rasd man > rasd.1`
    Man,
    /// Watch rules from feeds.toml: list them, see what one would match, flag the archive
    Rules {
        #[command(subcommand)]
        command: Option<RulesCommand>,
    },
    /// Run SQL on the database with rasd's functions (ar_norm, ar_stem) registered
    Sql {
        /// The SQL statement
        sql: String,
        #[arg(long, value_enum)]
        format: Option<ListFormat>,
    },
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The filter, e.g. 'actor:nato actor:iraq since:30d' (empty: everything). Quote it;
    /// a filter may start with '-' ('-source:rt actor:iraq').
    #[arg(allow_hyphen_values = true)]
    pub expr: Option<String>,
    /// Further words of an unquoted filter
    #[arg(hide = true)]
    pub more: Vec<String>,
    #[arg(long, value_enum)]
    pub format: Option<crate::output::Format>,
    /// At most this many articles [default: 50 for a table, all otherwise]
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long, value_enum, default_value = "newest")]
    pub sort: crate::store::articles::Sort,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TagFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct PollArgs {
    /// Poll every due feed once, print a summary and exit (the default)
    #[arg(long, conflicts_with = "daemon")]
    pub once: bool,
    /// Poll forever; SIGINT/SIGTERM finish the transaction in flight and exit 0
    #[arg(long)]
    pub daemon: bool,
    /// With --once: poll every feed, due or not
    #[arg(long)]
    pub all: bool,
    /// Print nothing but errors
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// The health of every feed (the default)
    List(FormatArg),
    /// Poll every feed now and show its health
    Check(FormatArg),
    /// Add the feeds of an OPML file to the feeds file (comments and layout kept)
    Import { file: PathBuf },
    /// Print the configured feeds as OPML
    Export,
}

#[derive(Debug, Args, Default)]
pub struct FormatArg {
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// The rules and how many articles each has flagged
    List,
    /// The archived articles a rule would match
    Test {
        name: String,
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Flag every archived article the rule matches
    Apply { name: String },
    /// Draft a rule from an article ("watch for more like this"): its key actors and
    /// distinctive terms as a query; --save appends it to the feeds file, comments kept
    Propose {
        id: i64,
        /// Append the rule to the feeds file under this name
        #[arg(long, value_name = "NAME")]
        save: Option<String>,
        /// The label the rule flags with [default: watch]
        #[arg(long, value_name = "L")]
        label: Option<String>,
        /// Save this query instead of the proposed one (edit the proposal)
        #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
        query: Option<String>,
        #[arg(long, value_enum)]
        format: Option<ListFormat>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ActorsCommand {
    /// Every actor with how many stored articles name it
    List(FormatArg),
    /// One actor: names, aliases, articles, co-mentioned actors
    Show { key: String },
    /// Add a name (e.g. a candidate found after a title) to your actors.toml as a new actor
    AddCandidate {
        /// The name as articles write it, e.g. "كريم عليوي"
        name: String,
        /// The new actor's key [default: derived from --name-en, else "candidate-N"]
        #[arg(long)]
        key: Option<String>,
        #[arg(long)]
        name_en: Option<String>,
        #[arg(long, default_value = "person")]
        kind: String,
        /// ISO country code
        #[arg(long)]
        country: Option<String>,
    },
}
