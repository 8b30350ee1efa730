// Generated from the declaration of `rename-schema`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/rename-schema/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
