// Generated from the declaration of `enum-add-value-in-transaction`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/enum-add-value-in-transaction/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
