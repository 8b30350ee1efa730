// Generated from the declaration of `lock-shared-or-exclusive`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/lock-shared-or-exclusive/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
