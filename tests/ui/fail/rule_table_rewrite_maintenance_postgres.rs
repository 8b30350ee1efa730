// Generated from the declaration of `table-rewrite-maintenance`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/table-rewrite-maintenance/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
