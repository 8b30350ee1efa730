// Generated from the declaration of `drop-column`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-column/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
