// The bad example of `duplicate-version` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/duplicate-version/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
