//! The Dutch texts of the demo cycle: the proposal, the remarks libraries add to their
//! votes, the advice, the government's decision document, the criteria and the project
//! sheets.
//!
//! The texts are written for this demo after the real decision of 2023: the steering group
//! Digitale Bibliotheek proposed, and the libraries agreed by vote, that the former
//! interlibrary-loan micro-subsidies be spent centrally on digital services; the steering
//! group advised the Flemish government through Cultuurconnect, and the government
//! decided in its management agreement with Cultuurconnect. Names of people and places
//! are invented. Dutch as a Flemish librarian writes it. This module must never compute
//! anything beyond choosing a text by index.

/// Title of the proposal.
pub const PROPOSAL_TITLE: &str =
    "Middelen van de vroegere IBL-microsubsidies centraal inzetten voor digitale dienstverlening";

/// Text of the proposal, in the steering group's words.
pub const PROPOSAL_TEXT: &str = "De stuurgroep Digitale Bibliotheek stelt voor om de \
middelen van de vroegere microsubsidies voor interbibliothecair leenverkeer (IBL), \
ongeveer € 200.000 per jaar, vanaf 2024 niet langer per bibliotheek uit te keren, maar \
centraal in te zetten voor digitale dienstverlening: gezamenlijke licenties voor e-boeken \
en e-content, één digitale bibliotheekpas en vorming in digitale vaardigheden. Het \
interbibliothecair lenen zelf blijft bestaan. Stemmen de bibliotheken in, dan adviseert de \
stuurgroep de Vlaamse overheid via Cultuurconnect in die zin. De stuurgroep legt elk jaar \
verantwoording af over de besteding.";

/// Remarks a library adds to a yes vote.
pub const REMARKS_YES: [&str; 12] = [
    "Eindelijk één aanpak voor e-boeken en e-content in alle bibliotheken.",
    "Samen aankopen is goedkoper dan elk apart.",
    "Akkoord, op voorwaarde dat de kleine bibliotheken mee betrokken worden.",
    "Goed voorstel. Graag snel een planning.",
    "Het IBL-systeem kostte ons meer tijd dan het opbracht.",
    "Steun vanuit ons college van burgemeester en schepenen.",
    "Digitale dienstverlening centraal organiseren is de logische stap.",
    "Ja, maar houd het interbibliothecair lenen zelf zeker in stand.",
    "Wij kijken vooral uit naar betere e-boekenlicenties.",
    "Prima, en graag een jaarlijkse evaluatie in de stuurgroep.",
    "Voor onze leners weegt een sterk digitaal aanbod zwaarder dan de microsubsidie.",
    "Akkoord. Transparante rapportering over de besteding is wel een must.",
];

/// Remarks a library adds to a no vote.
pub const REMARKS_NO: [&str; 5] = [
    "De microsubsidie was voor ons een vaste inkomst die we niet willen missen.",
    "Te weinig garanties dat kleine gemeenten er beter van worden.",
    "Eerst een impactanalyse per bibliotheek, dan pas beslissen.",
    "Wij verkiezen de middelen lokaal te houden.",
    "Centralisatie gaat voorbij aan de noden van plattelandsbibliotheken.",
];

/// Remarks a library adds to an abstention.
pub const REMARKS_ABSTAIN: [&str; 4] = [
    "Ons bestuur heeft hierover nog geen standpunt ingenomen.",
    "Te weinig informatie om nu te beslissen.",
    "Wij volgen de meerderheid, maar hebben vragen bij de timing.",
    "Onthouding in afwachting van de gemeenteraad.",
];

/// Endings that vary a remark, the first one empty.
pub const REMARK_ENDINGS: [&str; 4] = [
    "",
    " Met dank aan de stuurgroep.",
    " (namens de bibliotheekraad)",
    " Wordt vervolgd op het regio-overleg.",
];

/// The recipient of the advice (the steering group advises it through Cultuurconnect).
pub const GOVERNMENT: &str = "Vlaamse overheid";

/// The organisation through which the steering group advises the government, and with
/// which the government makes its management agreement.
pub const CULTUURCONNECT: &str = "Cultuurconnect";

