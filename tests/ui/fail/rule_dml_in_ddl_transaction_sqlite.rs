// Generated from the declaration of `dml-in-ddl-transaction`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/dml-in-ddl-transaction/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
