// The bad example of `parse-error` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/parse-error/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
