//! `embed_migrations!`: checks a migrations directory at build time and
//! expands to its static, checksummed table.
//!
//! A thin shell over `migrate-check` (which is tested without a compiler in
//! the loop): this crate only reads the macro's arguments, runs the check,
//! and turns the result into tokens — compile errors, or the table.

use std::path::{Path, PathBuf};

use migrate_check::{Config, Dialect, Input, Report, Section, SeedInput, Severity};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// Embeds and checks a directory of SQL migrations.
///
/// ```ignore
/// const MIGRATIONS: migrate::Migrations = migrate::embed_migrations!("migrations");
/// // or, overriding migrate.toml's dialect, and for crates that re-export `migrate`:
/// const PG: migrate::Migrations = migrate::embed_migrations!("migrations", dialect = "postgres", crate = my_crate::migrate);
/// // seeds from another directory than `seeds` beside the migrations, or none:
/// const SEEDED: migrate::Migrations = migrate::embed_migrations!("db/migrations", seeds = "db/reference_data");
/// const UNSEEDED: migrate::Migrations = migrate::embed_migrations!("db/migrations", seeds = false);
/// ```
///
/// The `seeds` directory beside the migrations directory, when there is one
/// (or the one named by `seeds = "…"`), is embedded too: its `.sql` files
/// are checked after the migrations, with `seed-not-idempotent` among the
/// rules, and become the table's seeds, which `Migrator::seed` runs.
///
/// The directory resolves against `CARGO_MANIFEST_DIR`; `migrate.toml` beside
/// `Cargo.toml` is read for the dialect, server versions, rule levels and
/// history table. Every error-level diagnostic becomes a compile error that
/// shows the `.sql` file, line and column; warnings are reported as
/// deprecation warnings so that the build goes on.
///
/// Editing a migration rebuilds the crate (every file read is tracked with
/// `include_bytes!`). A *new* file needs this `build.rs`, which `cargo
/// migrate init` writes:
///
/// ```ignore
/// fn main() {
///     println!("cargo:rerun-if-changed=migrations");
///     println!("cargo:rerun-if-changed=seeds");
/// }
/// ```
#[proc_macro]
pub fn embed_migrations(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let args = syn::parse_macro_input!(input as Args);
    expand(args).into()
}

struct Args {
    dir: LitStr,
    dialect: Option<LitStr>,
    seeds: Option<SeedsArg>,
    krate: Option<syn::Path>,
}

/// `seeds = "dir"` or `seeds = false`.
enum SeedsArg {
    Dir(LitStr),
    Off,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let dir: LitStr = input.parse()?;
        let mut args = Args {
            dir,
            dialect: None,
            seeds: None,
            krate: None,
        };
        while input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            if input.peek(Token![crate]) {
                input.parse::<Token![crate]>()?;
                input.parse::<Token![=]>()?;
                args.krate = Some(input.parse()?);
                continue;
            }
            let key: syn::Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "dialect" => args.dialect = Some(input.parse()?),
                "seeds" if input.peek(syn::LitBool) => {
                    let on: syn::LitBool = input.parse()?;
                    if on.value {
                        return Err(syn::Error::new(
                            on.span(),
                            "`seeds = true` is the default: name a directory (`seeds = \"db/seeds\"`) or turn seeds off with `seeds = false`",
                        ));
                    }
                    args.seeds = Some(SeedsArg::Off);
                }
                "seeds" => args.seeds = Some(SeedsArg::Dir(input.parse()?)),
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown argument `{other}`: expected `dialect = \"…\"`, `seeds = \"…\"` or `crate = path`"
                        ),
                    ));
                }
            }
        }
        Ok(args)
    }
}

