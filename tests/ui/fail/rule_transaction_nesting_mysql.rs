// Generated from the declaration of `transaction-nesting`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/transaction-nesting/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
