// Generated from the declaration of `seed-not-idempotent`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/seed-not-idempotent/postgres/good/migrations", dialect = "postgres");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
