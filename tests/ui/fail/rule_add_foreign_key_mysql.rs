// Generated from the declaration of `add-foreign-key`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-foreign-key/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
