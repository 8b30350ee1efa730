// Generated from the declaration of `table-rewrite-maintenance`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/table-rewrite-maintenance/postgres/good", dialect = "postgres");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
