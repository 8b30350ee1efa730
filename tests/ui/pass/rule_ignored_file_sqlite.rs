// Generated from the declaration of `ignored-file`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/ignored-file/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