/// The reference of the government's decision document.
pub const DECISION_REFERENCE: &str =
    "Beheersovereenkomst 2024-2028 Vlaamse overheid – Cultuurconnect";

/// The demo's stand-in for the official decision document; the ledger stores only its
/// BLAKE3 hash, as it would for the real PDF.
pub const DECISION_DOCUMENT: &str = "Beheersovereenkomst 2024-2028 tussen de Vlaamse \
overheid en Cultuurconnect (demotekst).\n\
Artikel 12. De middelen van de vroegere microsubsidies voor interbibliothecair \
leenverkeer, € 200.000 per jaar, worden van 1 januari 2024 tot en met 31 december 2028 \
centraal ingezet voor digitale dienstverlening, op advies van de stuurgroep Digitale \
Bibliotheek.\n";

/// The advice the steering group sends through Cultuurconnect, with the round's figures
/// filled in: `{libraries}` libraries voted and `{percent}`% of the represented
/// inhabitants agreed.
pub fn advice_text(libraries: u32, percent: &str) -> String {
    format!(
        "De stuurgroep Digitale Bibliotheek adviseert de Vlaamse overheid, via \
         Cultuurconnect, om de middelen van de vroegere IBL-microsubsidies, € 200.000 per \
         jaar, vanaf 2024 centraal in te zetten voor digitale dienstverlening. De \
         bibliotheken stemden in mei 2023 over dit voorstel: {libraries} bibliotheken \
         brachten hun stem uit en {percent}% van het vertegenwoordigde inwonersaantal \
         stemde in. De stuurgroep bekrachtigde dat resultaat in juni 2023."
    )
}

/// Title of the demo's try-out proposal, which says plainly that it decides nothing.
pub const TRIAL_TITLE: &str = "Proefstemming: probeer de schrijf-API uit (geen echte beslissing)";

/// Text of the try-out proposal.
pub const TRIAL_TEXT: &str = "Een open stemronde in de demo, om zelf een stem uit te \
brengen met curl of `ledger vote`. Dit is geen echt voorstel: de uitslag beslist niets.";

/// Title of the try-out round.
pub const TRIAL_ROUND_TITLE: &str = "Proefstemronde";

/// Criteria for scoring project sheets: id, name and weight (weights sum to 100).
pub const CRITERIA: [(&str, &str, u32); 3] = [
    ("c-impact", "Impact voor de gebruikers", 40),
    ("c-bereik", "Bereik over alle bibliotheken", 35),
    ("c-haalbaarheid", "Haalbaarheid binnen het budget", 25),
];

/// Project sheets: id, title, summary and budget in cents per year (summing to the
/// proposal's 20,000,000 cents).
pub const SHEETS: [(&str, &str, &str, i128); 3] = [
    (
        "pf-2024-ebooks",
        "Gezamenlijke licenties voor e-boeken en e-content",
        "Eén centrale aankoop van licenties voor e-boeken, luisterboeken en \
         databanken, beschikbaar voor de leden van elke bibliotheek.",
        9_000_000,
    ),
    (
        "pf-2024-pas",
        "Eén digitale bibliotheekpas voor heel Vlaanderen",
        "Een digitale pas waarmee een lener in elke bibliotheek en in het \
         digitale aanbod terecht kan, zonder nieuwe inschrijving.",
        6_500_000,
    ),
    (
        "pf-2024-vorming",
        "Vorming digitale vaardigheden voor bibliotheekmedewerkers",
        "Een vormingstraject zodat medewerkers leners kunnen begeleiden bij \
         e-boeken, e-loketten en digitale basisvaardigheden.",
        4_500_000,
    ),
];

/// Each member's scores, per sheet (in [`SHEETS`] order) per criterion (in [`CRITERIA`]
/// order), 0 to 10.
pub const SCORES: [[[i64; 3]; 3]; 3] = [
    // stuurgroep-an
    [[9, 8, 7], [7, 9, 5], [6, 6, 9]],
    // stuurgroep-bart
    [[8, 9, 6], [8, 7, 6], [7, 5, 8]],
    // stuurgroep-chris
    [[9, 7, 8], [6, 8, 4], [7, 6, 9]],
];
