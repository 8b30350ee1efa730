// Generated from the declaration of `add-column-not-last`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-column-not-last/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
