//! Signed-note tests against the golang.org/x/mod/sumdb/note test vectors
//! (note_test.go: TestNewVerifier, TestNewSigner, TestSign, TestOpen), plus
//! rejection of malformed notes and property tests on hostile input.
//!
//! The vectors are byte-exact copies of that file and must never be edited
//! to make a test pass: they are what makes notes interoperable with Go.

use ledger_tlog::{open, NoteError, NoteSigner, NoteVerifier, OpenedNote, MAX_SIGNATURES};
use proptest::prelude::*;

const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn peter() -> NoteVerifier {
    NoteVerifier::parse(PETER_VKEY).unwrap()
}

fn enoch() -> NoteVerifier {
    NoteVerifier::parse(ENOCH_VKEY).unwrap()
}

fn signed() -> String {
    format!("{TEXT}\n{PETER_SIG}")
}

#[test]
fn verifier_key_vector_parses_and_round_trips() {
    let v = peter();
    assert_eq!(v.name(), "PeterNeumann");
    assert_eq!(v.key_id(), 0xc74f20a3);
    assert_eq!(v.verifier_key(), PETER_VKEY);
    assert_eq!(enoch().key_id(), 0xaf0cfe78);
}

#[test]
fn signer_key_vector_derives_the_verifier_key() {
    let s = NoteSigner::parse(PETER_SKEY).unwrap();
    assert_eq!(s.name(), "PeterNeumann");
    assert_eq!(s.key_id(), 0xc74f20a3);
    assert_eq!(s.signer_key(), PETER_SKEY);
    assert_eq!(s.verifier(), peter());
    assert_eq!(s.verifier().verifier_key(), PETER_VKEY);
    assert!(
        !format!("{s:?}").contains("AYEKFALV"),
        "Debug leaks the seed"
    );
}

#[test]
fn from_seed_matches_the_parsed_signer_key() {
    let seed = {
        use base64::Engine as _;
        let material = base64::engine::general_purpose::STANDARD
            .decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
            .unwrap();
        <[u8; 32]>::try_from(&material[1..]).unwrap()
    };
    let s = NoteSigner::from_seed("PeterNeumann", seed).unwrap();
    assert_eq!(s.signer_key(), PETER_SKEY);
}

#[test]
fn sign_reproduces_the_go_note_byte_for_byte() {
    let s = NoteSigner::parse(PETER_SKEY).unwrap();
    assert_eq!(s.sign(TEXT).unwrap(), signed());
}

#[test]
fn sign_refuses_text_open_would_refuse() {
    let s = NoteSigner::parse(PETER_SKEY).unwrap();
    for text in ["abc", "", "tab\there\n", "carriage\r\n"] {
        assert!(
            matches!(s.sign(text), Err(NoteError::Malformed(_))),
            "signed {text:?}"
        );
    }
}

#[test]
fn mangled_verifier_keys_are_rejected() {
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let k = std::str::from_utf8(&b[i..j]).unwrap();
                assert!(NoteVerifier::parse(k).is_err(), "accepted {k:?}");
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] += 1;
        let k = String::from_utf8(m).unwrap();
        assert!(NoteVerifier::parse(&k).is_err(), "accepted {k:?}");
    }
    // Wrong key length and unknown algorithm, each with an adjusted key id.
    assert!(NoteVerifier::parse(
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
    )
    .is_err());
    assert_eq!(
        NoteVerifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(NoteError::UnsupportedAlgorithm(0x65))
    );
    // Uppercase key ids are not the canonical form.
    assert!(NoteVerifier::parse(&PETER_VKEY.replace("c74f20a3", "C74F20A3")).is_err());
}

#[test]
fn mangled_signer_keys_are_rejected() {
    let b = PETER_SKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let k = std::str::from_utf8(&b[i..j]).unwrap();
                assert!(NoteSigner::parse(k).is_err(), "accepted {k:?}");
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] += 1;
        let k = String::from_utf8(m).unwrap();
        assert!(NoteSigner::parse(&k).is_err(), "accepted {k:?}");
    }
}

#[test]
fn key_names_follow_the_spec() {
    let seed = [7u8; 32];
    for bad in ["", "a b", "a+b", "a\u{a0}b", "a\nb", "a\u{1}b"] {
        assert_eq!(
            NoteSigner::from_seed(bad, seed).map(|_| ()),
            Err(NoteError::InvalidKeyName),
            "{bad:?}"
        );
    }
    NoteSigner::from_seed("example.com/log-42", seed).unwrap();
}

#[test]
fn open_verifies_known_keys_and_ignores_unknown_ones() {
    let note = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    assert_eq!(
        open(&note, &[peter()]).unwrap(),
        OpenedNote {
            text: TEXT.to_owned(),
            verified_by: vec!["PeterNeumann".to_owned()],
        }
    );
    assert_eq!(
        open(&note, &[peter(), enoch()]).unwrap().verified_by,
        vec!["PeterNeumann".to_owned(), "EnochRoot".to_owned()]
    );
    // Only unknown keys: the note must be rejected.
    assert_eq!(open(&note, &[]), Err(NoteError::NoVerifiedSignature));
    assert_eq!(
        open(&format!("{TEXT}\n{ENOCH_SIG}"), &[peter()]),
        Err(NoteError::NoVerifiedSignature)
    );
}

