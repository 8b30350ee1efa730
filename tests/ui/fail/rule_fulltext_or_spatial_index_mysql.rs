// Generated from the declaration of `fulltext-or-spatial-index`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/fulltext-or-spatial-index/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
