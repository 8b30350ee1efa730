// Generated from the declaration of `add-check-constraint`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-check-constraint/postgres/good", dialect = "postgres");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
