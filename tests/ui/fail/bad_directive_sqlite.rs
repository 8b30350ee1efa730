// The bad example of `bad-directive` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/bad-directive/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
