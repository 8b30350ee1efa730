//! Rules about seed files (reference data in the `seeds` directory beside
//! the migrations): they run only on seeds.
use crate::rules::Rule;

pub mod seed_not_idempotent;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[&seed_not_idempotent::RULE];
