// Generated from the declaration of `unknown-rule`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/unknown-rule/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
