// The bad example of `sqlite-unsupported-alter` (sqlite) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/sqlite-unsupported-alter/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
