// Generated from the declaration of `backfill-in-one-transaction`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/backfill-in-one-transaction/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
