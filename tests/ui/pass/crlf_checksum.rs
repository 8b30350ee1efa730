// A CRLF copy of a migration with a BOM has the checksum of the LF original.
const CRLF: migrate::Migrations = migrate::embed_migrations!("ui/crlf");
const LF: migrate::Migrations = migrate::embed_migrations!("ui/lf");

fn main() {
    let (a, b) = (&CRLF.migrations()[0], &LF.migrations()[0]);
    assert_eq!(a.checksum, b.checksum);
    assert!(a.checksum.starts_with("sha256:"));
    assert_eq!(a.up.statements[0].sql, "CREATE TABLE t (\n  id INTEGER PRIMARY KEY\n)");
    assert_eq!(a.up.statements[0].line, 2);
}
