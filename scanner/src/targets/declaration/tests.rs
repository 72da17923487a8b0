use super::*;

fn as_of() -> Date {
    crate::engine::parse_date("2026-11-28").unwrap()
}

const MINI: &str = "schema_version: \"1.0\"\nkind: processing_record\nid: t\ncontroller:\n  name: Commune\n  type: commune\n  naem: typo\nprocessors:\n  - name: P\n    art28_contract: false\n";

#[test]
fn parses_and_locates_fields() {
    let (f, notes) = parse("t.yaml", MINI, as_of()).unwrap();
    assert_eq!(f.record.id, "t");
    assert!(f.derived.public_body);
    assert_eq!(f.record.processors[0].path, "processors.0");
    let at = |p: &str| match f.locate(p) {
        Some(Region::Text { start_line, .. }) => start_line,
        _ => 0,
    };
    assert_eq!(at("processors.0.art28_contract"), 10);
    assert_eq!(at("processors.0"), 9);
    // A missing field is reported where its nearest ancestor is.
    assert_eq!(at("processors.0.contract_ref"), 9);
    assert_eq!(at("dpo.name"), 0);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].code, "unknown-declaration-key");
    assert!(
        notes[0].message.contains("controller.naem"),
        "{}",
        notes[0].message
    );
}

#[test]
fn extensions_are_allowed() {
    let src = format!("{MINI}x_internal_ref: 42\n");
    let src = src.replace("  naem: typo\n", "  x_note: ok\n");
    let (_, notes) = parse("t.yaml", &src, as_of()).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn type_errors_have_positions() {
    let src = MINI.replace("art28_contract: false", "art28_contract: sometimes");
    let err = parse("t.yaml", &src, as_of()).err().unwrap();
    let Some(Location {
        region: Some(Region::Text { start_line, .. }),
        ..
    }) = err.location
    else {
        panic!("no position: {err:?}");
    };
    assert_eq!(start_line, 10);
    let src = MINI.replace("type: commune", "type: mairie");
    let err = parse("t.yaml", &src, as_of()).err().unwrap();
    assert!(err.message.contains("mairie"), "{}", err.message);
}

#[test]
fn every_enum_value_has_a_french_label() {
    for (name, values) in labels::ENUMS {
        let group = labels::all()
            .get(*name)
            .unwrap_or_else(|| panic!("no labels for {name}"));
        for v in *values {
            assert!(group.contains_key(*v), "{name}.{v} has no label");
        }
        assert_eq!(group.len(), values.len(), "{name}: labels without a value");
    }
}

#[test]
fn schema_is_closed_but_allows_extensions() {
    let s = json_schema();
    assert_eq!(s["additionalProperties"], false);
    assert!(s["patternProperties"]["^x_"].is_object());
    let text = s.to_string();
    assert!(text.contains("enumDescriptions"));
}

#[test]
fn committed_schema_is_current() {
    // docs/declaration.schema.json is what editors load; regenerate it with
    // `vigie schema declaration > docs/declaration.schema.json`.
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../../../docs/declaration.schema.json")).unwrap();
    assert_eq!(&committed, json_schema());
}

#[test]
fn templates_parse_without_notifications() {
    for (name, text) in templates::TEMPLATES {
        let (_, notes) = parse(name, text, as_of()).unwrap_or_else(|n| panic!("{name}: {n:?}"));
        assert!(notes.is_empty(), "{name}: {notes:?}");
    }
}

/// The `.yaml` and `.yml` files below these folders of the repository.
fn yaml_files(dirs: &[&str]) -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    dirs.iter()
        .flat_map(|dir| {
            ignore::WalkBuilder::new(root.join(dir))
                .standard_filters(false)
                .build()
                .flatten()
        })
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect()
}

