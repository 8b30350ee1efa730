//! Compile-fail and pass UI tests of `embed_migrations!` (trybuild).
//!
//! Every rule's bad example (generated under docs/rules/examples from its
//! declaration) must fail the build with that rule, every good example must
//! build; `tests/ui/*/*.stderr` hold the compiler's exact output.
//! Regenerate them with `TRYBUILD=overwrite cargo test --test ui`.

use std::path::{Path, PathBuf};

/// trybuild compiles the cases in a project of its own under
/// `<target>/tests/trybuild/migrate`, whose `CARGO_MANIFEST_DIR` is that
/// directory; the macro resolves paths against it. Link the fixture
/// directories there so the cases can name them portably.
fn link_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version=1"])
        .current_dir(root)
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let target = PathBuf::from(meta["target_directory"].as_str().expect("target_directory"));
    let project = target.join("tests").join("trybuild").join("migrate");
    std::fs::create_dir_all(&project).expect("trybuild project dir");
    for (link, dest) in [
        ("rules", root.join("docs/rules/examples")),
        ("ui", root.join("tests/ui/migrations")),
    ] {
        let link = project.join(link);
        let _ = std::fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&dest, &link).expect("symlink fixtures");
        #[cfg(not(unix))]
        std::os::windows::fs::symlink_dir(&dest, &link).expect("symlink fixtures");
    }
}

#[test]
fn ui() {
    link_fixtures();
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
