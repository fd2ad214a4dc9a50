//! Bytes an outsider can decode: a small reader written from ARCHITECTURE.md alone
//! ("The record" and "Payload bytes") decodes every event type and every record of the
//! demo ledger, and must agree with the JSON view of each.
//!
//! The reader knows only the primitive encodings of the "Encodings" table (written out
//! by hand below); the enums, structures and payload field orders it follows are parsed
//! from ARCHITECTURE.md at run time, so the documented tables cannot drift from the code.
//! The demo's records are read the way an auditor would: paged through `GET
//! /v1/events?bytes=base64`. This file must never decode a payload with the crate's own
//! serde types: the JSON it compares against is the only thing taken from the crates.

#[path = "../crates/ledger-api/tests/demo_fixture/mod.rs"]
mod demo_fixture;

use std::collections::BTreeMap;

use actix_web::test::{call_and_read_body_json, init_service, TestRequest};
use actix_web::web;
use base64::Engine;
use ledger_core::amount::Cents;
use ledger_core::event::{self, EVENT_TYPES};
use ledger_core::tally::Abstentions;
use ledger_core::{
    ActorId, AdviceId, Choice, Count, CriterionId, Date, DecisionId, Event, LibraryId,
    NewsletterId, NisCode, Outcome, Position, ProposalId, Ratio, Role, RoundId, Rule, SheetId,
    Tally, Timestamp,
};
use serde_json::{json, Map, Value};

/// A type as the "Payload bytes" tables name it.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
    U8,
    U16,
    U32,
    U64,
    Bool,
    Text,
    Timestamp,
    Date,
    Cents,
    Option(Box<Ty>),
    List(Box<Ty>),
    /// An enum or a structure of the tables.
    Named(String),
}

fn parse_ty(text: &str) -> Ty {
    let text = text.trim();
    if let Some(inner) = text
        .strip_prefix("option<")
        .and_then(|t| t.strip_suffix('>'))
    {
        return Ty::Option(Box::new(parse_ty(inner)));
    }
    if let Some(inner) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        return Ty::List(Box::new(parse_ty(inner)));
    }
    match text {
        "u8" => Ty::U8,
        "u16" => Ty::U16,
        "u32" => Ty::U32,
        "u64" => Ty::U64,
        "bool" => Ty::Bool,
        "string" => Ty::Text,
        "timestamp" => Ty::Timestamp,
        "date" => Ty::Date,
        "cents" => Ty::Cents,
        name => Ty::Named(name.to_owned()),
    }
}

/// `name: type, name: type`, as a fields cell holds them.
fn parse_fields(cell: &str) -> Vec<(String, Ty)> {
    cell.split(", ")
        .map(|field| {
            let (name, ty) = field
                .split_once(": ")
                .unwrap_or_else(|| panic!("a field `name: type`, got {field:?}"));
            (name.trim().to_owned(), parse_ty(ty))
        })
        .collect()
}

/// One variant of a documented enum: its index, JSON word and content type if any.
#[derive(Debug)]
struct Variant {
    index: u32,
    name: String,
    content: Option<Ty>,
}

/// The tables of ARCHITECTURE.md's "Payload bytes".
#[derive(Debug, Default)]
struct Layout {
    enums: BTreeMap<String, Vec<Variant>>,
    structures: BTreeMap<String, Vec<(String, Ty)>>,
    payloads: BTreeMap<(String, u16), Vec<(String, Ty)>>,
}

