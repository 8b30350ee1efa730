// Generated from the declaration of `column-alignment`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/column-alignment/postgres/good", dialect = "postgres");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
