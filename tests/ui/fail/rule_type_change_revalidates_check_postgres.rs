// Generated from the declaration of `type-change-revalidates-check`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/type-change-revalidates-check/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
