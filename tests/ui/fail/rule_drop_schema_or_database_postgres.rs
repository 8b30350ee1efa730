// Generated from the declaration of `drop-schema-or-database`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-schema-or-database/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
