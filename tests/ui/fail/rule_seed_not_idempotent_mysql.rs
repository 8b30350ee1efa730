// Generated from the declaration of `seed-not-idempotent`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/seed-not-idempotent/mysql/bad/migrations", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
