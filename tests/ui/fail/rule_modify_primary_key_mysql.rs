// Generated from the declaration of `modify-primary-key`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/modify-primary-key/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
