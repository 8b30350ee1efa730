// The bad example of `unknown-rule` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unknown-rule/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
