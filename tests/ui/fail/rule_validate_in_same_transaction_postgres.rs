// Generated from the declaration of `validate-in-same-transaction`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/validate-in-same-transaction/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
