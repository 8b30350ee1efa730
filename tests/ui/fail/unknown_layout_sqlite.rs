// The bad example of `unknown-layout` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unknown-layout/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
