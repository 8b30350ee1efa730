// Generated from the declaration of `enum-add-value-in-transaction`: its good example builds.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/enum-add-value-in-transaction/postgres/good", dialect = "postgres");

fn main() {
    assert!(!MIGRATIONS.migrations().is_empty());
}
