// The bad example of `drop-table` (postgres) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-table/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
