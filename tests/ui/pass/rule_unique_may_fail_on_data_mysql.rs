// Generated from the declaration of `unique-may-fail-on-data`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unique-may-fail-on-data/mysql/good", dialect = "mysql");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
