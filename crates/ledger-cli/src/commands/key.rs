//! `ledger key`: an author's own Ed25519 key (`new`), registered through the log with a
//! proof of possession (`register`) or revoked (`revoke`); and the `--key FILE` signing
//! of `vote`, `certify`, `advice send` and `decision record` (ARCHITECTURE.md, "Author
//! signatures").
//!
//! The private key stays in the author's file (mode 0600) and on this machine: only the
//! signature of a statement is sent. This module must never send, print or log a private
//! key, and never overwrite a key file.

use std::path::{Path, PathBuf};

use ledger_core::signature::{key_statement, sign, sign_command};
use ledger_core::{ActorId, Command, CommandId};
use ledger_tlog::NoteSigner;

use super::client::{self, ServerArgs};
use crate::failure::{Failure, FAULT, INPUT};

/// Arguments of `ledger key`.
#[derive(Debug, clap::Subcommand)]
pub enum Args {
    /// Make a new author key: writes the private key to FILE (mode 0600, never
    /// overwritten) and prints the public verifier key.
    New {
        /// Whose key: the actor id it is named after.
        #[arg(long, value_name = "ID")]
        actor: String,
        /// Where to write the private key.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Then register it through the server, as `ledger key register` does.
        #[arg(long)]
        register: bool,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Register the key in FILE for its actor, with a proof of possession signed with it
    /// (the token is the actor's own, or the secretariat's on its behalf).
    Register {
        /// The private key file from `ledger key new`.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Revoke an actor's author key in force (the actor's own token or the secretariat's).
    Revoke {
        /// Whose key.
        #[arg(long, value_name = "ID")]
        actor: String,
        /// The verifier key revoked, as `ledger key new` printed it.
        #[arg(long, value_name = "VKEY")]
        verifier_key: String,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[command(flatten)]
        server: ServerArgs,
    },
}

/// `--key FILE` of the commands an author signs.
#[derive(Debug, clap::Args)]
pub struct SigningArgs {
    /// Sign the command with the author key in FILE (from `ledger key new`); required for
    /// a certification and for a vote in a round whose votes must be signed.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args {
        Args::New {
            actor,
            out,
            register: then_register,
            server,
        } => {
            let mut seed = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
            let signer = NoteSigner::from_seed(&actor, seed)
                .map_err(|e| Failure::error(INPUT, format!("--actor {actor}: {e}")))?;
            write_key_file(&out, &signer)?;
            println!("{}", signer.verifier().verifier_key());
            if then_register {
                register(&signer, &server)?;
            }
            Ok(())
        }
        Args::Register { key, server } => register(&read_key_file(&key)?, &server),
        Args::Revoke {
            actor,
            verifier_key,
            reason,
            server,
        } => client::send_and_print(
            &server,
            &Command::RevokeAuthorKey {
                actor: ActorId::new(actor),
                key: verifier_key,
                reason,
            },
        ),
    }
}

/// Registers `signer`'s key for the actor it is named after, with its proof of
/// possession over the registration statement.
fn register(signer: &NoteSigner, server: &ServerArgs) -> anyhow::Result<()> {
    let client = server.client()?;
    let origin = origin(&client)?;
    let id = command_id(server);
    let actor = ActorId::new(signer.name());
    let vkey = signer.verifier().verifier_key();
    let proof = sign(signer, &key_statement(&origin, &actor, &vkey, &id))
        .map_err(|e| Failure::error(INPUT, format!("signing: {e}")))?;
    let command = Command::RegisterAuthorKey {
        actor,
        key: vkey,
        proof,
    };
    let receipt = client.submit(&command, Some(&id), None)?;
    client::print_receipt(&receipt);
    Ok(())
}

/// Sends `command`, signed with the key of `signing` when one is given, and prints the
/// receipt.
pub fn send_signed(
    server: &ServerArgs,
    signing: &SigningArgs,
    command: Command,
) -> anyhow::Result<()> {
    let client = server.client()?;
    let (command, id) = signed(server, &client, signing, command)?;
    let receipt = client.submit(&command, id.as_deref(), None)?;
    client::print_receipt(&receipt);
    Ok(())
}

/// `command` signed with the key of `signing` (unchanged without one), and the command
/// id to send it under: the statement names the ledger's origin (read from the server's
/// checkpoint) and the command id, chosen here so the signature covers it.
pub fn signed(
    server: &ServerArgs,
    client: &client::Client,
    signing: &SigningArgs,
    mut command: Command,
) -> anyhow::Result<(Command, Option<String>)> {
    let Some(file) = &signing.key else {
        return Ok((command, server.idempotency_key.clone()));
    };
    let signer = read_key_file(file)?;
    let origin = origin(client)?;
    let id = command_id(server);
    let signature = sign_command(&signer, &origin, &command, &CommandId::new(id.as_str()))
        .map_err(|e| Failure::error(INPUT, format!("signing: {e}")))?;
    ledger_core::signature::set_signature(&mut command, signature);
    Ok((command, Some(id)))
}

/// The id the command is sent (and signed) under: `--idempotency-key`, or a fresh one.
fn command_id(server: &ServerArgs) -> String {
    server
        .idempotency_key
        .clone()
        .unwrap_or_else(client::fresh_key)
}

/// The ledger's origin: the first line of the server's signed checkpoint. (A server that
/// lied would only make the signature useless on the real ledger.)
fn origin(client: &client::Client) -> anyhow::Result<String> {
    let checkpoint = client.get_text("/v1/log/checkpoint")?;
    checkpoint
        .lines()
        .next()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| Failure::error(FAULT, "the server's checkpoint names no origin"))
}

fn write_key_file(path: &Path, signer: &NoteSigner) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(path).and_then(|mut file| {
        file.write_all(format!("{}\n", signer.signer_key()).as_bytes())?;
        file.sync_all()
    });
    written.map_err(|e| Failure::error(INPUT, format!("{}: {e}", path.display())))
}

/// Reads a key file written by `ledger key new` (or by `ledger demo`).
pub fn read_key_file(path: &Path) -> anyhow::Result<NoteSigner> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::error(INPUT, format!("{}: {e}", path.display())))?;
    NoteSigner::parse(text.trim_end())
        .map_err(|e| Failure::error(INPUT, format!("{} is not a key file: {e}", path.display())))
}

/// Writes every demo actor's key (`ledger_demo::keys`: derived from a public seed, DEMO
/// ONLY) to `<dir>/demo-keys/<actor>.key`, in the format of `ledger key new`, so that
/// `ledger vote --key` works on the demo. Returns the directory.
pub fn write_demo_keys(dir: &Path, owners: &[String]) -> anyhow::Result<PathBuf> {
    let keys = dir.join("demo-keys");
    std::fs::create_dir(&keys)
        .map_err(|e| Failure::error(FAULT, format!("{}: {e}", keys.display())))?;
    for actor in owners {
        let signer = ledger_demo::keys::demo_signer(actor)
            .ok_or_else(|| Failure::error(FAULT, format!("no demo key for {actor}")))?;
        write_key_file(&keys.join(format!("{actor}.key")), &signer)?;
    }
    Ok(keys)
}
