// Generated from the declaration of `domain-with-constraint`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/domain-with-constraint/postgres/good", dialect = "postgres");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
