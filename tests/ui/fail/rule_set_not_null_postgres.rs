// Generated from the declaration of `set-not-null`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/set-not-null/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
