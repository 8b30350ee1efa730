// Generated from the declaration of `varchar-length-class-change`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/varchar-length-class-change/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
