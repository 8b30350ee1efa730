// The bad example of `add-required-column` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-required-column/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
