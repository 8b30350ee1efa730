// The good example of `sqlite-unsupported-alter` (sqlite) builds, and embeds every migration.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/sqlite-unsupported-alter/sqlite/good", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
