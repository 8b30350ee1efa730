// Generated from the declaration of `drop-foreign-key`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-foreign-key/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
