//! Tagger behaviour on a small hand-made gazetteer: clitics, nisbas, spelling variants,
//! ambiguity rules, longest match, candidates and lookups.

use proptest::prelude::*;
use rasd::tag::{Gazetteer, Kind, TagError, Tagger};

const GAZETTEER: &str = r#"
[[actor]]
key = "iraq"
kind = "country"
name_en = "Iraq"
name_ar = "العراق"
aliases_ar = ["جمهورية العراق", "بغداد"]
aliases_en = ["Iraq"]
country = "iq"

[[actor]]
key = "us"
kind = "country"
name_en = "United States"
name_ar = "الولايات المتحدة"
aliases_ar = ["أمريكا", "أميركا", "واشنطن"]
aliases_en = ["US", "United States"]
country = "us"

[[actor]]
key = "nato"
kind = "org"
name_en = "NATO"
name_ar = "حلف شمال الأطلسي"
aliases_ar = ["الناتو", "حلف الناتو", "الأطلسي"]
aliases_en = ["NATO"]

[[actor]]
key = "atlantic-ocean"
kind = "place"
name_en = "Atlantic Ocean"
name_ar = "المحيط الأطلسي"
aliases_ar = ["شمال الأطلسي"]

[[actor]]
key = "jens-stoltenberg"
kind = "person"
name_en = "Jens Stoltenberg"
name_ar = "ينس ستولتنبرغ"
aliases_ar = ["ستولتنبرغ"]
country = "no"

[[actor]]
key = "bashar-al-assad"
kind = "person"
name_en = "Bashar al-Assad"
name_ar = "بشار الأسد"
aliases_ar = ["الأسد"]
country = "sy"
context = ["سوريا", "دمشق", "النظام"]

[[actor]]
key = "ali-al-sistani"
kind = "person"
name_en = "Ali al-Sistani"
name_ar = "علي السيستاني"
aliases_ar = ["السيستاني", "علي"]
country = "iq"
"#;

fn tagger() -> Tagger {
    let g = Gazetteer::from_toml(GAZETTEER).expect("test gazetteer parses");
    Tagger::new(&g)
}

fn keys(title: &str, body: &str) -> Vec<String> {
    let mut k: Vec<String> = tagger()
        .tag(title, body)
        .actors
        .into_iter()
        .map(|a| a.key)
        .collect();
    k.sort();
    k
}

#[test]
fn proclitics_are_peeled() {
    for w in ["والناتو", "للناتو", "بالناتو", "فالناتو", "وللناتو"]
    {
        assert_eq!(keys("", &format!("تحدث {w} اليوم")), ["nato"], "{w}");
    }
    assert_eq!(keys("", "وصل الوفد بواشنطن"), ["us"]);
    assert_eq!(keys("", "عاد الوفد للعراق"), ["iraq"]);
}

#[test]
fn nisba_forms_name_countries_and_other_suffixes_do_not() {
    for w in ["العراقيين", "والعراقية", "عراقي", "العراقيون", "العراقيات"]
    {
        assert_eq!(keys("", &format!("قال {w} كلاما")), ["iraq"], "{w}");
    }
    assert_eq!(keys("", "الجنود الأمريكيين والأميركية"), ["us"]);
    assert!(keys("", "عراقنا أولا والمبعراقي").is_empty());
}

#[test]
fn foreign_names_survive_regional_spellings() {
    for w in [
        "ستولتنبرغ",
        "ستولتنبرج",
        "ستولتينبرغ",
        "ستولتنبرق",
        "لستولتنبرج",
    ] {
        assert_eq!(
            keys("", &format!("قال {w} إن")),
            ["jens-stoltenberg"],
            "{w}"
        );
    }
}

#[test]
fn longest_match_wins() {
    let tags = tagger().tag("", "اجتمع حلف شمال الأطلسي في بروكسل");
    assert_eq!(tags.actors.len(), 1);
    assert_eq!(tags.actors[0].key, "nato");
    assert_eq!(tags.actors[0].mentions, 1);
}

#[test]
fn bare_ali_is_never_tagged() {
    assert!(keys("", "أكد على ضرورة الحوار وعلي أن يحضر").is_empty());
    assert_eq!(keys("", "استقبل علي السيستاني الوفد"), ["ali-al-sistani"]);
}

