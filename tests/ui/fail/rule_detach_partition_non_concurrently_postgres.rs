// Generated from the declaration of `detach-partition-non-concurrently`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/detach-partition-non-concurrently/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
