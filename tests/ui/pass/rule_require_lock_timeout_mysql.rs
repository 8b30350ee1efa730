// Generated from the declaration of `require-lock-timeout`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/require-lock-timeout/mysql/good", dialect = "mysql");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
