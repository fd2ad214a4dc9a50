//! Checkpoint body tests (format and strict parsing per
//! c2sp.org/tlog-checkpoint) and signed-checkpoint tests.
//!
//! They must never accept a second spelling of a checkpoint: witnesses
//! compare bodies byte for byte, so every malformed body here needs a typed
//! error.

use ledger_tlog::{
    open, Checkpoint, Hash, NoteError, NoteSigner, SignedCheckpoint, TlogError, EMPTY_ROOT,
};
use proptest::prelude::*;

/// The example body from the tlog-checkpoint spec.
const SPEC_BODY: &str =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

fn spec_checkpoint() -> Checkpoint {
    Checkpoint {
        origin: "example.com/behind-the-sofa".to_owned(),
        size: 20852163,
        root: Hash::from_base64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=").unwrap(),
        extensions: vec![],
    }
}

fn signer() -> NoteSigner {
    NoteSigner::from_seed("example.com/behind-the-sofa", [42u8; 32]).unwrap()
}

#[test]
fn spec_example_round_trips() {
    assert_eq!(Checkpoint::parse(SPEC_BODY).unwrap(), spec_checkpoint());
    assert_eq!(spec_checkpoint().to_body(), SPEC_BODY);
}

#[test]
fn extensions_and_empty_tree_round_trip() {
    let cp = Checkpoint {
        origin: "o".to_owned(),
        size: 0,
        root: EMPTY_ROOT,
        extensions: vec!["ext one".to_owned(), "— two".to_owned()],
    };
    let body = cp.to_body();
    assert_eq!(
        body,
        "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\n— two\n"
    );
    assert_eq!(Checkpoint::parse(&body).unwrap(), cp);
}

#[test]
fn malformed_bodies_give_typed_errors() {
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    let cases: Vec<(String, TlogError)> = vec![
        (
            "o\n1\n".to_owned() + root,
            TlogError::CheckpointNoFinalNewline,
        ),
        (String::new(), TlogError::CheckpointNoFinalNewline),
        ("o\n1\n".to_owned(), TlogError::CheckpointTooFewLines),
        ("\n".to_owned(), TlogError::CheckpointTooFewLines),
        (format!("\n1\n{root}\n"), TlogError::CheckpointEmptyOrigin),
        (format!("o\n+1\n{root}\n"), TlogError::CheckpointBadSize),
        (format!("o\n-1\n{root}\n"), TlogError::CheckpointBadSize),
        (format!("o\n01\n{root}\n"), TlogError::CheckpointBadSize),
        (format!("o\n00\n{root}\n"), TlogError::CheckpointBadSize),
        (format!("o\n1a\n{root}\n"), TlogError::CheckpointBadSize),
        (format!("o\n 1\n{root}\n"), TlogError::CheckpointBadSize),
        (format!("o\n\n{root}\n"), TlogError::CheckpointBadSize),
        (
            format!("o\n18446744073709551616\n{root}\n"),
            TlogError::CheckpointBadSize,
        ),
        (
            format!("o\n1\n{root}\n\n"),
            TlogError::CheckpointEmptyExtension,
        ),
        (
            format!("o\n1\n{root}\next\n\n"),
            TlogError::CheckpointEmptyExtension,
        ),
        ("o\n1\nnot base64!\n".to_owned(), TlogError::BadHashEncoding),
        (
            format!("o\n1\n{}\n", root.trim_end_matches('=')),
            TlogError::BadHashEncoding,
        ),
        (
            "o\n1\nAAAA\n".to_owned(),
            TlogError::BadHashLength { len: 3 },
        ),
        (
            "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n".to_owned(),
            TlogError::BadHashLength { len: 36 },
        ),
    ];
    for (body, want) in cases {
        assert_eq!(Checkpoint::parse(&body), Err(want), "{body:?}");
    }
    // The largest size is fine.
    let max = format!("o\n18446744073709551615\n{root}\n");
    assert_eq!(Checkpoint::parse(&max).unwrap().size, u64::MAX);
}

