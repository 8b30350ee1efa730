// Generated from the declaration of `concurrently-in-transaction`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/concurrently-in-transaction/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
