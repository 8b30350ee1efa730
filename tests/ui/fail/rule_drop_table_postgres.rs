// Generated from the declaration of `drop-table`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-table/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
