// Generated from the declaration of `domain-with-constraint`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/domain-with-constraint/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
