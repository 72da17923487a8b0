//! The `vigie` command. Thin: parse arguments, run, map the outcome to an exit code.

fn main() {
    let code = match vigie::cli::run(std::env::args_os()) {
        Ok(code) => code,
        // Rule errors are rendered as diagnostics that already say `error`.
        Err(e @ vigie::cli::CliError::Rules(_)) => {
            eprintln!("{e}");
            2
        }
        Err(e) => {
            let e = anyhow::Error::from(e);
            eprintln!("error: {e:#}");
            2
        }
    };
    std::process::exit(code);
}
