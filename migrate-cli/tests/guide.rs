//! Every SQL snippet of the guide (`docs/guide/*.md`) passes
//! `cargo migrate lint` with no finding at all.
//!
//! Convention: a recipe starts with `<!-- recipe: DIALECT NAME -->`; each
//! ```` ```sql ```` block after it starts with a `-- migrations/<file>` (or
//! `-- seeds/<file>`) line naming the file it is; the blocks of one recipe form one
//! migrations directory, linted for DIALECT. A SQL block outside a recipe,
//! or without its file line, fails this test. The recipes are also applied
//! on real servers and rolled back.

mod support;

use std::path::Path;

use serde_json::Value;
use support::{Db, Project, Server};

struct Recipe {
    doc: String,
    dialect: String,
    name: String,
    files: Vec<(String, String)>,
}

fn recipes(doc: &str, text: &str) -> Vec<Recipe> {
    let mut out: Vec<Recipe> = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if let Some(rest) = line
            .trim()
            .strip_prefix("<!-- recipe:")
            .and_then(|r| r.strip_suffix("-->"))
        {
            let mut words = rest.split_whitespace();
            let dialect = words.next().expect("recipe dialect").to_owned();
            let name = words.collect::<Vec<_>>().join(" ");
            out.push(Recipe {
                doc: doc.to_owned(),
                dialect,
                name,
                files: Vec::new(),
            });
        } else if line.trim_start().starts_with("```sql") {
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            let (first, rest) = body.split_once('\n').unwrap_or((&body, ""));
            let file = first
                .trim()
                .strip_prefix("-- ")
                .filter(|f| f.starts_with("migrations/") || f.starts_with("seeds/"))
                .unwrap_or_else(|| {
                    panic!(
                        "{doc}:{}: a SQL block must start with `-- migrations/<file>` or `-- seeds/<file>`",
                        n + 1
                    )
                })
                .to_owned();
            let recipe = out
                .last_mut()
                .unwrap_or_else(|| panic!("{doc}:{}: a SQL block outside a recipe", n + 1));
            recipe.files.push((file, rest.to_owned()));
        }
    }
    out
}

#[test]
fn every_sql_snippet_of_the_guide_passes_lint() {
    let all = all_recipes();
    assert!(
        all.len() >= 15,
        "the cookbook has its recipes: {}",
        all.len()
    );
    let mut failures = Vec::new();
    for recipe in &all {
        assert!(
            !recipe.files.is_empty(),
            "{}: recipe `{}` has no SQL",
            recipe.doc,
            recipe.name
        );
        let p = Project::new("guide");
        for (file, sql) in &recipe.files {
            p.file(file, sql);
        }
        let r = p.run(&["lint", "--dialect", &recipe.dialect, "--format", "json"]);
        let found: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
        if r.code != Some(0)
            || found["diagnostics"]
                .as_array()
                .is_none_or(|a| !a.is_empty())
        {
            let human = p.run(&["lint", "--dialect", &recipe.dialect]);
            failures.push(format!(
                "{} recipe `{}` ({}):\n{}{}",
                recipe.doc, recipe.name, recipe.dialect, human.stdout, human.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn all_recipes() -> Vec<Recipe> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/guide");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("docs/guide exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    names
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let doc = path.file_name().unwrap().to_string_lossy().into_owned();
            recipes(&doc, &text)
        })
        .collect()
}

/// Each recipe applies on a real server, and its down sections take it all back.
fn recipes_apply_and_roll_back(server: Server, dialect: &str) {
    for recipe in all_recipes().iter().filter(|r| r.dialect == dialect) {
        let Some(db) = Db::create(server, "cli_guide") else {
            return;
        };
        let mut p = Project::new("guide-apply");
        p.url = Some(db.url.clone());
        for (file, sql) in &recipe.files {
            p.file(file, sql);
        }
        let up = p.run(&["up"]);
        assert_eq!(up.code, Some(0), "{} `{}`: {up:?}", recipe.doc, recipe.name);
        // Irreversible steps (validations, backfills) stop a full rollback:
        // roll back what can be, newest first, and check it ran.
        let reversible = recipe
            .files
            .iter()
            .filter(|(file, _)| file.starts_with("migrations/"))
            .rev()
            .take_while(|(_, sql)| !sql.contains("-- migrate:irreversible"))
            .count();
        if reversible > 0 {
            let steps = reversible.to_string();
            let down = p.run(&["down", "--steps", &steps]);
            assert_eq!(
                down.code,
                Some(0),
                "{} `{}`: {down:?}",
                recipe.doc,
                recipe.name
            );
        }
    }
}

#[test]
fn postgres_recipes_apply_and_roll_back() {
    recipes_apply_and_roll_back(Server::Postgres, "postgres");
}

#[test]
fn mariadb_recipes_apply_and_roll_back() {
    recipes_apply_and_roll_back(Server::MariaDb, "mysql");
}

#[test]
fn sqlite_recipes_apply_and_roll_back() {
    recipes_apply_and_roll_back(Server::Sqlite, "sqlite");
}
