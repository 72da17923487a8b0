//! End-to-end CLI cases as data: `tests/cmd/<case>.toml` (arguments, exit code, working
//! directory) with the expected `<case>.stdout` / `<case>.stderr` beside it.
//! Regenerate expectations after a deliberate change with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("vigie", std::path::Path::new(env!("CARGO_BIN_EXE_vigie")))
        .env("NO_COLOR", "1")
        .case("../tests/cmd/*.toml");
}