#[test]
fn open_ignores_a_key_sharing_only_the_name_or_only_the_id() {
    let other_id = PETER_SIG.replace("x08go", "x08gp");
    let other_name = PETER_SIG.replace("PeterNeumann", "PeterNeuman");
    for sig in [other_id, other_name] {
        assert_eq!(
            open(&format!("{TEXT}\n{sig}"), &[peter()]),
            Err(NoteError::NoVerifiedSignature)
        );
    }
}

#[test]
fn open_rejects_ambiguous_and_invalid_signatures() {
    assert_eq!(
        open(
            &format!("{TEXT}\n{ENOCH_SIG}"),
            &[enoch(), peter(), enoch()]
        ),
        Err(NoteError::AmbiguousKey {
            name: "EnochRoot".to_owned(),
            key_id: 0xaf0cfe78
        })
    );
    // An unused duplicate verifier is harmless.
    open(
        &format!("{TEXT}\n{PETER_SIG}"),
        &[enoch(), peter(), enoch()],
    )
    .unwrap();
    // A corrupted signature from a trusted key rejects the whole note, even
    // next to a good one.
    let bad = format!("{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    let invalid = Err(NoteError::InvalidSignature {
        name: "PeterNeumann".to_owned(),
        key_id: 0xc74f20a3,
    });
    assert_eq!(open(&format!("{TEXT}\n{bad}"), &[peter()]), invalid);
    assert_eq!(
        open(&format!("{TEXT}\n{PETER_SIG}{bad}"), &[peter()]),
        invalid
    );
    // Tampered text.
    let tampered = signed().replace("cryptography", "cryptograpHy");
    assert_eq!(open(&tampered, &[peter()]), invalid);
}

#[test]
fn open_collapses_repeated_signatures() {
    let note = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}");
    assert_eq!(
        open(&note, &[peter()]).unwrap().verified_by,
        vec!["PeterNeumann"]
    );
}

#[test]
fn open_limits_the_number_of_signatures() {
    let many = |n: usize| format!("{TEXT}\n{}", PETER_SIG.repeat(n));
    assert!(open(&many(MAX_SIGNATURES), &[peter()]).is_ok());
    assert!(matches!(
        open(&many(MAX_SIGNATURES + 1), &[peter()]),
        Err(NoteError::Malformed(_))
    ));
}

#[test]
fn open_rejects_malformed_notes() {
    let bad = [
        TEXT.to_owned(),
        format!("{TEXT}\n"),
        format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\u{1}{TEXT}\n{PETER_SIG}"),
        format!("{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
        // Missing blank line between text and signatures.
        format!("{TEXT}{PETER_SIG}"),
        // Hyphen instead of an em dash.
        format!("{TEXT}\n{}", PETER_SIG.replace('\u{2014}', "-")),
        // Bad base64, and a signature too short to hold a key id.
        format!("{TEXT}\n\u{2014} PeterNeumann x08go/!!\n"),
        format!("{TEXT}\n\u{2014} PeterNeumann AAAA\n"),
        // No signature after the name.
        format!("{TEXT}\n\u{2014} PeterNeumann\n"),
        format!("{TEXT}\n\u{2014} PeterNeumann \n"),
        // Text not ending with a newline cannot be split off at all.
        "no newline\u{2014} PeterNeumann x08go\n".to_owned(),
    ];
    for note in bad {
        assert!(
            matches!(open(&note, &[peter()]), Err(NoteError::Malformed(_))),
            "accepted or misclassified {note:?}"
        );
    }
}

#[test]
fn texts_with_blank_lines_round_trip() {
    let s = NoteSigner::from_seed("example.com/log", [1u8; 32]).unwrap();
    for text in [
        "a\n\nb\n",
        "\n",
        "a\n\n",
        "\u{2014} looks like a signature\n",
    ] {
        let note = s.sign(text).unwrap();
        assert_eq!(open(&note, &[s.verifier()]).unwrap().text, text);
    }
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(input in any::<String>()) {
        let _ = open(&input, &[peter()]);
        let _ = NoteVerifier::parse(&input);
        let _ = NoteSigner::parse(&input);
        let with_sig = format!("{input}\n\n{PETER_SIG}");
        let _ = open(&with_sig, &[peter()]);
    }

    #[test]
    fn any_single_character_change_is_rejected(position in 0usize..1000, replacement in any::<char>()) {
        let note = signed();
        let chars: Vec<char> = note.chars().collect();
        let position = position % chars.len();
        prop_assume!(chars[position] != replacement);
        let mut changed = chars;
        changed[position] = replacement;
        let changed: String = changed.into_iter().collect();
        prop_assert!(open(&changed, &[peter()]).is_err(), "accepted {:?}", changed);
    }

    #[test]
    fn signing_round_trips(name in "[a-z0-9./-]{1,20}", seed in any::<[u8; 32]>(), text in "([ -~]{0,30}\n){1,5}") {
        let s = NoteSigner::from_seed(&name, seed).unwrap();
        let note = s.sign(&text).unwrap();
        let v = NoteVerifier::parse(&s.verifier().verifier_key()).unwrap();
        prop_assert_eq!(open(&note, &[v]).unwrap(), OpenedNote { text, verified_by: vec![name] });
    }
}
