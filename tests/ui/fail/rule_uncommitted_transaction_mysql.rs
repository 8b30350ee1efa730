// Generated from the declaration of `uncommitted-transaction`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/uncommitted-transaction/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
