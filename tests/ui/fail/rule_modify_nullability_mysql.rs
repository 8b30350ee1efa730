// Generated from the declaration of `modify-nullability`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/modify-nullability/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
