// The good example of `unused-allow` (sqlite) builds, and embeds every migration.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unused-allow/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