/// Every record of the demo and of the rule fixtures reads the same through the one-pass
/// parser as through serde-saphyr: same typed record, same positions; and none of them
/// needs the fallback.
#[test]
fn one_pass_matches_the_serde_path() {
    let files: Vec<_> = yaml_files(&["fixtures/demo-territory/declarations", "rules"])
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|x| x == "yaml") && std::fs::read(p).is_ok_and(|b| sniff(&b))
        })
        .collect();
    assert!(files.len() > 100, "{}", files.len());
    let mut checked = 0;
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap();
        let Ok(slow) = serde_saphyr::from_str::<ProcessingRecord>(&text) else {
            // Invalid on purpose: the fast path must decline too.
            let fast = spans::one_pass::<ProcessingRecord>(&text);
            assert!(fast.is_none(), "{}", p.display());
            continue;
        };
        let (tree, fast) =
            spans::one_pass::<ProcessingRecord>(&text).unwrap_or_else(|| panic!("{}", p.display()));
        assert_eq!(
            serde_json::to_value(&fast).unwrap(),
            serde_json::to_value(&slow).unwrap(),
            "{}",
            p.display()
        );
        assert_eq!(tree, spans::positioned(&text), "{}", p.display());
        checked += 1;
    }
    assert!(checked > 100);
}

#[test]
fn one_pass_declines_what_it_does_not_handle() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: 1\na: 2\n",
        "a: 1\n---\nb: 2\n",
        "? [a]\n: 1\n",
    ] {
        assert!(
            spans::one_pass::<serde_json::Value>(text).is_none(),
            "{text}"
        );
    }
    // Large mappings are checked for repeated keys too (by sorting their keys).
    let mut large: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    assert!(spans::one_pass::<serde_json::Value>(&large).is_some());
    large.push_str("k7: again\n");
    assert!(spans::one_pass::<serde_json::Value>(&large).is_none());
    let (_, v) = spans::one_pass::<serde_json::Value>(
        "a: 12\nb: 1.5\nc: '7'\nd: ~\ne: true\nf: 2026-01-01\ng: -3\n",
    )
    .unwrap();
    assert_eq!(
        v,
        serde_json::json!({"a": 12, "b": 1.5, "c": "7", "d": null, "e": true, "f": "2026-01-01", "g": -3})
    );
}

/// The records of `scripts/bench-declarations` (new ids, shifted addresses) for the
/// first `n` indexes.
fn bench_records(n: usize) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/demo-territory/declarations");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let bases: Vec<String> = names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    (0..n)
        .map(|i| {
            bases[i % bases.len()]
                .replacen("id: belvezet-", &format!("id: bench{i:05}-"), 1)
                .replace("10.42.", &format!("10.{}.", 40 + i / 60000))
        })
        .collect()
}

/// The direct reader of plain block YAML reads every YAML file of the repository (rules,
/// their fixtures, the demo) and the benchmark's records exactly as the event parser
/// does, positions included, or declines; and it reads every processing record.
#[test]
fn direct_reader_equals_the_event_parser() {
    let mut texts: Vec<_> = yaml_files(&["fixtures", "rules"])
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect();
    assert!(texts.len() > 400, "{}", texts.len());
    for (i, text) in bench_records(8).into_iter().enumerate() {
        texts.push((format!("bench record {i}"), text));
    }
    let (mut read, mut records) = (0, 0);
    for (name, text) in &texts {
        let same = spans::compare_readers(text).unwrap_or_else(|e| panic!("{name}\n{e}"));
        read += usize::from(same);
        if sniff(text.as_bytes()) && serde_saphyr::from_str::<ProcessingRecord>(text).is_ok() {
            assert!(same, "a valid record is left to the event parser: {name}");
            records += 1;
        }
    }
    eprintln!(
        "{} texts, {read} read directly, {records} valid records",
        texts.len()
    );
    assert!(records > 100, "{records}");
    assert!(read > records, "{read}");
}

