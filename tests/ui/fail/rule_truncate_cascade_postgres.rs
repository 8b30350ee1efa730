// Generated from the declaration of `truncate-cascade`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/truncate-cascade/postgres/bad", dialect = "postgres");

fn main() {
    let _ = MIGRATIONS;
}
