//! `backfill-in-one-transaction`: a `DO` block that loops over DML batches
//! without committing them, or that commits where PostgreSQL forbids it.

use std::ops::Range;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::config::{Level, ServerVersion};
use crate::rules::{Ctx, Example, Findings, PG, Rule};
use crate::statement::{Recognized, Stmt};

use super::plpgsql;

/// The declaration.
pub static RULE: Rule = Rule {
    id: "backfill-in-one-transaction",
    dialects: &[PG],
    default_level: Level::Error,
    versions: &[],
    summary: "a `DO` block backfills in batches but every batch stays in one transaction",
    explanation: "A DO block is one statement, and runs in one transaction: a LOOP that UPDATEs (DELETEs, INSERTs) a batch at a time looks incremental, but every batch keeps its row locks — and the table's ROW EXCLUSIVE lock — until the whole block ends, so concurrent writes to the touched rows wait for the entire backfill, dead rows pile up unvacuumed, and a failure in the last batch rolls back all the others. Committing after each batch fixes this, but only where PostgreSQL allows it: since PostgreSQL 11, a DO block may COMMIT when it is not called inside a transaction block. Inside the transaction the runner opens (or after an explicit BEGIN) the COMMIT fails with \"invalid transaction termination\"; inside a BEGIN … EXCEPTION block it fails with \"cannot commit while a subtransaction is active\". A loop over a table created in the same migration is exempt.",
    lock: "ROW EXCLUSIVE on the table and a row lock on every row changed, held until the DO block's transaction ends: concurrent UPDATE/DELETE of those rows wait",
    safe_alternative: "put the DO block in a migration of its own marked `-- migrate:no-transaction`, and `COMMIT` inside the loop after each batch (PostgreSQL ≥ 11; keep EXCEPTION handlers out of the block that commits); on older servers, run the batches as separate statements",
    equivalents: "strong_migrations: README \"Backfilling data\" (advice, not detected) · squawk, eugene, Atlas: none (PL/pgSQL bodies are not read)",
    bad: &[
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- migrate:down
DROP TABLE orders;
-- file: 0002_backfill_orders_status.sql
-- migrate:up
-- migrate:no-transaction
DO $$
DECLARE
  done bigint;
BEGIN
  LOOP
    UPDATE orders SET status = 'new' -- expect: backfill-in-one-transaction
    WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
    GET DIAGNOSTICS done = ROW_COUNT;
    EXIT WHEN done = 0;
  END LOOP;
END
$$;
-- migrate:irreversible: a backfill has nothing to undo
",
        },
        Example {
            dialect: PG,
            text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- migrate:down
DROP TABLE orders;
-- file: 0002_backfill_orders_status.sql
-- migrate:up
DO $$
DECLARE
  done bigint;
BEGIN
  LOOP
    UPDATE orders SET status = 'new'
    WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
    GET DIAGNOSTICS done = ROW_COUNT;
    EXIT WHEN done = 0;
    COMMIT; -- expect: backfill-in-one-transaction
  END LOOP;
END
$$;
-- migrate:irreversible: a backfill has nothing to undo
",
        },
    ],
    good: &[Example {
        dialect: PG,
        text: "-- file: 0001_create_orders.sql
-- migrate:up
CREATE TABLE orders (id bigint PRIMARY KEY, status text);
-- migrate:down
DROP TABLE orders;
-- file: 0002_backfill_orders_status.sql
-- migrate:up
-- migrate:no-transaction
DO $$
DECLARE
  done bigint;
BEGIN
  LOOP
    UPDATE orders SET status = 'new'
    WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
    GET DIAGNOSTICS done = ROW_COUNT;
    EXIT WHEN done = 0;
    COMMIT; -- each batch releases its row locks
  END LOOP;
END
$$;
-- migrate:irreversible: a backfill has nothing to undo
",
    }],
    check: Some(check),
};

/// Transaction control in procedures and DO blocks.
const COMMIT_IN_DO: ServerVersion = ServerVersion::new(11, 0, 0);