fn documented_layout() -> Layout {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ARCHITECTURE.md");
    let text = std::fs::read_to_string(&path).expect("ARCHITECTURE.md");
    let start = text
        .find("\n## Payload bytes\n")
        .expect("ARCHITECTURE.md has a section `## Payload bytes`");
    let section = &text[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];

    let mut layout = Layout::default();
    let mut table = String::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line
            .trim_matches('|')
            .split(" | ")
            .map(|c| c.trim().trim_matches('`'))
            .collect();
        if cells[0].starts_with("---") {
            continue;
        }
        if !line.starts_with("| `") {
            table = cells[0].to_owned();
            continue;
        }
        match table.as_str() {
            "enum" => {
                let variants = cells[1]
                    .split(", ")
                    .map(|v| {
                        let (index, rest) = v.split_once(' ').expect("`index name`");
                        let (name, content) = match rest.split_once('(') {
                            Some((name, ty)) => (name, Some(parse_ty(ty.trim_end_matches(')')))),
                            None => (rest, None),
                        };
                        Variant {
                            index: index.parse().expect("a variant index"),
                            name: name.to_owned(),
                            content,
                        }
                    })
                    .collect();
                layout.enums.insert(cells[0].to_owned(), variants);
            }
            "structure" => {
                layout
                    .structures
                    .insert(cells[0].to_owned(), parse_fields(cells[1]));
            }
            "event type" => {
                let version = cells[1].parse().expect("a schema version");
                layout
                    .payloads
                    .insert((cells[0].to_owned(), version), parse_fields(cells[2]));
            }
            // The "Encodings" table: its rules are written out by hand in `Reader`.
            _ => {}
        }
    }
    layout
}

