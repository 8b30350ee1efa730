// Generated from the declaration of `non-transactional-ddl-batch`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/non-transactional-ddl-batch/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
