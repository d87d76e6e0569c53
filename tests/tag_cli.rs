//! `rasd tag` as a user runs it: the DESIGN.md JSON shape, the NATO-in-Iraq opinion piece with
//! every actor it names and nothing else, the same text with harakat, tatweel and regional
//! spellings, and the zoo story that must not become Syrian politics.

use std::io::Write;
use std::process::{Command, Stdio};

fn tag(text: &str) -> serde_json::Value {
    // A user's own actors.toml in the config directory must not change what is tested.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rasd"))
        .args(["tag", "--format", "json"])
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("rasd-tests-no-config"),
        )
        .env_remove("RASD_DATA")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rasd tag");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("json")
}

fn keys(v: &serde_json::Value, field: &str, key: &str) -> Vec<String> {
    v[field]
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a[key].as_str().expect("str").to_string())
        .collect()
}

fn opinion() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/articles/nato-iraq-opinion.txt"),
    )
    .expect("fixture")
}

fn check_opinion(v: &serde_json::Value) {
    let actors = keys(v, "actors", "key");
    for want in [
        "nato",
        "jens-stoltenberg",
        "iraq",
        "us",
        "joe-biden",
        "donald-trump",
        "china",
        "mustafa-al-kadhimi",
        "iraq-parliament",
    ] {
        assert!(
            actors.contains(&want.to_string()),
            "{want} missing from {actors:?}"
        );
    }
    let allowed = [
        "nato",
        "jens-stoltenberg",
        "iraq",
        "us",
        "joe-biden",
        "donald-trump",
        "china",
        "mustafa-al-kadhimi",
        "iraq-parliament",
        "isis",
        "iraqi-army",
    ];
    for a in &actors {
        assert!(
            allowed.contains(&a.as_str()),
            "{a} is not named by the text"
        );
    }
    let topics = keys(v, "topics", "key");
    assert!(
        topics.contains(&"foreign-military-presence".to_string()),
        "{topics:?}"
    );
    assert!(topics.contains(&"elections".to_string()), "{topics:?}");
    let names = keys(v, "candidates", "name");
    assert!(
        names.contains(&"كريم عليوي".to_string()),
        "the MP quoted by title: {names:?}"
    );
    assert!(
        names.contains(&"ديلان وايت".to_string()),
        "the NATO spokesman: {names:?}"
    );
}

#[test]
fn the_nato_opinion_piece() {
    let v = tag(&opinion());
    check_opinion(&v);
    let a = &v["actors"][0];
    for field in ["key", "name_en", "name_ar", "kind", "mentions"] {
        assert!(a.get(field).is_some(), "actor field {field}");
    }
    for field in ["name", "title", "mentions"] {
        assert!(
            v["candidates"][0].get(field).is_some(),
            "candidate field {field}"
        );
    }
    for field in ["key", "name_en", "name_ar"] {
        assert!(v["topics"][0].get(field).is_some(), "topic field {field}");
    }
}

#[test]
fn the_same_piece_with_harakat_tatweel_and_variant_spellings() {
    let text = opinion()
        .replacen("الناتو", "النـــاتو", 1)
        .replace("ستولتنبرغ", "ستولتنبرج")
        .replace("الأمريكيين", "الاميركيين")
        .replace("في العراق من", "في العِرَاقِ من")
        .replace("بايدن", "بايـدن")
        .replace("ترامب", "ترمب")
        .replace("الكاظمي", "الكَاظِمِي")
        .replace("الصين", "الصّين");
    check_opinion(&tag(&text));
}

#[test]
fn washington_alone_names_the_united_states() {
    let v = tag(
        "واشنطن تدرس خياراتها\nقالت مصادر إن واشنطن تدرس خيارات عدة بعد تصويت البرلمان العراقي.",
    );
    assert!(keys(&v, "actors", "key").contains(&"us".to_string()));
}

#[test]
fn a_lion_in_amman_is_not_syrian_politics() {
    let v = tag(
        "زيارة إلى حديقة الحيوان في عمّان\nشاهد الأطفال الأسد وهو يستريح في حديقة الحيوان بعمّان، وقال الحارس إن الأسد يأكل عشرة كيلوغرامات من اللحم يومياً.",
    );
    let actors = keys(&v, "actors", "key");
    for bad in ["bashar-al-assad", "syria", "oman"] {
        assert!(
            !actors.contains(&bad.to_string()),
            "{bad} tagged in a zoo story: {actors:?}"
        );
    }
}

#[test]
fn a_candidate_promoted_to_an_actor_is_tagged_next_time() {
    let home = tempfile::tempdir().expect("tmp");
    let rasd = |args: &[&str], stdin: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rasd"));
        c.args(args)
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env_remove("RASD_DATA")
            .current_dir(home.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("rasd");
        if let Some(s) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(s.as_bytes())
                .expect("write");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("wait")
    };
    let text =
        "تصريح\nقال عضو لجنة الأمن والدفاع النيابية كريم عليوي إن البرلمان سيصوت الأسبوع المقبل.";
    let before: serde_json::Value =
        serde_json::from_slice(&rasd(&["tag", "--format", "json"], Some(text)).stdout)
            .expect("json");
    assert!(!keys(&before, "actors", "key").contains(&"karim-aliwi".to_string()));
    let out = rasd(
        &[
            "actors",
            "add-candidate",
            "كريم عليوي",
            "--name-en",
            "Karim Aliwi",
            "--country",
            "IQ",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::read_to_string(home.path().join("config/rasd/actors.toml"))
        .expect("user actors.toml");
    assert!(
        file.contains("# added by `rasd actors add-candidate`"),
        "comments kept and added"
    );
    assert!(
        file.contains("# --- "),
        "the built-in file's section comments survive"
    );
    let after: serde_json::Value =
        serde_json::from_slice(&rasd(&["tag", "--format", "json"], Some(text)).stdout)
            .expect("json");
    assert!(
        keys(&after, "actors", "key").contains(&"karim-aliwi".to_string()),
        "{after}"
    );
    let again = rasd(&["actors", "add-candidate", "كريم عليوي"], None);
    assert_eq!(again.status.code(), Some(2), "already an actor");
}

#[test]
fn ordinary_words_that_look_like_names_stay_words() {
    // ورقة ("a paper") peels to رقة; رئيسي is also "main" — next to إيران in both cases.
    let v = tag(
        "عنوان\nتستخدم طهران الملف ورقة ضغط في المفاوضات، وقال إن الأمر بشكل رئيسي يتعلق بإيران.",
    );
    let actors = keys(&v, "actors", "key");
    assert!(actors.contains(&"iran".to_string()), "{actors:?}");
    for bad in ["raqqa", "ebrahim-raisi"] {
        assert!(
            !actors.contains(&bad.to_string()),
            "{bad} from an ordinary word: {actors:?}"
        );
    }
    let v = tag(
        "عنوان\nقالت قسد إن مدينة الرقة شهدت هجوماً، فيما نعى الرئيس الإيراني إبراهيم رئيسي الضحايا.",
    );
    let actors = keys(&v, "actors", "key");
    for good in ["raqqa", "ebrahim-raisi"] {
        assert!(
            actors.contains(&good.to_string()),
            "{good} in context: {actors:?}"
        );
    }
}