/// Reads bytes front to back, following the "Encodings" table.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        assert!(
            n <= self.bytes.len(),
            "needs {n} bytes, {} left",
            self.bytes.len()
        );
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        head
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        self.take(N).try_into().expect("N bytes")
    }

    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.array())
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.array())
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.array())
    }

    fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.array())
    }

    fn length(&mut self) -> usize {
        let n = self.u64();
        assert!(
            n <= self.bytes.len() as u64,
            "a length of {n} beyond the end"
        );
        n as usize
    }

    fn text(&mut self) -> String {
        let n = self.length();
        String::from_utf8(self.take(n).to_vec()).expect("UTF-8")
    }

    fn tag(&mut self) -> bool {
        match self.u8() {
            0 => false,
            1 => true,
            other => panic!("a bool or option tag is 0 or 1, got {other}"),
        }
    }

    fn value(&mut self, ty: &Ty, layout: &Layout) -> Value {
        match ty {
            Ty::U8 => self.u8().into(),
            Ty::U16 => self.u16().into(),
            Ty::U32 => self.u32().into(),
            Ty::U64 | Ty::Cents => self.u64().into(),
            Ty::Bool => self.tag().into(),
            Ty::Text => self.text().into(),
            Ty::Timestamp => rfc3339(self.i64()).into(),
            Ty::Date => {
                let (y, m, d) = civil(i64::from(self.i32()));
                format!("{y:04}-{m:02}-{d:02}").into()
            }
            Ty::Option(inner) => match self.tag() {
                false => Value::Null,
                true => self.value(inner, layout),
            },
            Ty::List(inner) => {
                let n = self.length();
                (0..n).map(|_| self.value(inner, layout)).collect()
            }
            Ty::Named(name) => {
                if let Some(fields) = layout.structures.get(name) {
                    return self.fields(fields, layout);
                }
                let variants = layout
                    .enums
                    .get(name)
                    .unwrap_or_else(|| panic!("`{name}` is in no table of ARCHITECTURE.md"));
                let index = self.u32();
                let variant = variants
                    .iter()
                    .find(|v| v.index == index)
                    .unwrap_or_else(|| panic!("{name} has no variant {index}"));
                match &variant.content {
                    None => variant.name.clone().into(),
                    Some(content) => json!({ variant.name.clone(): self.value(content, layout) }),
                }
            }
        }
    }

    fn fields(&mut self, fields: &[(String, Ty)], layout: &Layout) -> Value {
        let mut object = Map::new();
        for (name, ty) in fields {
            object.insert(name.clone(), self.value(ty, layout));
        }
        Value::Object(object)
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A `timestamp` as the JSON view shows it (see the "Encodings" table).
fn rfc3339(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let fraction = micros.rem_euclid(1_000_000);
    let (y, m, d) = civil(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    let digits = match fraction {
        0 => String::new(),
        f if f % 1000 == 0 => format!(".{:03}", f / 1000),
        f => format!(".{f:06}"),
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{digits}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// Decodes a payload of `event_type` at `version`, which must use up every byte.
fn decode_payload(layout: &Layout, event_type: &str, version: u16, body: &[u8]) -> Value {
    let fields = layout
        .payloads
        .get(&(event_type.to_owned(), version))
        .unwrap_or_else(|| panic!("{event_type} v{version} is not documented"));
    let mut reader = Reader { bytes: body };
    let value = reader.fields(fields, layout);
    assert!(
        reader.bytes.is_empty(),
        "{event_type}: {} bytes left after the documented fields",
        reader.bytes.len()
    );
    value
}

/// The JSON view of an event's body, as the read API shows it.
fn json_body(event: &Event) -> Value {
    serde_json::to_value(event).expect("JSON")["body"].clone()
}

fn rule() -> Rule {
    Rule {
        threshold: Ratio::HALF,
        abstentions: Abstentions::NotRepresented,
        quorum: Ratio::new(1, 3),
        double_majority: true,
        signatures_required: 3,
    }
}

/// A small tally whose every count differs, so a swapped field cannot go unseen.
fn tally() -> Tally {
    let [eligible, cast, yes, no, abstain] = [
        (5, 1_000_001),
        (4, 900_002),
        (2, 500_003),
        (1, 300_004),
        (1, 100_005),
    ]
    .map(|(libraries, inhabitants)| Count {
        libraries,
        inhabitants,
    });
    Tally {
        eligible,
        cast,
        yes,
        no,
        abstain,
    }
}

/// One event of every type, with values that exercise each encoding: non-ASCII text,
/// absent and present options, every enum, dates before 1970, sub-second timestamps.
fn one_of_each() -> Vec<Event> {
    use event::*;
    let lib = LibraryId::new;
    let round = || RoundId::new("r-2023-05");
    let proposal = || ProposalId::new("p-2023-ibl");
    let sheets = || vec![SheetId::new("s-1"), SheetId::new("s-2")];
    let date = |text| Date::parse(text).expect("a date");
    vec![
        Event::LedgerInitialized(LedgerInitialized {
            origin: "bibliotheken.example/ledger".into(),
        }),
        Event::RoleGranted(RoleGranted {
            actor: ActorId::new("secretariaat"),
            role: Role::Secretariat,
        }),
        Event::RoleGranted(RoleGranted {
            actor: ActorId::new("lid-1"),
            role: Role::SteeringMember,
        }),
        Event::RoleRevoked(RoleRevoked {
            actor: ActorId::new("lib-gent"),
            role: Role::Library(lib("lib-44021")),
        }),
        Event::LibraryRegistered(LibraryRegistered {
            library: lib("lib-11002"),
            name: "Bibliotheek Antwerpen – Permeke".into(),
            municipalities: vec![NisCode("11002".into()), NisCode("11008".into())],
            inhabitants: 530_504,
        }),
        Event::LibraryUpdated(LibraryUpdated {
            library: lib("lib-11002"),
            name: "Bibliotheek Antwerpen".into(),
            municipalities: vec![],
            inhabitants: 1,
        }),
        Event::LibraryRetired(LibraryRetired {
            library: lib("lib-11002"),
            reason: "fusie".into(),
        }),
        Event::ProposalFiled(ProposalFiled {
            proposal: proposal(),
            title: "Microsubsidies centraal".into(),
            text: "Adviseer de Vlaamse overheid …".into(),
            budget_per_year: Cents(20_000_000),
            trial: false,
        }),
        Event::ProposalAmended(ProposalAmended {
            proposal: proposal(),
            title: "t".into(),
            text: String::new(),
            budget_per_year: Cents(1),
        }),
        Event::ProposalWithdrawn(ProposalWithdrawn {
            proposal: proposal(),
            reason: "r".into(),
        }),
        Event::RoundOpened(RoundOpened {
            round: round(),
            proposal: proposal(),
            opens_at: Timestamp::from_micros(1_683_529_200_000_000),
            closes_at: Timestamp::from_micros(1_685_570_399_123_456),
            rule: rule(),
            electorate: vec![
                Elector {
                    library: lib("lib-a"),
                    inhabitants: 16_962,
                },
                Elector {
                    library: lib("lib-b"),
                    inhabitants: 7,
                },
            ],
            title: Some("Stemronde mei 2023".into()),
            trial: false,
            live_results: false,
            signed_votes: SignedVotes::Required,
        }),
        Event::RoundOpened(RoundOpened {
            round: round(),
            proposal: proposal(),
            opens_at: Timestamp::from_micros(-1_500),
            closes_at: Timestamp::from_micros(1_000),
            rule: Rule::default(),
            electorate: vec![],
            title: None,
            trial: true,
            live_results: true,
            signed_votes: SignedVotes::Optional,
        }),
        Event::VoteCast(VoteCast {
            round: round(),
            library: lib("lib-a"),
            choice: Choice::Yes,
            remark: Some("Akkoord, één aanpak (€).".into()),
            inhabitants: 16_962,
            replaces_earlier_vote: false,
            signature: None,
        }),
        Event::VoteCast(VoteCast {
            round: round(),
            library: lib("lib-a"),
            choice: Choice::Abstain,
            remark: None,
            inhabitants: 16_962,
            replaces_earlier_vote: true,
            signature: Some("\u{2014} lib-a AQIDBA==".into()),
        }),
        Event::VoteCast(VoteCast {
            round: round(),
            library: lib("lib-b"),
            choice: Choice::No,
            remark: Some(String::new()),
            inhabitants: 7,
            replaces_earlier_vote: false,
            signature: None,
        }),
        Event::RoundClosed(RoundClosed {
            round: round(),
            tally: tally(),
            outcome: Outcome::Adopted,
            closed_early: true,
        }),
        Event::RoundAnnulled(RoundAnnulled {
            round: round(),
            reason: "fout in het kiezerskorps".into(),
        }),
        Event::CertificationSigned(CertificationSigned {
            round: round(),
            member: ActorId::new("lid-1"),
            tally_digest: "ab".repeat(32),
            signature: None,
        }),
        Event::ResultCertified(ResultCertified {
            round: round(),
            tally_digest: "cd".repeat(32),
            signers: vec![ActorId::new("lid-1"), ActorId::new("lid-2")],
            outcome: Outcome::Rejected,
        }),
        Event::ResultCertified(ResultCertified {
            round: round(),
            tally_digest: String::new(),
            signers: vec![],
            outcome: Outcome::Pending,
        }),
        Event::AdviceSent(AdviceSent {
            advice: AdviceId::new("a-1"),
            round: round(),
            proposal: proposal(),
            recipient: "Vlaamse overheid".into(),
            text: "Advies".into(),
            signature: None,
        }),
        Event::GovernmentDecisionRecorded(GovernmentDecisionRecorded {
            decision: DecisionId::new("d-1"),
            advice: AdviceId::new("a-1"),
            proposal: proposal(),
            verdict: Verdict::Amended,
            amount_per_year: Cents(18_000_000),
            period_start: date("2024-01-01"),
            period_end: date("1969-12-31"),
            document_reference: "BO 2024-2028".into(),
            document_blake3: "0f".repeat(32),
            signature: None,
        }),
        Event::GovernmentDecisionRecorded(GovernmentDecisionRecorded {
            decision: DecisionId::new("d-2"),
            advice: AdviceId::new("a-1"),
            proposal: proposal(),
            verdict: Verdict::Approved,
            amount_per_year: Cents(0),
            period_start: date("1900-02-28"),
            period_end: date("2400-02-29"),
            document_reference: String::new(),
            document_blake3: String::new(),
            signature: None,
        }),
        Event::GovernmentDecisionRecorded(GovernmentDecisionRecorded {
            decision: DecisionId::new("d-3"),
            advice: AdviceId::new("a-1"),
            proposal: proposal(),
            verdict: Verdict::Rejected,
            amount_per_year: Cents(0),
            period_start: date("2000-03-01"),
            period_end: date("2000-02-29"),
            document_reference: "x".into(),
            document_blake3: "y".into(),
            signature: None,
        }),
        Event::CriteriaSet(CriteriaSet {
            criteria: vec![
                Criterion {
                    id: CriterionId::new("c-impact"),
                    name: "Impact".into(),
                    weight: 60,
                },
                Criterion {
                    id: CriterionId::new("c-kost"),
                    name: "Kostprijs".into(),
                    weight: 40,
                },
            ],
        }),
        Event::ProjectSheetFiled(ProjectSheetFiled {
            sheet: SheetId::new("s-1"),
            proposal: Some(proposal()),
            title: "E-boeken".into(),
            summary: "Eén platform".into(),
            budget_per_year: Cents(5_000_000),
        }),
        Event::ProjectSheetFiled(ProjectSheetFiled {
            sheet: SheetId::new("s-2"),
            proposal: None,
            title: "t".into(),
            summary: "s".into(),
            budget_per_year: Cents(1),
        }),
        Event::SheetScored(SheetScored {
            sheet: SheetId::new("s-1"),
            criterion: CriterionId::new("c-impact"),
            member: ActorId::new("lid-1"),
            score: 10,
        }),
        Event::PrioritiesDecided(PrioritiesDecided { ranking: sheets() }),
        Event::NewsletterIssued(NewsletterIssued {
            newsletter: NewsletterId::new("n-2023-06"),
            title: "Nieuwsbrief juni".into(),
            covers_from: Position(0),
            covers_to: Position(u64::MAX),
        }),
        Event::AdviceSuperseded(AdviceSuperseded {
            advice: AdviceId::new("a-1"),
            proposal: proposal(),
            text: "Verbeterd advies".into(),
            reason: "tikfout in het bedrag".into(),
        }),
        Event::GovernmentDecisionAmended(GovernmentDecisionAmended {
            decision: DecisionId::new("d-1"),
            advice: AdviceId::new("a-1"),
            proposal: proposal(),
            verdict: Verdict::Approved,
            amount_per_year: Cents(17_500_000),
            period_start: date("2024-01-01"),
            period_end: date("2028-12-31"),
            document_reference: "BO 2024-2028 erratum".into(),
            document_blake3: "1e".repeat(32),
            reason: "erratum van de overheid".into(),
        }),
        Event::VotingWindowChanged(VotingWindowChanged {
            round: round(),
            previous_closes_at: Timestamp::from_micros(1_000),
            closes_at: Timestamp::from_micros(-7),
            reason: "verlengd wegens storing".into(),
        }),
        Event::CertificationWithdrawn(CertificationWithdrawn {
            round: round(),
            member: ActorId::new("lid-2"),
            reason: "verkeerde telling gezien".into(),
        }),
        Event::ActorNamed(ActorNamed {
            actor: ActorId::new("lid-1"),
            name: "An Peeters (stuurgroep)".into(),
        }),
        Event::DocumentLinked(DocumentLinked {
            subject: DocumentSubject::Proposal(proposal()),
            title: "Nota aan de stuurgroep".into(),
            url: "https://bibliotheken.example/nota.pdf".into(),
            document_blake3: "2b".repeat(32),
        }),
        Event::DocumentLinked(DocumentLinked {
            subject: DocumentSubject::Sheet(SheetId::new("s-1")),
            title: "Projectfiche e-boeken".into(),
            url: "http://x".into(),
            document_blake3: String::new(),
        }),
        Event::AuthorKeyRegistered(event::AuthorKeyRegistered {
            actor: ActorId::new("lib-a"),
            key: "lib-a+01020304+AQ==".into(),
            proof: "\u{2014} lib-a AQIDBA==".into(),
            replaces: Some("lib-a+0a0b0c0d+AQ==".into()),
        }),
        Event::AuthorKeyRegistered(event::AuthorKeyRegistered {
            actor: ActorId::new("lid-1"),
            key: String::new(),
            proof: String::new(),
            replaces: None,
        }),
        Event::AuthorKeyRevoked(event::AuthorKeyRevoked {
            actor: ActorId::new("lib-a"),
            key: "lib-a+01020304+AQ==".into(),
            reason: "Sleutel verloren".into(),
        }),
    ]
}

#[test]
fn the_documented_tables_name_every_event_type_and_version_the_code_writes() {
    let layout = documented_layout();
    let documented: Vec<(String, u16)> = layout.payloads.keys().cloned().collect();
    let mut written: Vec<(String, u16)> = EVENT_TYPES
        .iter()
        .map(|(name, version)| ((*name).to_owned(), *version))
        .collect();
    written.sort();
    assert_eq!(documented, written);
    let sampled: std::collections::BTreeSet<&str> =
        one_of_each().iter().map(Event::event_type).collect();
    assert_eq!(sampled.len(), EVENT_TYPES.len(), "a sample of every type");
}

#[test]
fn every_event_type_decodes_from_the_documented_layout_alone() {
    let layout = documented_layout();
    for event in one_of_each() {
        let body = event.encode_body().expect("encode");
        let decoded = decode_payload(&layout, event.event_type(), event.schema_version(), &body);
        assert_eq!(decoded, json_body(&event), "{}", event.event_type());
    }
}

#[test]
fn the_event_schema_lists_each_payload_in_stored_order() {
    let layout = documented_layout();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/event.schema.json");
    let text = std::fs::read_to_string(path).expect("schemas/event.schema.json");
    // schemars keeps the file's key order (its `preserve_order` feature).
    let schema: schemars::schema::RootSchema = serde_json::from_str(&text).expect("a schema");
    let variants = schema
        .schema
        .subschemas
        .as_ref()
        .and_then(|s| s.one_of.as_ref())
        .expect("one variant per event type");
    let mut checked = 0;
    for variant in variants {
        let schemars::schema::Schema::Object(variant) = variant else {
            panic!("an object schema per variant");
        };
        let properties = &variant.object.as_ref().expect("properties").properties;
        let event_type = serde_json::to_value(&properties["type"]).unwrap()["enum"][0]
            .as_str()
            .expect("the type name")
            .to_owned();
        let reference = serde_json::to_value(&properties["body"]).unwrap()["$ref"]
            .as_str()
            .expect("a $ref to the payload")
            .trim_start_matches("#/definitions/")
            .to_owned();
        let schemars::schema::Schema::Object(payload) = &schema.definitions[&reference] else {
            panic!("{reference} is an object schema");
        };
        let in_schema: Vec<&String> = payload
            .object
            .as_ref()
            .expect("properties")
            .properties
            .keys()
            .collect();
        let version = EVENT_TYPES
            .iter()
            .find(|(name, _)| *name == event_type)
            .map(|(_, v)| *v)
            .expect("a known type");
        let documented: Vec<&String> = layout.payloads[&(event_type.clone(), version)]
            .iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(in_schema, documented, "{event_type}");
        checked += 1;
    }
    assert_eq!(checked, EVENT_TYPES.len());
}

/// One stored record, read with the layout of ARCHITECTURE.md's "The record".
fn decode_record(layout: &Layout, bytes: &[u8]) -> Value {
    let mut r = Reader { bytes };
    assert_eq!(r.u16(), 1, "format version 1");
    let position = r.u64();
    let event_id = hex::encode(r.take(16));
    let command_id = r.text();
    let stream = r.text();
    let stream_version = r.u64();
    let recorded_at = rfc3339(r.i64());
    let actor = r.text();
    let event_type = r.text();
    let schema_version = r.u16();
    let body_length = r.length();
    let body = decode_payload(layout, &event_type, schema_version, r.take(body_length));
    let prev_hash = hex::encode(r.take(32));
    assert!(r.bytes.is_empty(), "bytes after prev_hash");
    json!({
        "position": position,
        "prev_hash": prev_hash,
        "event_id": event_id,
        "command_id": command_id,
        "stream": stream,
        "stream_version": stream_version,
        "recorded_at": recorded_at,
        "actor": actor,
        "type": event_type,
        "schema_version": schema_version,
        "body": body,
    })
}

#[actix_web::test]
async fn every_demo_record_decodes_from_its_stored_bytes_to_its_json_view() {
    let layout = documented_layout();
    let demo = demo_fixture::demo_ledger();
    let state = web::Data::new(ledger_api::AppState::new(demo.ledger.clone()).expect("state"));
    let app = init_service(ledger_api::test_app(state)).await;
    let mut after: Option<String> = None;
    let mut decoded = 0u64;
    let mut types = std::collections::BTreeSet::new();
    loop {
        let uri = match &after {
            None => "/v1/events?limit=500&bytes=base64".to_owned(),
            Some(a) => format!("/v1/events?limit=500&bytes=base64&after={a}"),
        };
        let page: Value =
            call_and_read_body_json(&app, TestRequest::get().uri(&uri).to_request()).await;
        for item in page["items"].as_array().expect("items") {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(item["bytes"].as_str().expect("the stored bytes"))
                .expect("standard base64");
            let mut expected = item.clone();
            let object = expected.as_object_mut().expect("an object");
            object.remove("bytes");
            object.remove("hash");
            assert_eq!(decode_record(&layout, &bytes), expected);
            types.insert(item["type"].as_str().expect("a type").to_owned());
            decoded += 1;
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(decoded, demo.ledger.head().length);
    assert!(
        types.len() >= 10,
        "the demo holds many event types: {types:?}"
    );
}