fn check(ctx: &Ctx<'_>, stmt: &Stmt, out: &mut Findings) {
    let Some(Recognized::DoBlock { body: text }) = stmt.recognized() else {
        return;
    };
    let (language, base) = read_do(ctx, stmt, text);
    // `DO LANGUAGE plpython3u $$ … $$`: not PL/pgSQL, not read.
    if language.is_some_and(|l| l != "plpgsql") {
        return;
    }
    let Some(body) = plpgsql::scan(text) else {
        return;
    };
    let span = |r: &Range<usize>| base.map(|b| b + r.start..b + r.end);

    if let Some(commit) = body.commits.first() {
        let problem = if ctx.in_transaction {
            let why = if ctx.runner_transaction {
                "the runner wraps this section in a transaction"
            } else {
                "a `BEGIN` earlier in this section opened a transaction"
            };
            Some((
                "`COMMIT` inside a DO block that runs in a transaction block".to_string(),
                format!("fails at deploy with \"invalid transaction termination\": {why}"),
                commit,
            ))
        } else if ctx.version < COMMIT_IN_DO {
            Some((
                format!(
                    "`COMMIT` inside a DO block needs PostgreSQL 11; the project supports {}",
                    ctx.version
                ),
                "fails at deploy on PostgreSQL before 11".to_string(),
                commit,
            ))
        } else {
            body.commit_in_exception_block.as_ref().map(|c| {
                (
                    "`COMMIT` inside a block with an EXCEPTION clause".to_string(),
                    "fails at deploy with \"cannot commit while a subtransaction is active\""
                        .to_string(),
                    c,
                )
            })
        };
        if let Some((message, label, at)) = problem {
            let f = out.report(message, label);
            f.span = span(at);
            f.lock = Some("the block fails when it reaches the COMMIT: the locks it took and the rows it changed are rolled back with it".into());
            if ctx.version < COMMIT_IN_DO && !ctx.in_transaction {
                f.help = Some("on PostgreSQL before 11, run each batch as a statement of its own in a `-- migrate:no-transaction` section (each one commits)".into());
            }
        }
    }

    let Some(dml) = body
        .uncommitted_loop_dml
        .iter()
        .find(|d| !d.table.as_deref().is_some_and(|t| ctx.is_new_table(t)))
    else {
        return;
    };
    let target = dml
        .table
        .as_deref()
        .map_or_else(|| "a table".to_string(), |t| format!("`{t}`"));
    let message = format!(
        "{} of {target} in a loop: every batch stays in the DO block's single transaction",
        dml.verb
    );
    let label = if ctx.in_transaction {
        "no batch commits before the section's transaction does: row locks pile up until the end"
    } else {
        "no COMMIT in the loop: row locks of every batch are held until the whole block ends"
    };
    let f = out.report(message, label);
    f.span = span(&dml.at);
}

/// The `LANGUAGE` of a DO block (lower case, when given) and the byte
/// offset in the file where its dollar-quoted body starts (`None` for a
/// single-quoted body, whose text is unescaped).
fn read_do(ctx: &Ctx<'_>, stmt: &Stmt, body: &str) -> (Option<String>, Option<usize>) {
    let text = ctx.text(stmt);
    let Ok(toks) = Tokenizer::new(&PostgreSqlDialect {}, text).tokenize_with_location() else {
        return (None, None);
    };
    let mut significant = toks
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)));
    let mut language = None;
    let mut body_at = None;
    while let Some(t) = significant.next() {
        match &t.token {
            Token::Word(w)
                if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("LANGUAGE") =>
            {
                language = significant.next().and_then(|n| match &n.token {
                    Token::Word(w) => Some(w.value.to_lowercase()),
                    Token::SingleQuotedString(s) => Some(s.to_lowercase()),
                    _ => None,
                });
            }
            Token::DollarQuotedString(s) if s.value == body && body_at.is_none() => {
                body_at = Some((t.span.start, s.tag.clone()));
            }
            _ => {}
        }
    }
    let offset = body_at.and_then(|(loc, tag)| {
        let line_start = text
            .split_inclusive('\n')
            .take((loc.line as usize).checked_sub(1)?)
            .map(str::len)
            .sum::<usize>();
        let col = text[line_start..]
            .char_indices()
            .nth((loc.column as usize).checked_sub(1)?)?
            .0;
        let start = line_start + col + tag.map_or(0, |t| t.len()) + 2;
        text.get(start..)
            .filter(|rest| rest.starts_with(body))
            .map(|_| stmt.span.start + start)
    });
    (language, offset)
}

#[cfg(test)]
mod tests {
    use super::super::{ORDERS, findings};

