// Generated from the declaration of `set-tablespace`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/set-tablespace/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
