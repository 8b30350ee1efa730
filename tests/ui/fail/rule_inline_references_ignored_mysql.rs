// Generated from the declaration of `inline-references-ignored`: its bad example fails the build.
const MIGRATIONS: migrate::Migrations =
    migrate::embed_migrations!("rules/inline-references-ignored/mysql/bad", dialect = "mysql");

fn main() {
    let _ = MIGRATIONS;
}
