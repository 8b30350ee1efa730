// Generated from the declaration of `sqlite-rebuild-procedure`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/sqlite-rebuild-procedure/sqlite/bad", dialect = "sqlite");

fn main() {
    let _ = MIGRATIONS;
}
