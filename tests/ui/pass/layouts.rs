// sqlx/golang-migrate pairs, sqlx's simple file with `-- no-transaction`,
// a diesel directory with metadata.toml, and Flyway V/U files, in one directory.
const MIGRATIONS: migrate::Migrations = migrate::embed_migrations!("ui/layouts");

fn main() {
    let m = MIGRATIONS.migrations();
    let versions: Vec<&str> = m.iter().map(|m| m.version.text).collect();
    assert_eq!(versions, ["0001", "0002", "0003", "4"]);
    assert!(m[0].down.is_some() && m[0].up.transactional);
    assert!(m[1].down.is_none() && !m[1].up.transactional);
    assert_eq!(m[1].irreversible, Some("sqlx simple migrations have no down"));
    assert!(!m[2].up.transactional, "diesel's run_in_transaction = false");
    assert_eq!(m[3].down.unwrap().statements[0].sql, "DROP TABLE flyway");
}
