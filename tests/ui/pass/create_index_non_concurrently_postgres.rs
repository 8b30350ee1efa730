// The good example of `create-index-non-concurrently` (postgres) builds, and embeds every migration.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/create-index-non-concurrently/postgres/good", dialect = "postgres");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
