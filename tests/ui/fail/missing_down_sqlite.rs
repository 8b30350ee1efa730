// The bad example of `missing-down` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/missing-down/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
