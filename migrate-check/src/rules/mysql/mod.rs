//! MySQL and MariaDB rules: the online-DDL traps (COPY, rebuilds, blocking
//! `LOCK=` clauses, implicit commits) that no other dialect has. They ask
//! [`crate::mysql_ddl`] what each `ALTER` costs on the configured server.
use crate::rules::Rule;

/// The rules of this group, in the order they run.
pub static RULES: &[&Rule] = &[];
