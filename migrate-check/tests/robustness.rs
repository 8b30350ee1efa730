//! The check never panics, and every finding names its file: empty, binary,
//! badly encoded, oddly named, unterminated and huge inputs, malformed
//! directives, and a small deterministic fuzz loop, in all three dialects.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use migrate_check::{Config, Dialect, FileEntry, Input, Report, Severity, check};

const DIALECTS: [Dialect; 3] = Dialect::ALL;

// ---------------------------------------------------------------------------
// Harness.

thread_local! {
    /// Where the last panic on this thread happened (set by the hook).
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// True while `try_run` catches panics: they are reported by it instead.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Records panic locations, so that a caught panic can be reported with them.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let loc = info
                .location()
                .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg} (at {loc})")));
            if !CATCHING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

fn file(name: &str, bytes: impl AsRef<[u8]>) -> FileEntry {
    FileEntry {
        rel_path: name.to_string(),
        bytes: bytes.as_ref().to_vec(),
    }
}

fn escaped(entries: &[FileEntry]) -> String {
    entries
        .iter()
        .map(|e| {
            let shown: String = e
                .bytes
                .iter()
                .take(300)
                .flat_map(|b| std::ascii::escape_default(*b))
                .map(char::from)
                .collect();
            format!("{:?}: b\"{shown}\"", e.rel_path)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs the check; a panic fails the test naming the input and the panic site.
fn try_run(dialect: Dialect, entries: Vec<FileEntry>, render: bool) -> Result<Report, String> {
    install_hook();
    let shown = escaped(&entries);
    let input = Input {
        entries,
        display_dir: "migrations".into(),
        config: Config {
            dialect,
            ..Config::default()
        },
        config_source: None,
    };
    // Rendering is part of the output: it must not panic either.
    let checked = || {
        let report = check(input);
        let rendered = if render {
            report.render(false)
        } else {
            String::new()
        };
        (report, rendered)
    };
    CATCHING.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(checked));
    CATCHING.with(|c| c.set(false));
    result
        .map(|(report, rendered)| {
            if render {
                assert_eq!(
                    rendered.is_empty(),
                    report.diagnostics.is_empty(),
                    "{dialect}: diagnostics render to nothing"
                );
                for d in &report.diagnostics {
                    let path = &report.files[d.file].path;
                    assert!(
                        rendered.contains(path.as_str()),
                        "{dialect}: `{}` is rendered without its file {path}:\n{rendered}",
                        d.rule
                    );
                }
            }
            report
        })
        .map_err(|_| {
            let why = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_default();
            format!("check panicked on {dialect} input [{shown}]: {why}")
        })
}

fn run(dialect: Dialect, entries: Vec<FileEntry>) -> Report {
    let mut report = try_run(dialect, entries, true).unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = sane(&report) {
        panic!("{dialect}: {e}\n{}", report.render(false));
    }
    // These tests are about errors; style warnings on their fixtures are noise.
    report.diagnostics.retain(|d| d.severity == Severity::Error);
    report
}

/// Every diagnostic points into a file of the report, within its text, on
/// character boundaries, at the line and column of its span, with a path and
/// a message. Every statement span is within its file too, at its line.
fn sane(report: &Report) -> Result<(), String> {
    for d in &report.diagnostics {
        let Some(f) = report.files.get(d.file) else {
            return Err(format!(
                "`{}` points at file #{} of {}",
                d.rule,
                d.file,
                report.files.len()
            ));
        };
        let t = &f.text;
        if d.span.start > d.span.end
            || d.span.end > t.len()
            || !t.is_char_boundary(d.span.start)
            || !t.is_char_boundary(d.span.end)
        {
            return Err(format!(
                "`{}` in {}: span {:?} is not within the text ({} bytes)",
                d.rule,
                f.path,
                d.span,
                t.len()
            ));
        }
        if (d.line, d.column) != f.line_col(d.span.start) {
            return Err(format!(
                "`{}` in {}: line:col {}:{} but the span starts at {:?}",
                d.rule,
                f.path,
                d.line,
                d.column,
                f.line_col(d.span.start)
            ));
        }
        if f.path.is_empty() || d.message.is_empty() {
            return Err(format!("`{}`: empty path or message", d.rule));
        }
    }
    for m in &report.migrations {
        for s in std::iter::once(&m.up).chain(m.down.as_ref()) {
            let Some(f) = report.files.get(s.file) else {
                return Err(format!("migration {} points at a missing file", m.version));
            };
            for st in &s.statements {
                let t = &f.text;
                if st.span.start > st.span.end
                    || st.span.end > t.len()
                    || !t.is_char_boundary(st.span.start)
                    || !t.is_char_boundary(st.span.end)
                {
                    return Err(format!(
                        "statement span {:?} outside {} ({} bytes)",
                        st.span,
                        f.path,
                        t.len()
                    ));
                }
                if (st.line, st.column) != f.line_col(st.span.start) {
                    return Err(format!(
                        "statement at {:?} in {}: line:col {}:{} but the span starts at {:?}",
                        st.span,
                        f.path,
                        st.line,
                        st.column,
                        f.line_col(st.span.start)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// (rule, file, line) of every diagnostic.
fn found(report: &Report) -> Vec<(&'static str, String, u32)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule, report.files[d.file].rel_path.clone(), d.line))
        .collect()
}

fn has(report: &Report, rule: &str, file: &str, line: u32) -> bool {
    report
        .diagnostics
        .iter()
        .any(|d| d.rule == rule && report.files[d.file].rel_path == file && d.line == line)
}

#[track_caller]
fn assert_has(report: &Report, dialect: Dialect, rule: &str, file: &str, line: u32) {
    assert!(
        has(report, rule, file, line),
        "{dialect}: expected `{rule}` at {file}:{line}, got {:?}\n{}",
        found(report),
        report.render(false)
    );
}

/// Every diagnostic is about this file, and its rendering shows the path.
#[track_caller]
fn assert_all_name(report: &Report, dialect: Dialect, name: &str) {
    assert!(
        !report.diagnostics.is_empty(),
        "{dialect}: nothing reported on {name}"
    );
    for d in &report.diagnostics {
        let f = &report.files[d.file];
        assert_eq!(f.rel_path, name, "{dialect}: {:?}", found(report));
        let shown = d.render(&report.files, false);
        assert!(
            shown.contains(&format!("migrations/{name}")),
            "{dialect}: rendering does not name the file:\n{shown}"
        );
    }
}

const USERS: &str = "-- migrate:up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n-- migrate:down\nDROP TABLE users;\n";

fn statement_texts(report: &Report) -> Vec<Vec<String>> {
    report
        .migrations
        .iter()
        .map(|m| {
            m.up.statements
                .iter()
                .map(|s| report.statement_text(&m.up, s).to_string())
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Empty and unreadable files.

#[test]
fn empty_file_is_an_empty_section_naming_the_file() {
    for d in DIALECTS {
        let r = run(d, vec![file("1_empty.sql", "")]);
        assert_has(&r, d, "empty-section", "1_empty.sql", 1);
        assert_all_name(&r, d, "1_empty.sql");
        assert!(r.has_errors());
    }
}

#[test]
fn whitespace_and_comments_only_is_an_empty_section() {
    let text = "  \n\t\n-- just a comment\n/* a block\n   comment */\n\n";
    for d in DIALECTS {
        let r = run(d, vec![file("1_blank.sql", text)]);
        assert_has(&r, d, "empty-section", "1_blank.sql", 1);
        assert_all_name(&r, d, "1_blank.sql");
        // With markers: the up section is empty, at its marker's line.
        let r = run(
            d,
            vec![file(
                "2_blank.sql",
                "-- migrate:up\n  -- nothing\n\n-- migrate:down\nSELECT 1;\n",
            )],
        );
        assert_has(&r, d, "empty-section", "2_blank.sql", 1);
        assert_all_name(&r, d, "2_blank.sql");
    }
}

#[test]
fn binary_file_with_nul_is_unreadable_and_the_others_are_still_checked() {
    let binary = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01";
    for d in DIALECTS {
        let r = run(
            d,
            vec![file("1_users.sql", USERS), file("2_logo.sql", binary)],
        );
        assert_has(&r, d, "unreadable-file", "2_logo.sql", 1);
        let diag = r
            .diagnostics
            .iter()
            .find(|x| x.rule == "unreadable-file")
            .unwrap();
        assert!(diag.message.contains("migrations/2_logo.sql") && diag.message.contains("NUL"));
        assert_eq!(diag.severity, Severity::Error);
        assert_eq!(r.diagnostics.len(), 1, "{:?}", found(&r));
        assert_eq!(
            r.migrations.len(),
            1,
            "the readable migration is still checked"
        );
        assert_eq!(r.migrations[0].name, "users");
    }
}

#[test]
fn invalid_utf8_is_unreadable_with_the_offset() {
    let bytes = b"-- migrate:up\nINSERT INTO t VALUES ('caf\xe9');\n";
    for d in DIALECTS {
        let r = run(d, vec![file("1_latin1.sql", bytes)]);
        assert_has(&r, d, "unreadable-file", "1_latin1.sql", 1);
        assert_all_name(&r, d, "1_latin1.sql");
        let offset = bytes.iter().position(|b| *b == 0xe9).unwrap();
        assert!(
            r.diagnostics[0]
                .message
                .contains(&format!("offset {offset}")),
            "{}",
            r.diagnostics[0].message
        );
        // A truncated multi-byte sequence at the very end.
        let r = run(d, vec![file("2_cut.sql", b"SELECT '\xe2\x82")]);
        assert_has(&r, d, "unreadable-file", "2_cut.sql", 1);
    }
}

#[test]
fn bom_is_stripped_and_does_not_change_positions_or_checksum() {
    let plain = "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n";
    let bom = format!("\u{feff}{plain}");
    for d in DIALECTS {
        let a = run(d, vec![file("1_t.sql", plain)]);
        let b = run(d, vec![file("1_t.sql", &bom)]);
        assert!(b.diagnostics.is_empty(), "{d}: {:?}", found(&b));
        assert_eq!(b.files[0].text, plain, "{d}: the BOM stays in the text");
        assert_eq!(a.migrations[0].checksum, b.migrations[0].checksum);
        assert_eq!(statement_texts(&b), vec![vec!["CREATE TABLE t (id int)"]]);
        let st = &b.migrations[0].up.statements[0];
        assert_eq!((st.line, st.column), (2, 1));
        // A BOM before a hazard: the hazard is still at its line.
        let r = run(
            d,
            vec![
                file("1_users.sql", format!("\u{feff}{USERS}")),
                file(
                    "2_drop.sql",
                    "\u{feff}-- migrate:up\nDROP TABLE users;\n-- migrate:down\nCREATE TABLE users (id int);\n",
                ),
            ],
        );
        assert_has(&r, d, "drop-table", "2_drop.sql", 2);
    }
}

#[test]
fn crlf_and_lf_copies_are_the_same_migration() {
    let lf = "-- migrate:up\n-- migrate:no-transaction\nCREATE TABLE t (\n  id int,\n  name text\n);\nINSERT INTO t VALUES (1, 'a\nb');\n-- migrate:down\nDROP TABLE t;\n";
    let crlf = lf.replace('\n', "\r\n");
    for d in DIALECTS {
        let a = run(d, vec![file("1_t.sql", lf)]);
        let b = run(d, vec![file("1_t.sql", &crlf)]);
        let (ma, mb) = (&a.migrations[0], &b.migrations[0]);
        assert_eq!(ma.checksum, mb.checksum, "{d}");
        assert!(ma.checksum.starts_with("sha256:"));
        assert_eq!(ma.up.transactional, mb.up.transactional);
        assert!(
            !mb.up.transactional,
            "{d}: no-transaction read from a CRLF line"
        );
        assert_eq!(statement_texts(&a), statement_texts(&b), "{d}");
        assert_eq!(ma.up.statements.len(), 2, "{d}");
        let pos = |m: &migrate_check::Migration| -> Vec<(u32, u32, std::ops::Range<usize>)> {
            m.up.statements
                .iter()
                .chain(m.down.iter().flat_map(|s| s.statements.iter()))
                .map(|s| (s.line, s.column, s.span.clone()))
                .collect()
        };
        assert_eq!(pos(ma), pos(mb), "{d}");
        assert_eq!(pos(mb)[1].0, 7, "{d}: INSERT starts on line 7");
        assert_eq!(found(&a), found(&b), "{d}");
        assert!(!b.files[0].text.contains('\r'));
    }
}

// ---------------------------------------------------------------------------
// Unterminated tokens, nesting, size.

/// `users` exists before; the second file has a broken line and then a
/// hazard on an existing table, which must still be reported.
fn broken_then_hazard(broken: &str) -> Vec<FileEntry> {
    vec![
        file("1_users.sql", USERS),
        file(
            "2_broken.sql",
            format!(
                "-- migrate:up\nCREATE TABLE logs (id int);\n{broken}\nDROP TABLE users;\n-- migrate:down\nDROP TABLE logs;\n"
            ),
        ),
    ]
}

/// The tokenizer error on line 3 of `2_broken.sql` points at `at` and does
/// not run into the next line; no parse error elsewhere in the file (the
/// broken line costs that line, not the statements after it).
#[track_caller]
fn assert_tokenize_error_at(r: &Report, d: Dialect, at: &str) {
    let errors: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|x| x.rule == "parse-error" && r.files[x.file].rel_path == "2_broken.sql")
        .collect();
    assert!(
        !errors.is_empty() && errors.iter().all(|e| e.line == 3),
        "{d}: parse errors elsewhere than on the broken line 3: {:?}\n{}",
        found(r),
        r.render(false)
    );
    let e = errors
        .iter()
        .find(|e| e.message.contains("cannot tokenize"))
        .unwrap_or_else(|| panic!("{d}: no tokenizer error: {:?}", found(r)));
    let text = &r.files[e.file].text;
    let shown = &text[e.span.start..(e.span.start + at.len()).min(text.len())];
    assert_eq!(
        (e.line, shown),
        (3, at),
        "{d}: the error points at {:?}, line {}",
        &text[e.span.clone()],
        e.line
    );
    assert!(
        !text[e.span.clone()].contains('\n'),
        "{d}: the span {:?} runs into the next line",
        &text[e.span.clone()]
    );
}

#[test]
fn unterminated_string_costs_one_diagnostic_and_later_statements_are_checked() {
    for d in DIALECTS {
        let mut cases = vec![
            ("SELECT 'oops;", "'oops;"),
            ("SELECT \"oops;", "\"oops;"),
            ("INSERT INTO logs VALUES ('oops);", "'oops);"),
        ];
        if d != Dialect::Postgres {
            cases.push(("SELECT `oops;", "`oops;"));
        }
        for (broken, at) in cases {
            // The quote swallows the `;`; the statement on the next line
            // must still be read on its own, and its hazard reported.
            let r = run(d, broken_then_hazard(broken));
            assert_tokenize_error_at(&r, d, at);
            assert_has(&r, d, "drop-table", "2_broken.sql", 4);
            let texts = statement_texts(&r);
            assert_eq!(texts[1][0], "CREATE TABLE logs (id int)");
            assert!(
                texts[1].iter().any(|t| t == "DROP TABLE users"),
                "{d} {broken:?}: the statement after the broken line is lost: {:?}",
                texts[1]
            );
        }
    }
}

#[test]
fn unterminated_dollar_quote_is_reported_where_it_opens() {
    for d in DIALECTS {
        let r = run(d, broken_then_hazard("SELECT $$ never closed;"));
        if d == Dialect::Postgres {
            // Everything after `$$` is inside the quote: one error, at the `$$`.
            assert_tokenize_error_at(&r, d, "$$");
            assert_eq!(statement_texts(&r)[1][0], "CREATE TABLE logs (id int)");
        } else {
            // `$$` is no quote in MySQL or SQLite: the next line is a statement.
            assert_has(&r, d, "drop-table", "2_broken.sql", 4);
            assert_all_name(
                &Report {
                    diagnostics: r
                        .diagnostics
                        .iter()
                        .filter(|x| x.file == 1)
                        .cloned()
                        .collect(),
                    ..r.clone()
                },
                d,
                "2_broken.sql",
            );
        }
    }
}

#[test]
fn unterminated_block_comment_is_reported_where_it_opens() {
    for d in DIALECTS {
        let r = run(d, broken_then_hazard("/* never closed"));
        // The comment swallows the rest of the file, down section included.
        assert!(!has(&r, "drop-table", "2_broken.sql", 4));
        assert_has(&r, d, "missing-down", "2_broken.sql", 1);
        assert_eq!(statement_texts(&r)[1], ["CREATE TABLE logs (id int)"]);
        if d == Dialect::Sqlite {
            // SQLite lets a `/*` comment run to the end of the input: legal,
            // and the missing down section is what is reported.
            assert!(
                r.diagnostics.iter().all(|x| x.rule != "parse-error"),
                "{:?}",
                found(&r)
            );
        } else {
            assert_tokenize_error_at(&r, d, "/*");
        }
    }
}

#[test]
fn deeply_nested_parentheses_are_a_parse_error_not_a_stack_overflow() {
    let deep = format!("SELECT {}1{};", "(".repeat(5000), ")".repeat(5000));
    let open = format!("SELECT {}1;", "(".repeat(5000));
    for d in DIALECTS {
        for (name, body) in [("1_deep.sql", &deep), ("1_open.sql", &open)] {
            let r = run(
                d,
                vec![file(
                    name,
                    format!("-- migrate:up\n{body}\n-- migrate:down\nSELECT 1;\n"),
                )],
            );
            assert_has(&r, d, "parse-error", name, 2);
            assert_all_name(&r, d, name);
        }
    }
}

#[test]
fn a_megabyte_of_garbage_on_one_line_is_one_parse_error() {
    let mut garbage = String::with_capacity(1 << 20);
    let words = ["frob", "+", "42", ",", "'x'", "(", ")", "zz.y", "*", "@"];
    let mut i = 0;
    while garbage.len() < 1 << 20 {
        garbage.push_str(words[i % words.len()]);
        garbage.push(' ');
        i += 7;
    }
    let text = format!("-- migrate:up\n{garbage}\n-- migrate:down\nSELECT 1;\n");
    for d in DIALECTS {
        let r = run(d, vec![file("1_garbage.sql", &text)]);
        let errors: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|x| x.rule == "parse-error")
            .collect();
        assert_eq!(errors.len(), 1, "{d}: {:?}", found(&r));
        assert_eq!(errors[0].line, 2);
        // (`run` rendered them already: a second rendering of a 1 MB line is slow.)
        assert!(
            r.diagnostics.iter().all(|x| x.file == 0),
            "{d}: {:?}",
            found(&r)
        );
        assert_eq!(r.files[0].rel_path, "1_garbage.sql");
        assert_eq!(r.migrations[0].down.as_ref().unwrap().statements.len(), 1);
    }
}

// ---------------------------------------------------------------------------
// File names.

#[test]
fn odd_file_names_are_migrations_or_named_in_a_diagnostic() {
    let ok = "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n";
    for d in DIALECTS {
        let r = run(
            d,
            vec![
                file("1_with space.sql", ok),
                file("2_ünïcödé_名前.sql", ok),
                file("3_upper.SQL", ok),
                file("create_users.sql", ok),
                file("4_.sql", ok),
                file("_5_x.sql", ok),
                file("99999999999999999999999_huge.sql", ok),
            ],
        );
        let names: Vec<&str> = r.migrations.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["with space", "ünïcödé_名前", "upper"], "{d}");
        for bad in [
            "create_users.sql",
            "4_.sql",
            "_5_x.sql",
            "99999999999999999999999_huge.sql",
        ] {
            assert_has(&r, d, "unknown-layout", bad, 1);
            assert!(
                r.diagnostics
                    .iter()
                    .any(|x| x.message.contains(&format!("migrations/{bad}"))),
                "{d}: no message names {bad}"
            );
        }
        assert_eq!(r.diagnostics.len(), 4, "{d}: {:?}", found(&r));
    }
}

#[test]
fn stray_undo_file_is_named_with_flyway_help() {
    for d in DIALECTS {
        let r = run(
            d,
            vec![
                file(
                    "V1__x.sql",
                    "CREATE TABLE x (id int);\n-- migrate:irreversible: test\n",
                ),
                file("U2__y.sql", "DROP TABLE y;\n"),
            ],
        );
        assert_eq!(r.migrations.len(), 1, "{d}");
        assert_eq!(r.migrations[0].version, "1");
        assert_has(&r, d, "unknown-layout", "U2__y.sql", 1);
        assert_all_name(&r, d, "U2__y.sql");
        let diag = &r.diagnostics[0];
        assert!(diag.message.contains("U2__y.sql"), "{}", diag.message);
        assert!(diag.help.as_deref().unwrap_or("").contains("Flyway"));
    }
}

// ---------------------------------------------------------------------------
// Directives.

#[test]
fn every_malformed_directive_is_reported_at_its_line() {
    let cases: &[(&str, &str)] = &[
        ("-- migrate:", "bad-directive"),
        ("-- migrate:upp", "bad-directive"),
        ("-- migrate:up transaction:maybe", "bad-directive"),
        ("-- migrate:down please", "bad-directive"),
        ("-- migrate:no-transaction now", "bad-directive"),
        ("-- migrate:allow", "bad-directive"),
        ("-- migrate:allow(", "bad-directive"),
        ("-- migrate:allow(drop-table", "bad-directive"),
        ("-- migrate:allow(): why", "bad-directive"),
        ("-- migrate:allow( , ): why", "bad-directive"),
        ("-- migrate:allow(drop-table)", "bad-directive"),
        ("-- migrate:allow(drop-table):", "bad-directive"),
        ("-- migrate:allow(drop-table):    ", "bad-directive"),
        ("-- migrate:allow drop-table: why", "bad-directive"),
        ("-- migrate:irreversible", "bad-directive"),
        ("-- migrate:irreversible:", "bad-directive"),
        ("-- migrate:irreversible now", "bad-directive"),
        ("-- migrate:allow(drop-tables): typo", "unknown-rule"),
        ("-- migrate:allow(dröp-täble): unicode", "unknown-rule"),
        (
            "-- migrate:allow(drop-table): nothing to suppress here",
            "unused-allow",
        ),
        ("-- migrate:élan", "bad-directive"),
        ("-- migrate:\u{0}", "bad-directive"),
    ];
    for d in DIALECTS {
        for (i, (directive, rule)) in cases.iter().enumerate() {
            if directive.contains('\u{0}') {
                // A NUL makes the file binary: unreadable, still named.
                let r = run(
                    d,
                    vec![file("1_nul.sql", format!("-- migrate:up\n{directive}\n"))],
                );
                assert_has(&r, d, "unreadable-file", "1_nul.sql", 1);
                continue;
            }
            let name = format!("{}_case.sql", i + 1);
            let text = format!(
                "-- migrate:up\nCREATE TABLE t (id int);\n{directive}\nCREATE TABLE u (id int);\n-- migrate:down\nDROP TABLE u;\nDROP TABLE t;\n"
            );
            let r = run(d, vec![file(&name, &text)]);
            assert_has(&r, d, rule, &name, 3);
            assert_all_name(&r, d, &name);
            assert_eq!(
                r.migrations.first().map(|m| m.up.statements.len()),
                Some(2),
                "{d} {directive:?}: the statements around it are still read"
            );
        }
    }
}

#[test]
fn directives_in_one_section_files_are_checked_too() {
    for d in DIALECTS {
        let r = run(
            d,
            vec![
                file("1_a.up.sql", "CREATE TABLE a (id int);\n-- migrate:down\n"),
                file(
                    "1_a.down.sql",
                    "DROP TABLE a;\n-- migrate:irreversible: no\n",
                ),
                file(
                    "2_b/up.sql",
                    "-- migrate:allow(drop-table)\nCREATE TABLE b (id int);\n",
                ),
                file("2_b/down.sql", "DROP TABLE b;\n"),
                file("2_b/metadata.toml", "run_in_transaction = [not toml\n"),
                file("V3__c.sql", "CREATE TABLE c (id int);\n-- migrate:frob\n"),
                file("U3__c.sql", "-- migrate:up\nDROP TABLE c;\n"),
            ],
        );
        assert_has(&r, d, "bad-directive", "1_a.up.sql", 2);
        assert_has(&r, d, "bad-directive", "1_a.down.sql", 2);
        assert_has(&r, d, "bad-directive", "2_b/up.sql", 1);
        assert_has(&r, d, "bad-directive", "V3__c.sql", 2);
        assert_has(&r, d, "bad-directive", "U3__c.sql", 1);
        assert_eq!(r.diagnostics.len(), 5, "{d}: {:?}", found(&r));
        // Every migration is still read, statements and all.
        assert_eq!(
            statement_texts(&r),
            [
                ["CREATE TABLE a (id int)"],
                ["CREATE TABLE b (id int)"],
                ["CREATE TABLE c (id int)"],
            ]
        );
    }
}

#[test]
fn allow_at_the_end_of_a_section_suppresses_nothing() {
    for d in DIALECTS {
        let r = run(
            d,
            vec![file(
                "1_t.sql",
                "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:allow(drop-table): nothing follows\n-- migrate:down\nDROP TABLE t;\n",
            )],
        );
        assert_has(&r, d, "unused-allow", "1_t.sql", 3);
        assert_all_name(&r, d, "1_t.sql");
    }
}

#[test]
fn down_before_up_is_a_bad_directive() {
    for d in DIALECTS {
        let r = run(
            d,
            vec![file(
                "1_t.sql",
                "-- migrate:down\nDROP TABLE t;\n-- migrate:up\nCREATE TABLE t (id int);\n",
            )],
        );
        assert_has(&r, d, "bad-directive", "1_t.sql", 1);
        assert!(
            r.diagnostics
                .iter()
                .any(|x| x.message.contains("before `-- migrate:up`")),
            "{d}: {:?}",
            found(&r)
        );
        assert_all_name(&r, d, "1_t.sql");
        assert!(r.has_errors());
    }
}

#[test]
fn two_up_markers_are_a_bad_directive_at_the_second() {
    for d in DIALECTS {
        let r = run(
            d,
            vec![file(
                "1_t.sql",
                "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:up\nCREATE TABLE u (id int);\n-- migrate:down\nDROP TABLE u;\nDROP TABLE t;\n",
            )],
        );
        assert_has(&r, d, "bad-directive", "1_t.sql", 3);
        assert!(
            r.diagnostics
                .iter()
                .any(|x| x.message.contains("second `-- migrate:up`"))
        );
        assert_all_name(&r, d, "1_t.sql");
        // Two down markers too.
        let r = run(
            d,
            vec![file(
                "2_t.sql",
                "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n-- migrate:down\nSELECT 1;\n",
            )],
        );
        assert_has(&r, d, "bad-directive", "2_t.sql", 5);
        assert_all_name(&r, d, "2_t.sql");
    }
}

// ---------------------------------------------------------------------------
// Bodies with `;` inside.

#[test]
fn trigger_body_with_semicolons_is_one_statement() {
    let text = "-- migrate:up
CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, changed INTEGER);
CREATE TRIGGER t_touch AFTER UPDATE ON t
BEGIN
  UPDATE t SET changed = 1 WHERE id = NEW.id;
  UPDATE t SET n = n + 1 WHERE id = NEW.id;
END;
CREATE INDEX t_n ON t (n);
-- migrate:down
DROP TABLE t;
";
    for d in DIALECTS {
        let r = run(d, vec![file("1_trigger.sql", text)]);
        let texts = &statement_texts(&r)[0];
        assert_eq!(texts.len(), 3, "{d}: {texts:#?}");
        assert!(
            texts[1].starts_with("CREATE TRIGGER") && texts[1].ends_with("END"),
            "{d}: {texts:#?}"
        );
        assert_eq!(r.migrations[0].up.statements[2].line, 8);
        if d == Dialect::Sqlite {
            assert!(
                r.diagnostics.is_empty(),
                "{d}: {:?}\n{}",
                found(&r),
                r.render(false)
            );
        }
    }
}

#[test]
fn function_body_in_dollar_quotes_is_one_statement() {
    let text = "-- migrate:up
CREATE TABLE t (id int PRIMARY KEY, n int);
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.n := NEW.n + 1;
  RETURN NEW;
END;
$$;
CREATE FUNCTION tagged() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql;
DO $$ BEGIN PERFORM 1; END $$;
-- migrate:down
DROP TABLE t;
";
    let d = Dialect::Postgres;
    let r = run(d, vec![file("1_fn.sql", text)]);
    let texts = &statement_texts(&r)[0];
    assert_eq!(texts.len(), 4, "{texts:#?}");
    assert!(texts[1].starts_with("CREATE FUNCTION bump") && texts[1].ends_with("$$"));
    assert!(texts[2].starts_with("CREATE FUNCTION tagged") && texts[2].ends_with("LANGUAGE sql"));
    assert!(texts[3].starts_with("DO $$"));
    assert!(
        r.diagnostics.is_empty(),
        "{:?}\n{}",
        found(&r),
        r.render(false)
    );
    // The other dialects do not know dollar quotes: whatever they make of
    // it, they do not panic and name the file.
    for d in [Dialect::MySql, Dialect::Sqlite] {
        let r = run(d, vec![file("1_fn.sql", text)]);
        assert_all_name(&r, d, "1_fn.sql");
        assert!(r.diagnostics.iter().any(|x| x.rule == "parse-error"), "{d}");
    }
}

// ---------------------------------------------------------------------------
// Fuzz.

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "-- migrate:up\n",
    "-- migrate:down\n",
    "-- migrate:no-transaction\n",
    "-- migrate:up transaction:false\n",
    "-- migrate:allow(drop-table): why\n",
    "-- migrate:allow(create-index-non-concurrently, drop-table): r\n",
    "-- migrate:allow(nope): r\n",
    "-- migrate:allow(\n",
    "-- migrate:irreversible: gone\n",
    "-- migrate:irreversible\n",
    "-- migrate:\n",
    "-- UP\n",
    "-- DOWN\n",
    "-- no-transaction\n",
    "CREATE TABLE t (id int PRIMARY KEY, a text);\n",
    "CREATE TABLE IF NOT EXISTS u (id INTEGER);\n",
    "CREATE INDEX i ON t (a);\n",
    "CREATE INDEX CONCURRENTLY j ON t (a);\n",
    "CREATE UNIQUE INDEX k ON t (id) WHERE a IS NOT NULL;\n",
    "ALTER TABLE t ADD COLUMN b int NOT NULL;\n",
    "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n",
    "ALTER TABLE t RENAME TO t2;\n",
    "DROP TABLE t;\n",
    "DROP TABLE IF EXISTS t, u CASCADE;\n",
    "DROP INDEX CONCURRENTLY IF EXISTS i;\n",
    "REINDEX (VERBOSE) TABLE CONCURRENTLY t;\n",
    "REINDEX (\n",
    "VACUUM (FULL\n",
    "INSERT INTO t SELECT * FROM u;\n",
    "PRAGMA foreign_keys = OFF;\n",
    "BEGIN;\n",
    "COMMIT;\n",
    "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = 'x'; END;\n",
    "CREATE TRIGGER tr BEGIN CASE WHEN 1 THEN END END IF END LOOP",
    "DO $$ BEGIN PERFORM 1; END $$;\n",
    "ALTER TABLE t ENGINE=InnoDB;\n",
    "OPTIMIZE TABLE t;\n",
    "CLUSTER t USING i;\n",
    "SELECT 1;\n",
    "SELECT 'a;b', \"c;d\", `e;f`, [g];\n",
    "'",
    "\"",
    "`",
    "$$",
    "$tag$",
    "/*",
    "*/",
    "--",
    "(",
    ")",
    ";",
    ";;",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "\u{feff}",
    "é",
    "名前",
    "\u{1F600}",
    "E'\\'",
    "X'FF'",
    "$1",
    "::",
    "END",
    "BEGIN",
    "CASE",
    "ON ONLY",
    "WITH NO DATA",
];

const NAMES: &[&str] = &[
    "1_a.sql",
    "2_b.sql",
    "2_b.up.sql",
    "2_b.down.sql",
    "3_c/up.sql",
    "3_c/down.sql",
    "3_c/metadata.toml",
    "3_c/extra.sql",
    "V4__d.sql",
    "U4__d.sql",
    "U5__e.sql",
    "V1.1__f.sql",
    "x.sql",
    "6_é.SQL",
    "a/b/c/7_deep.sql",
    "007_zero.sql",
    "7_dup.sql",
];

/// A file built from fragments, with now and then a fragment cut at a random
/// byte (maybe mid-character) or a few random bytes.
fn fuzz_file(rng: &mut XorShift) -> Vec<u8> {
    let mut out = Vec::new();
    let n = rng.below(32);
    for _ in 0..n {
        match rng.below(40) {
            0 => {
                for _ in 0..rng.below(6) + 1 {
                    out.push(rng.next() as u8);
                }
            }
            1 | 2 => {
                // Printable noise stays valid UTF-8.
                for _ in 0..rng.below(8) + 1 {
                    out.push(b' ' + rng.below(95) as u8);
                }
            }
            3 => {
                let f = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
                out.extend_from_slice(&f[..rng.below(f.len() + 1)]);
            }
            _ => out.extend_from_slice(FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes()),
        }
    }
    out
}

/// A rule example (one file of it), mutated: fragments inserted at random
/// character boundaries, ranges deleted, or the text cut short.
fn mutated_example(rng: &mut XorShift, examples: &[&str]) -> Vec<u8> {
    let mut text = examples[rng.below(examples.len())].to_string();
    for _ in 0..rng.below(4) + 1 {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(3) {
            0 => text.insert_str(at, FRAGMENTS[rng.below(FRAGMENTS.len())]),
            1 => {
                let mut end = (at + rng.below(40)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(at..end, "");
            }
            _ => text.truncate(at),
        }
    }
    text.into_bytes()
}

/// Every file of every rule example, as one text each.
fn example_texts() -> Vec<&'static str> {
    let mut out = Vec::new();
    for rule in migrate_check::rules::all() {
        for ex in rule.bad.iter().chain(rule.good) {
            out.extend(ex.text.split("-- file: ").filter(|t| !t.is_empty()));
        }
    }
    out
}

fn fuzz_dialect(
    dialect: Dialect,
    seed: u64,
    iterations: usize,
    seen: &mut BTreeMap<&'static str, usize>,
) -> Vec<String> {
    let mut rng = XorShift(seed);
    let mut failures = Vec::new();
    let examples = example_texts();
    for iteration in 0..iterations {
        let count = rng.below(4) + 1;
        let mut entries: Vec<FileEntry> = Vec::new();
        for _ in 0..count {
            let name = NAMES[rng.below(NAMES.len())];
            if entries.iter().any(|e| e.rel_path == name) {
                continue;
            }
            let bytes = if rng.below(2) == 0 {
                mutated_example(&mut rng, &examples)
            } else {
                fuzz_file(&mut rng)
            };
            entries.push(file(name, bytes));
        }
        let expected_files = entries.len();
        // Rendering is slow in debug builds: every fourth report.
        match try_run(dialect, entries, iteration % 4 == 0) {
            Err(e) => failures.push(format!("iteration {iteration}: {e}")),
            Ok(report) => {
                for d in &report.diagnostics {
                    *seen.entry(d.rule).or_default() += 1;
                }
                *seen.entry("(migrations)").or_default() += report.migrations.len();
                if report.files.len() < expected_files {
                    failures.push(format!(
                        "iteration {iteration}: {} files in, {} in the report",
                        expected_files,
                        report.files.len()
                    ));
                }
                if let Err(e) = sane(&report) {
                    failures.push(format!("iteration {iteration}: {e}"));
                }
                // A report without migrations and without diagnostics would
                // be a silent skip of every file.
                if report.migrations.is_empty() && report.diagnostics.is_empty() {
                    failures.push(format!(
                        "iteration {iteration}: nothing checked, nothing reported"
                    ));
                }
            }
        }
        if failures.len() >= 5 {
            break;
        }
    }
    failures
}

#[test]
fn fuzz_never_panics_and_spans_stay_in_their_files() {
    // `MIGRATE_FUZZ_ITERATIONS=200000` for a longer run by hand.
    let iterations = std::env::var("MIGRATE_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut all = Vec::new();
    for (i, d) in DIALECTS.into_iter().enumerate() {
        let mut seen = BTreeMap::new();
        let seed = 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1);
        let failures = fuzz_dialect(d, seed, iterations, &mut seen);
        all.extend(failures.into_iter().map(|f| format!("{d}: {f}")));
        eprintln!("{d}: {seen:?}");
        // The fuzz reaches the parser and the rules, not only the front door.
        for rule in [
            "parse-error",
            "bad-directive",
            "missing-down",
            "empty-section",
            "unknown-layout",
            "unreadable-file",
            "unused-allow",
            "drop-table",
        ] {
            assert!(
                seen.get(rule).is_some_and(|n| *n >= 5),
                "{d}: the fuzz hardly reaches `{rule}`: {seen:?}"
            );
        }
        assert!(seen["(migrations)"] >= 1000, "{d}: {seen:?}");
    }
    assert!(
        all.is_empty(),
        "{} failures:\n{}",
        all.len(),
        all.join("\n")
    );
}
