// Generated from the declaration of `non-transactional-ddl-batch`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/non-transactional-ddl-batch/mysql/good", dialect = "mysql");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
