// Generated from the declaration of `reindex-non-concurrently`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/reindex-non-concurrently/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
