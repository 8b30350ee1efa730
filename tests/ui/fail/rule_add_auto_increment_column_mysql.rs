// Generated from the declaration of `add-auto-increment-column`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-auto-increment-column/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
