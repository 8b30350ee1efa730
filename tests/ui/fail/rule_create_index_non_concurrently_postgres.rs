// Generated from the declaration of `create-index-non-concurrently`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/create-index-non-concurrently/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
