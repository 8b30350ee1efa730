// Generated from the declaration of `sqlite-add-column-restrictions`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/sqlite-add-column-restrictions/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
