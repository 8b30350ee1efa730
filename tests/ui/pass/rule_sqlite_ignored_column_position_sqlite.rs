// Generated from the declaration of `sqlite-ignored-column-position`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/sqlite-ignored-column-position/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
