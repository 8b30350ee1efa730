// The good example of `unknown-rule` (sqlite) builds, and embeds every migration.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unknown-rule/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
