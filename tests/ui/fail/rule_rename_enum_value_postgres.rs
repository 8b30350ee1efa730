// Generated from the declaration of `rename-enum-value`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/rename-enum-value/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
