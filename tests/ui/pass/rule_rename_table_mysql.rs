// Generated from the declaration of `rename-table`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/rename-table/mysql/good", dialect = "mysql");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
