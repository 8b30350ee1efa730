// Generated from the declaration of `add-stored-generated-column`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-stored-generated-column/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
