// Generated from the declaration of `seed-not-idempotent`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/seed-not-idempotent/sqlite/good/migrations", dialect = "sqlite");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