#[test]
fn ambiguous_alias_needs_context() {
    assert!(keys("", "نفق الأسد في حديقة الحيوان").is_empty());
    assert_eq!(keys("", "قال الأسد إن دمشق لن تتراجع"), ["bashar-al-assad"]);
    // Context in the title counts however far away the alias is.
    let filler = "كلام ".repeat(30);
    assert_eq!(
        keys("النظام يرد", &format!("{filler} وقال الأسد")),
        ["bashar-al-assad"]
    );
    // A full mention makes later bare ones count.
    let t = tagger().tag("", &format!("بشار الأسد {filler} الأسد"));
    assert_eq!(t.actors[0].mentions, 2);
}

#[test]
fn mentions_and_title_flags() {
    let t = tagger().tag("الناتو يجتمع", "قال الناتو إن حلف الناتو سيبقى في بغداد");
    let nato = t
        .actors
        .iter()
        .find(|a| a.key == "nato")
        .expect("nato tagged");
    assert_eq!((nato.mentions, nato.in_title), (3, true));
    let iraq = t
        .actors
        .iter()
        .find(|a| a.key == "iraq")
        .expect("iraq tagged");
    assert_eq!((iraq.mentions, iraq.in_title), (1, false));
}

#[test]
fn diacritics_tatweel_and_persian_letters() {
    assert_eq!(keys("", "زار الوفدُ العِـــراقَ"), ["iraq"]);
    assert_eq!(keys("", "قال مسؤولو امريکا"), ["us"]);
}

#[test]
fn candidates_follow_roles() {
    let t = tagger().tag(
        "",
        "قال عضو لجنة الأمن والدفاع النيابية كريم عليوي إن القرار خاطئ، وأكد الأمين العام \
         لحلف الناتو ينس ستولتنبرغ الالتزام. وقال المحلل السياسي علي البيدر، إن كريم عليوي محق.",
    );
    let names: Vec<(&str, &str, u32)> = t
        .candidates
        .iter()
        .map(|c| (c.name.as_str(), c.role.as_str(), c.mentions))
        .collect();
    assert_eq!(
        names,
        [
            ("كريم عليوي", "عضو لجنة الأمن والدفاع النيابية", 2),
            ("علي البيدر", "المحلل السياسي", 1)
        ]
    );
}

#[test]
fn resolve_and_lookup() {
    let t = tagger();
    assert_eq!(t.resolve("NATO"), Some("nato"));
    assert_eq!(t.resolve("الناتو"), Some("nato"));
    assert_eq!(t.resolve("ناتو"), Some("nato"));
    assert_eq!(t.resolve("jens-stoltenberg"), Some("jens-stoltenberg"));
    assert_eq!(t.resolve("أمريكا"), Some("us"));
    assert_eq!(t.resolve("nobody"), None);
    assert_eq!(t.actor("iraq").map(|a| a.kind), Some(Kind::Country));
    assert_eq!(t.keys().count(), 7);
}

#[test]
fn bad_files_are_errors() {
    let dup =
        format!("{GAZETTEER}\n[[actor]]\nkey='iraq'\nkind='country'\nname_en='x'\nname_ar='س'\n");
    assert!(matches!(
        Gazetteer::from_toml(&dup),
        Err(TagError::Invalid(_))
    ));
    assert!(matches!(
        Gazetteer::from_toml("[[actor]]\nkey = 3\n"),
        Err(TagError::Toml(_))
    ));
}

#[test]
fn tagger_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Tagger>();
}

#[test]
fn builtin_gazetteer_compiles() {
    let t = Tagger::new(&Gazetteer::builtin());
    assert!(t.keys().count() > 100);
}

proptest! {
    #[test]
    fn tagging_never_panics(title in any::<String>(), body in any::<String>()) {
        let _ = tagger().tag(&title, &body);
    }

    #[test]
    fn tagging_arabic_soup_never_panics(body in "[اأبتثجحخدذرزسشصضطظعغفقكلمنهويىةءؤئـَُِّ،. «»]{0,200}") {
        let t = tagger().tag("", &body);
        for c in &t.candidates {
            prop_assert!(!c.name.is_empty());
        }
    }
}
