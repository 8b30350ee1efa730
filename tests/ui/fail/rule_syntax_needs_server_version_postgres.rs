// Generated from the declaration of `syntax-needs-server-version`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/syntax-needs-server-version/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
