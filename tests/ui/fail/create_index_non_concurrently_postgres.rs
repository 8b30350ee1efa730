// The bad example of `create-index-non-concurrently` (postgres) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/create-index-non-concurrently/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
