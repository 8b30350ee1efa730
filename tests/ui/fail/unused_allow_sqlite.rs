// The bad example of `unused-allow` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unused-allow/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
