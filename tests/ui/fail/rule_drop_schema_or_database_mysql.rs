// Generated from the declaration of `drop-schema-or-database`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/drop-schema-or-database/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