    const LOOP: &str = "DO $b$\nBEGIN\n  LOOP\n    UPDATE orders SET status = 'x' WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 10);\n    EXIT WHEN NOT FOUND;\n    COMMIT;\n  END LOOP;\nEND\n$b$;";

    fn run(up: &str, no_tx: bool, version: &str) -> Vec<u32> {
        let marker = if no_tx {
            "-- migrate:no-transaction\n"
        } else {
            ""
        };
        let text = format!("-- migrate:up\n{marker}{up}\n-- migrate:irreversible: test\n");
        findings(
            &[ORDERS, ("0002_x.sql", &text)],
            version,
            "backfill-in-one-transaction",
        )
        .into_iter()
        .map(|(_, l)| l)
        .collect()
    }

    #[test]
    fn committing_loop_outside_a_transaction_is_the_safe_form() {
        assert!(run(LOOP, true, "11").is_empty());
        assert!(run(LOOP, true, "15").is_empty());
    }

    #[test]
    fn commit_in_a_runner_transaction_is_reported_at_the_commit() {
        // Lines: 1 marker, 2 DO, 3 BEGIN, 4 LOOP, 5 UPDATE, 6 EXIT, 7 COMMIT.
        assert_eq!(run(LOOP, false, "15"), [7]);
    }

    #[test]
    fn commit_after_an_explicit_begin_is_reported() {
        let up = format!("BEGIN;\n{LOOP}\nCOMMIT;");
        // Lines: 1 up, 2 no-tx, 3 BEGIN, 4 DO, …, 9 COMMIT in the body.
        assert_eq!(run(&up, true, "15"), [9]);
    }

    #[test]
    fn commit_needs_postgres_11() {
        assert_eq!(run(LOOP, true, "10"), [8]);
    }

    #[test]
    fn loop_without_commit_is_reported_at_the_dml() {
        let up = "DO $$ BEGIN FOR i IN 1..100 LOOP DELETE FROM orders WHERE id % 100 = i; END LOOP; END $$;";
        assert_eq!(run(up, true, "15"), [3]);
        let up = "DO $$\nBEGIN\n  WHILE true LOOP\n    -- COMMIT; is only a comment here\n    INSERT INTO orders SELECT id + 1000, user_id, 'copy' FROM orders LIMIT 10;\n    EXIT;\n  END LOOP;\nEND\n$$;";
        assert_eq!(run(up, false, "15"), [6]);
    }

    #[test]
    fn commit_inside_an_exception_block_is_reported() {
        let up = "DO $$\nBEGIN\n  LOOP\n    BEGIN\n      UPDATE orders SET status = 'x';\n      COMMIT;\n    EXCEPTION WHEN others THEN\n      RAISE NOTICE 'skip';\n    END;\n    EXIT;\n  END LOOP;\nEND\n$$;";
        assert_eq!(run(up, true, "15"), [8]);
    }

    #[test]
    fn loops_over_new_tables_and_without_dml_are_fine() {
        let up = "CREATE TABLE t (a int);\nDO $$ BEGIN FOR i IN 1..10 LOOP INSERT INTO t SELECT i FROM generate_series(1, 10); END LOOP; END $$;";
        assert!(run(up, false, "15").is_empty());
        let up = "DO $$ BEGIN FOR r IN SELECT * FROM orders FOR UPDATE LOOP RAISE NOTICE 'UPDATE %', r.id; END LOOP; END $$;";
        assert!(run(up, false, "15").is_empty());
        let up = "DO $$ BEGIN UPDATE orders SET status = 'x'; END $$;";
        assert!(run(up, false, "15").is_empty());
    }

    #[test]
    fn other_languages_are_not_read() {
        let up = "DO LANGUAGE plpython3u $$\nwhile True:\n    plpy.execute('UPDATE orders SET status = 1')\n$$;";
        assert!(run(up, false, "15").is_empty());
        let up = "DO LANGUAGE plpgsql $$ BEGIN LOOP UPDATE orders SET status = 'x'; EXIT; END LOOP; END $$;";
        assert_eq!(run(up, false, "15"), [2]);
    }

    #[test]
    fn single_quoted_body_is_read_and_reported_on_the_statement() {
        let up = "DO 'BEGIN LOOP UPDATE orders SET status = ''x''; EXIT; END LOOP; END';";
        assert_eq!(run(up, false, "15"), [2]);
    }
}
