// Generated from the declaration of `add-exclusion-constraint`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/add-exclusion-constraint/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
