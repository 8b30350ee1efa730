// Generated from the declaration of `algorithm-copy`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/algorithm-copy/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
