// The bad example of `concurrently-in-transaction` (postgres) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/concurrently-in-transaction/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
