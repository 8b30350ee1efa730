// The good example of `missing-down` (sqlite) builds, and embeds every migration.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/missing-down/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
