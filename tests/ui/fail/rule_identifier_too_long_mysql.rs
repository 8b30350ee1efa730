// Generated from the declaration of `identifier-too-long`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/identifier-too-long/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
