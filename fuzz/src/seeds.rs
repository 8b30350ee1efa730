//! Writes the seed corpus: every rule's bad and good examples, each once
//! per dialect byte, into `corpus/check/` (`cargo run --bin seeds`).

use migrate_check::Dialect;
use migrate_check::rules;

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/check");
    std::fs::create_dir_all(&dir)?;
    let mut n = 0;
    for rule in rules::all() {
        for (i, example) in rule.bad.iter().chain(rule.good).enumerate() {
            let dialect = Dialect::ALL
                .iter()
                .position(|d| *d == example.dialect)
                .unwrap_or(0) as u8;
            let mut data = vec![dialect];
            data.extend_from_slice(example.text.as_bytes());
            std::fs::write(dir.join(format!("{}-{i}", rule.id)), data)?;
            n += 1;
        }
    }
    println!("wrote {n} seeds to {}", dir.display());
    Ok(())
}
