const A: migrate::Migrations = migrate::embed_migrations!("ui/lf", dialekt = "sqlite");
const B: migrate::Migrations = migrate::embed_migrations!("ui/lf", dialect = "oracle");

fn main() {
    let _ = (A, B);
}