#[test]
fn signed_checkpoint_round_trips() {
    let cp = spec_checkpoint();
    let note = SignedCheckpoint::sign(&cp, &signer()).unwrap();
    assert!(note.starts_with(SPEC_BODY));
    let opened =
        SignedCheckpoint::open(&note, "example.com/behind-the-sofa", &[signer().verifier()])
            .unwrap();
    assert_eq!(opened.checkpoint, cp);
    assert_eq!(opened.verified_by, vec!["example.com/behind-the-sofa"]);
}

#[test]
fn signed_checkpoint_rejections() {
    let note = SignedCheckpoint::sign(&spec_checkpoint(), &signer()).unwrap();
    let v = [signer().verifier()];
    assert_eq!(
        SignedCheckpoint::open(&note, "example.com/other", &v),
        Err(TlogError::OriginMismatch {
            expected: "example.com/other".to_owned(),
            found: "example.com/behind-the-sofa".to_owned(),
        })
    );
    let stranger = NoteSigner::from_seed("example.com/behind-the-sofa", [43u8; 32]).unwrap();
    assert_eq!(
        SignedCheckpoint::open(&note, "example.com/behind-the-sofa", &[stranger.verifier()]),
        Err(TlogError::Note(NoteError::NoVerifiedSignature))
    );
    let tampered = note.replace("20852163", "20852164");
    assert!(matches!(
        SignedCheckpoint::open(&tampered, "example.com/behind-the-sofa", &v),
        Err(TlogError::Note(NoteError::InvalidSignature { .. }))
    ));
    // A correctly signed note whose text is not a checkpoint.
    let not_a_checkpoint = signer().sign("hello\n").unwrap();
    assert_eq!(
        SignedCheckpoint::open(&not_a_checkpoint, "hello", &v),
        Err(TlogError::CheckpointTooFewLines)
    );
}

#[test]
fn checkpoints_that_would_not_round_trip_are_not_signed() {
    let mut cp = spec_checkpoint();
    cp.origin = "two\nlines".to_owned();
    assert_eq!(
        SignedCheckpoint::sign(&cp, &signer()),
        Err(TlogError::CheckpointNotCanonical)
    );
    let mut cp = spec_checkpoint();
    cp.extensions = vec![String::new()];
    assert_eq!(
        SignedCheckpoint::sign(&cp, &signer()),
        Err(TlogError::CheckpointNotCanonical)
    );
    let mut cp = spec_checkpoint();
    cp.origin = "tab\there".to_owned();
    assert!(matches!(
        SignedCheckpoint::sign(&cp, &signer()),
        Err(TlogError::Note(NoteError::Malformed(_)))
    ));
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(input in any::<String>()) {
        let _ = Checkpoint::parse(&input);
        let _ = SignedCheckpoint::open(&input, "o", &[signer().verifier()]);
    }

    #[test]
    fn near_miss_bodies_never_panic(input in "[o0-9+A-Za-z/= \n-]{0,80}") {
        if let Ok(cp) = Checkpoint::parse(&input) {
            // Whatever parses is canonical: it serialises back to the input.
            prop_assert_eq!(cp.to_body(), input);
        }
    }

    #[test]
    fn valid_checkpoints_round_trip(
        origin in "[a-z.]{1,12}(/[a-z0-9]{1,8})?",
        size in any::<u64>(),
        root in any::<[u8; 32]>(),
        extensions in proptest::collection::vec("[ -~]{1,20}", 0..3),
    ) {
        let cp = Checkpoint { origin: origin.clone(), size, root: Hash(root), extensions };
        prop_assert_eq!(Checkpoint::parse(&cp.to_body()).unwrap(), cp.clone());
        let s = NoteSigner::from_seed(&origin, root).unwrap();
        let note = SignedCheckpoint::sign(&cp, &s).unwrap();
        prop_assert_eq!(open(&note, &[s.verifier()]).unwrap().text, cp.to_body());
        prop_assert_eq!(SignedCheckpoint::open(&note, &origin, &[s.verifier()]).unwrap().checkpoint, cp);
    }
}