/// Texts at the edges of the subset: each is read the same by both readers, or left to
/// the event parser.
#[test]
fn direct_reader_edges() {
    let accepted = [
        "a: 1\nb:\n  c: [x, 'y', \"z\"]\n  d: {e: 1, 'f': -2.5}\n",
        "a:\n- x\n- y: 1\n  z: 2\nb: ~\n",
        "a:\n  - 'it''s'\n  - \"q\\\"\\\\\\/\\n\\t\\u00e9\\x41\\U0001F600 \\0\"\n",
        "# c\na: b # c\n\n  # indented comment\nc: d#e\n",
        "é: {ü: 1, b: [é, x]}\nl: [à, b]\n",
        "- a: 1\n  b:\n  - x\n-   c: 2\n    d: [ ]\n- plain text\n- {}\n",
        "a: http://x.y/z?q=1\nb: 10:30\nc: -3\nd: +4\ne: 0x1F\nf: 1e3\ng: .5\nh: 2026-01-01\n",
        "\"quoted key\": v\n'single': w\n",
        "a: {b: [1, [2, 3]], c: {d: e}}\n",
        "k: [a b, c  d  ]\n",
    ];
    for text in accepted {
        assert_eq!(spans::compare_readers(text), Ok(true), "{text}");
    }
    let declined = [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: 1\na: 2\n",
        "---\na: 1\n",
        "a: |\n  text\n",
        "a: >\n  text\n",
        "a: two\n  lines\n",
        "a: \"two\n  lines\"\n",
        "a: [x,\n  y]\n",
        "a:\n\tb: 1\n",
        "a: 1\r\nb: 2\r\n",
        "? a\n: 1\n",
        "-\n  a: 1\n",
        "- - a\n",
        "a: b: c\n",
        "a: [b: c]\n",
        "a: {b}\n",
        "a: [x, ]\n",
        "  a: 1\n",
        "a:\n  b: 1\n c: 2\n",
        "a: \"\\q\"\n",
        "\u{feff}a: 1\n",
        "",
        "# only a comment\n",
    ];
    for text in declined {
        assert_eq!(spans::compare_readers(text), Ok(false), "{text:?}");
    }
}

/// Small texts cut from the repository's YAML and mutated with YAML's special characters
/// (a deterministic complement to the `yaml_subset` fuzz target): the direct reader
/// declines each one or reads it as the event parser does.
#[test]
fn direct_reader_equals_the_event_parser_on_mutants() {
    let lines: Vec<String> = yaml_files(&["fixtures/demo-territory", "rules/declaration"])
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| t.lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert!(lines.len() > 1000, "{}", lines.len());
    let tokens = [
        ": ", "- ", "-", ":", "#", " #", "'", "''", "\"", "\\", "\\n", "\\x4", "[", "]", "{", "}",
        ",", " ", "  ", "\n", "\n  ", "é", "&a ", "*a", "!t ", "|", ">", "? ", "---", "~", "\t",
        "\r", "\u{85}", "1", "null", "a: b", "[]", "{}", "x_", "\n- ", "\n  - ",
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let (mut same, mut total) = (0, 0);
    for _ in 0..20000 {
        let start = next(lines.len());
        let len = 1 + next(12);
        let mut text: String = lines[start..(start + len).min(lines.len())]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        // Cut at the least indented line's level, so that most windows start a document.
        let cut = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start().len())
            .min()
            .unwrap_or(0);
        text = text
            .lines()
            .map(|l| format!("{}\n", l.get(cut..).unwrap_or(l.trim_start())))
            .collect();
        for _ in 0..next(4) {
            let mut at = next(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match next(3) {
                0 => text.insert_str(at, tokens[next(tokens.len())]),
                1 => {
                    let mut end = (at + 1 + next(6)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => {
                    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    text.insert_str(line_start, &" ".repeat(1 + next(3)));
                }
            }
        }
        total += 1;
        same +=
            usize::from(spans::compare_readers(&text).unwrap_or_else(|e| panic!("{text:?}\n{e}")));
    }
    eprintln!("{total} mutants, {same} read directly");
    assert!(same > total / 10, "{same} of {total}");
}
