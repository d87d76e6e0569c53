use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    parse_toml(Path::new("feeds.toml"), text)
}

fn diags(text: &str) -> Vec<String> {
    match parse(text) {
        Err(ConfigError::Invalid(d)) => d.iter().map(ToString::to_string).collect(),
        other => panic!("expected errors, got {other:?}"),
    }
}

#[test]
fn parses_every_documented_field() {
    let c = parse(
        r#"
[settings]
interval = "30m"
concurrency = 8
per_host = 1
timeout = "10s"
max_bytes = "5MB"
fulltext = true

[[feed]]
key = "alwaght"
name = "الوقت"
url = "https://alwaght.net/ar/"
country = "ir"
lang = "ar"
tags = ["iran", "opinion"]

[[feed]]
key = "archive"
url = "archive/old.xml"

[labels]
"1" = "narrative"
"2" = "follow-up"

[[rule]]
name = "nato-iraq"
query = 'actor:nato actor:iraq'
flag = "watch"
alert = true
"#,
    )
    .expect("valid");
    assert_eq!(c.settings.interval, Duration::from_secs(1800));
    assert_eq!(c.settings.concurrency, 8);
    assert_eq!(c.settings.max_bytes, 5_000_000);
    assert!(c.settings.fulltext);
    assert_eq!(c.feeds.len(), 2);
    assert_eq!(c.feeds[0].country.as_deref(), Some("IR"));
    assert_eq!(
        c.feeds[1].source,
        FeedSource::File(PathBuf::from("archive/old.xml"))
    );
    assert_eq!(c.labels[0], ("1".to_string(), "narrative".to_string()));
    assert_eq!(c.rules[0].query.as_deref(), Some("actor:nato actor:iraq"));
}

#[test]
fn unknown_key_is_positioned() {
    let d = diags("[[feed]]\nkey = \"a\"\nurl = \"http://x/\"\ncolour = \"red\"\n");
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("feeds.toml:4:1: "), "{d:?}");
    assert!(d[0].contains("colour"), "{d:?}");
}

#[test]
fn syntax_error_is_positioned() {
    let d = diags("[[feed]]\nkey = \"a\nurl = 3\n");
    assert!(d[0].starts_with("feeds.toml:2:"), "{d:?}");
}

#[test]
fn all_value_errors_reported_at_once() {
    let d = diags(
        "[settings]\ninterval = \"often\"\n\n[[feed]]\nkey = \"Bad Key\"\nurl = \"gopher://x\"\n\n[[feed]]\nkey = \"ok\"\nurl = \"http://x/\"\ninterval = \"5x\"\ncountry = \"Iraq\"\n",
    );
    assert_eq!(d.len(), 5, "{d:#?}");
    assert!(
        d[0].starts_with("feeds.toml:2:12: invalid interval 'often'"),
        "{d:?}"
    );
    assert!(
        d[1].starts_with("feeds.toml:5:7: invalid feed key 'Bad Key'"),
        "{d:?}"
    );
    assert!(
        d[2].starts_with("feeds.toml:6:7: unsupported URL scheme"),
        "{d:?}"
    );
    assert!(d[3].contains("'5x'"));
    assert!(d[4].contains("'Iraq'"));
}

#[test]
fn duplicate_keys_name_the_first_line() {
    let d = diags(
        "[[feed]]\nkey = \"a\"\nurl = \"http://x/\"\n[[feed]]\nkey = \"a\"\nurl = \"http://y/\"\n",
    );
    assert_eq!(
        d,
        vec!["feeds.toml:5:7: duplicate feed key 'a' (first used on line 2)"]
    );
}

#[test]
fn url_list_and_keys() {
    assert!(looks_like_url_list(
        "http://127.0.0.1:8787/feeds/feed-00001.xml\n# c\nhttps://a.b/rss\n"
    ));
    assert!(!looks_like_url_list("[[feed]]\nkey = \"a\"\n"));
    assert_eq!(
        key_from_url("http://127.0.0.1:8787/feeds/feed-00001.xml"),
        "127-0-0-1-8787-feeds-feed-00001-xml"
    );
    assert_eq!(
        key_from_url("https://www.alquds.co.uk/feed/"),
        "alquds-co-uk-feed"
    );
}

#[test]
fn line_col_counts_chars() {
    let t = "ab\nالعراق x";
    assert_eq!(line_col(t, t.find('x').expect("x")), (2, 8));
}

#[test]
fn spike_rules_alert_by_default_and_need_a_positive_multiple() {
    let c = parse(
        "[[rule]]\nname = \"quiet\"\nquery = 'actor:nato'\n\n[[rule]]\nname = \"volume\"\nspike = 'actor:nato'\nmin_count = 8\n",
    )
    .expect("valid");
    assert!(!c.rules[0].alert, "a query rule flags quietly unless asked");
    let s = &c.rules[1];
    assert!(s.alert, "a spike rule exists to alert");
    assert_eq!(s.spike.as_deref(), Some("actor:nato"));
    assert_eq!((s.multiple, s.min_count), (3.0, 8));
    let d = diags("[[rule]]\nname = \"v\"\nspike = 'actor:nato'\nmultiple = -1.0\n");
    assert_eq!(
        d,
        vec![
            "feeds.toml:2:8: rule 'v': invalid multiple '-1' (expected a positive number, e.g. 3.0)"
        ]
    );
}
