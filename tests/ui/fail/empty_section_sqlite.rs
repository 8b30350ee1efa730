// The bad example of `empty-section` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/empty-section/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
