// Generated from the declaration of `transaction-nesting`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/transaction-nesting/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
