// Empty, BOM, CRLF and garbage files: each problem is one diagnostic naming
// its file, and the statements after a bad one are still checked (the
// ALTER COLUMN after the garbage line is reported).
const MIGRATIONS: migrate::Migrations = migrate::embed_migrations!("ui/garbage");

fn main() {
    let _ = MIGRATIONS;
}