fn expand(args: Args) -> TokenStream {
    let krate = args.krate.map_or_else(|| quote!(::migrate), |p| quote!(#p));
    let span = args.dir.span();
    let manifest = match std::env::var("CARGO_MANIFEST_DIR") {
        Ok(m) => PathBuf::from(m),
        Err(_) => {
            return error(
                span,
                "CARGO_MANIFEST_DIR is not set: embed_migrations! runs under cargo",
            );
        }
    };
    let dir_arg = args.dir.value();
    let dir = manifest.join(&dir_arg);

    let toml_path = manifest.join("migrate.toml");
    let (mut config, config_source) = match std::fs::read_to_string(&toml_path) {
        Ok(text) => match Config::from_toml(&text) {
            Ok(c) => (c, Some(("migrate.toml".to_string(), text))),
            Err(e) => return error(span, &format!("migrate.toml: {e}")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
        Err(e) => return error(span, &format!("cannot read migrate.toml: {e}")),
    };
    if let Some(d) = &args.dialect {
        match d.value().parse::<Dialect>() {
            Ok(dialect) => config.dialect = dialect,
            Err(e) => return error(d.span(), &e),
        }
    }
    if !dir.is_dir() {
        return error(
            span,
            &format!(
                "the migrations directory `{dir_arg}` does not exist: the path resolves against the crate root (CARGO_MANIFEST_DIR)"
            ),
        );
    }
    let entries = match migrate_check::discover::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            return error(
                span,
                &format!(
                    "cannot read the migrations directory `{dir_arg}` (resolved against CARGO_MANIFEST_DIR): {e}"
                ),
            );
        }
    };
    // Seeds: `seeds = "…"`, or the `seeds` directory beside the migrations.
    let seeds_arg = match &args.seeds {
        Some(SeedsArg::Off) => None,
        Some(SeedsArg::Dir(s)) => {
            let value = s.value();
            if !manifest.join(&value).is_dir() {
                return error(
                    s.span(),
                    &format!(
                        "the seeds directory `{value}` does not exist: the path resolves against the crate root (CARGO_MANIFEST_DIR)"
                    ),
                );
            }
            Some((value, s.span()))
        }
        None => {
            let beside = migrate_check::seeds_dir_beside(Path::new(dir_arg.trim_end_matches('/')));
            let beside = beside.to_string_lossy().replace('\\', "/");
            manifest.join(&beside).is_dir().then_some((beside, span))
        }
    };
    let seeds = match &seeds_arg {
        Some((seeds_dir, seeds_span)) => {
            match migrate_check::read_seeds(&manifest.join(seeds_dir)) {
                Ok(entries) => SeedInput {
                    entries,
                    display_dir: seeds_dir.trim_end_matches('/').to_string(),
                },
                Err(e) => {
                    return error(
                        *seeds_span,
                        &format!("cannot read the seeds directory `{seeds_dir}`: {e}"),
                    );
                }
            }
        }
        None => SeedInput::default(),
    };
    let has_config = config_source.is_some();
    let dialect = config.dialect;
    let history_table = config.history_table.clone();
    let report = migrate_check::check_with_seeds(
        Input {
            entries,
            display_dir: dir_arg.trim_end_matches('/').to_string(),
            config,
            config_source,
        },
        seeds,
    );

    let tracked = tracked_files(
        &report,
        &manifest,
        has_config.then_some(toml_path.as_path()),
    );
    let diagnostics = diagnostics(&report, span);
    if report.has_errors() {
        return quote! { { #tracked #diagnostics #krate::Migrations::new(&[], #krate::Dialect::Sqlite, "") } };
    }
    let mut index = String::new();
    let table = table(&report, &krate, &mut index);
    let dialect = match dialect {
        Dialect::Postgres => quote!(#krate::Dialect::Postgres),
        Dialect::MySql => quote!(#krate::Dialect::MySql),
        Dialect::Sqlite => quote!(#krate::Dialect::Sqlite),
    };
    let with_seeds = seeds_arg.map(|_| {
        let seeds = seed_table(&report, &krate);
        let seeds_table = format!("{history_table}_seeds");
        quote!(.with_seeds(&[#(#seeds),*], #seeds_table))
    });
    // A table ordered as text (diesel, dbmate) says so, so that the runtime
    // keys history rows and targets the same way.
    let with_order = (report.order == migrate_check::VersionOrder::Text)
        .then(|| quote!(.with_version_order(#krate::VersionOrder::Text)));
    quote! {
        {
            #tracked
            #diagnostics
            const INDEX: &str = #index;
            #krate::Migrations::new(&[#(#table),*], #dialect, #history_table) #with_seeds #with_order
        }
    }
}

fn error(span: Span, message: &str) -> TokenStream {
    syn::Error::new(span, message).to_compile_error()
}

/// `include_bytes!` of every file read (migrations and seeds: their paths
/// are relative to the crate root), so that editing one rebuilds the crate.
fn tracked_files(report: &Report, manifest: &Path, config: Option<&Path>) -> TokenStream {
    let mut paths: Vec<String> = report
        .files
        .iter()
        .filter(|f| f.path != "migrate.toml")
        .map(|f| manifest.join(&f.path).to_string_lossy().into_owned())
        .collect();
    paths.extend(config.map(|p| p.to_string_lossy().into_owned()));
    quote! { #(const _: &[u8] = include_bytes!(#paths);)* }
}

/// Errors become `compile_error!`s (all of them); warnings become
/// deprecation warnings, the one warning a proc-macro can raise on stable.
fn diagnostics(report: &Report, span: Span) -> TokenStream {
    let mut out = TokenStream::new();
    for (i, d) in report.diagnostics.iter().enumerate() {
        // rustc prints `error: ` itself: lead with `[rule-id]` instead of a
        // second `error[rule-id]:`.
        let rendered = d.render(&report.files, false);
        let text = match rendered.split_once(": ") {
            Some((_, rest)) => format!("[{}] {rest}", d.rule),
            None => rendered,
        };
        match d.severity {
            Severity::Error => out.extend(syn::Error::new(span, text).to_compile_error()),
            Severity::Warning => {
                let name = syn::Ident::new(&format!("migrate_warning_{i}"), span);
                let note = format!("\n{text}");
                out.extend(quote! {
                    const _: () = {
                        #[deprecated(note = #note)]
                        #[allow(non_camel_case_types)]
                        struct #name;
                        let _ = #name;
                    };
                });
            }
        }
    }
    out
}

/// The migrations as `Migration` values. Their version texts and checksums
/// are pieces of `index`, one string written in the order of the table
/// (`INDEX` in the expansion): the start-up check compares them all with
/// the history, and reads one run of memory instead of two thousand
/// literals scattered among the SQL (see `migrate_runtime::embedded_text`).
fn table(report: &Report, krate: &TokenStream, index: &mut String) -> Vec<TokenStream> {
    let mut piece = |text: &str| {
        let start = index.len();
        index.push_str(text);
        let len = text.len();
        quote!(#krate::embedded_text(INDEX, #start, #len))
    };
    report
        .migrations
        .iter()
        .map(|m| {
            let version = piece(&m.version);
            let checksum = piece(&m.checksum);
            let parts = &m.version_key;
            let name = &m.name;
            let up = section(report, &m.up, krate);
            let down = match &m.down {
                Some(d) => {
                    let d = section(report, d, krate);
                    quote!(::core::option::Option::Some(#d))
                }
                None => quote!(::core::option::Option::None),
            };
            let irreversible = match &m.irreversible {
                Some(r) => quote!(::core::option::Option::Some(#r)),
                None => quote!(::core::option::Option::None),
            };
            quote! {
                #krate::Migration {
                    version: #krate::Version::new(#version, &[#(#parts),*]),
                    name: #name,
                    up: #up,
                    down: #down,
                    irreversible: #irreversible,
                    checksum: #checksum,
                }
            }
        })
        .collect()
}

/// The seeds, in name order, as `Seed` values.
fn seed_table(report: &Report, krate: &TokenStream) -> Vec<TokenStream> {
    report
        .seeds
        .iter()
        .map(|seed| {
            let name = &seed.name;
            let file = &report.files[seed.section.file].path;
            let environments = &seed.environments;
            let statements = statements(report, &seed.section, krate);
            let checksum = &seed.checksum;
            quote! {
                #krate::Seed {
                    name: #name,
                    file: #file,
                    environments: &[#(#environments),*],
                    statements: &[#(#statements),*],
                    checksum: #checksum,
                }
            }
        })
        .collect()
}

fn statements<'a>(
    report: &'a Report,
    s: &'a Section,
    krate: &'a TokenStream,
) -> impl Iterator<Item = TokenStream> + 'a {
    s.statements.iter().map(move |st| {
        let sql = report.statement_text(s, st);
        let line = st.line;
        let concurrent = st.concurrent;
        quote!(#krate::Statement { sql: #sql, line: #line, concurrent: #concurrent })
    })
}

fn section(report: &Report, s: &Section, krate: &TokenStream) -> TokenStream {
    let statements = statements(report, s, krate);
    let transactional = s.transactional;
    let file = &report.files[s.file].path;
    quote! {
        #krate::Section { statements: &[#(#statements),*], transactional: #transactional, file: #file }
    }
}
