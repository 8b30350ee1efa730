// Generated from the declaration of `drop-not-null`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-not-null/mysql/good", dialect = "mysql");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
