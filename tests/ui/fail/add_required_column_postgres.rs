// The bad example of `add-required-column` (postgres) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-required-column/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
