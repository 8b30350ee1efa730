// Generated from the declaration of `enum-set-change-copies`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/enum-set-change-copies/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
