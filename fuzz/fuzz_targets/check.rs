#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| migrate_fuzz::run(data));
