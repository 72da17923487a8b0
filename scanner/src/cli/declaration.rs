//! `vigie schema declaration` and `vigie init declaration --template NAME`.

use super::{CliError, write_file};
use crate::targets::declaration::{json_schema, templates};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Formats whose JSON Schema Vigie prints.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    /// Processing records (`kind: processing_record`).
    Declaration,
}

/// Arguments of `vigie schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The format.
    kind: SchemaKind,
}

/// Prints the JSON Schema (for the YAML language server:
/// `# yaml-language-server: $schema=declaration.schema.json`).
pub fn schema(a: SchemaArgs) -> Result<i32, CliError> {
    let SchemaKind::Declaration = a.kind;
    let s =
        serde_json::to_string_pretty(json_schema()).map_err(|e| CliError::Render(e.to_string()))?;
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{s}");
    Ok(0)
}

/// Starter files `vigie init` writes.
#[derive(Debug, Subcommand)]
pub enum InitCommand {
    /// A commented processing record to fill in.
    Declaration(InitDeclarationArgs),
}

/// Template of a declaration.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Template {
    /// Video-protection of public roads.
    Video,
    /// On-street parking sensors.
    Parking,
    /// Wi-Fi / Bluetooth audience counting.
    WifiCounting,
    /// Connected public lighting.
    Lighting,
}

/// Arguments of `vigie init declaration`.
#[derive(Debug, Args)]
pub struct InitDeclarationArgs {
    /// Kind of processing.
    #[arg(long, value_enum)]
    template: Template,
    /// File to write (standard output when absent); an existing file is not overwritten.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Writes a starter declaration.
pub fn init(c: InitCommand) -> Result<i32, CliError> {
    let InitCommand::Declaration(a) = c;
    let name = match a.template {
        Template::Video => "video",
        Template::Parking => "parking",
        Template::WifiCounting => "wifi-counting",
        Template::Lighting => "lighting",
    };
    let text = templates::template(name)
        .ok_or_else(|| CliError::Usage(format!("no template `{name}`")))?;
    match a.output {
        None => {
            let _ = write!(std::io::stdout().lock(), "{text}");
        }
        Some(path) => {
            if path.exists() {
                return Err(CliError::Usage(format!(
                    "{} already exists: not overwritten",
                    path.display()
                )));
            }
            write_file(&path, text)?;
            eprintln!(
                "wrote {} (template `{name}`): fill it in, then `vigie scan`",
                path.display()
            );
        }
    }
    Ok(0)
}
