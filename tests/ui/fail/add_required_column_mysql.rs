// The bad example of `add-required-column` (mysql) fails the build with that rule.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-required-column/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
