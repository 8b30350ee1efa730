// Generated from the declaration of `version-order`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/version-order/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
