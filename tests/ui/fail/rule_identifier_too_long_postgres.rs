// Generated from the declaration of `identifier-too-long`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/identifier-too-long/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
