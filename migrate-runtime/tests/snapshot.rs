//! Schema snapshots read from real PostgreSQL and MariaDB catalogs: what
//! each object is described as, that the history table is left out, and that
//! the same schema written another way gives the same snapshot. Skipped
//! (with a message) when a server is unreachable, unless `CI=true`.
#![cfg(all(feature = "postgres", feature = "mysql"))]

mod common;

use common::{Server, TestDb};
use migrate_runtime::{Backend, HistoryTable, ObjectId, ObjectKind, Schema};

fn history() -> HistoryTable {
    HistoryTable::parse("migrate_history").unwrap()
}

fn snapshot(db: &TestDb) -> Schema {
    let mut conn = db.connect();
    conn.create_history(&history()).unwrap();
    conn.snapshot(&history()).unwrap()
}

fn get<'a>(schema: &'a Schema, kind: ObjectKind, table: Option<&str>, name: &str) -> &'a str {
    schema
        .get(&ObjectId::new(kind, table, name))
        .unwrap_or_else(|| {
            let all: Vec<String> = schema.iter().map(|(id, d)| format!("{id}: {d}")).collect();
            panic!("no {kind} {name} in:\n{}", all.join("\n"))
        })
}

const PG_SCHEMA: &str = "
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
    CREATE TABLE users (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        email text NOT NULL UNIQUE,
        age integer NOT NULL DEFAULT 0 CHECK (age >= 0),
        feeling mood,
        created timestamptz DEFAULT now(),
        doubled integer GENERATED ALWAYS AS (age * 2) STORED
    );
    CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE);
    CREATE INDEX posts_user ON posts (user_id) WHERE user_id > 0;
    CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;
    CREATE FUNCTION one() RETURNS integer LANGUAGE sql AS 'SELECT 1';
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER posts_touch BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION touch();
    CREATE SCHEMA app;
    CREATE TABLE app.things (id int);
";

#[test]
fn postgres_snapshot_describes_each_object_as_the_catalog_prints_it() {
    let Some(db) = TestDb::create(Server::Postgres, "snap") else {
        return;
    };
    db.exec("DROP TABLE runs");
    let empty = snapshot(&db);
    assert!(
        empty.iter().all(|(id, _)| id.kind == ObjectKind::Extension),
        "an empty database has only plpgsql: {empty:?}"
    );
    for statement in PG_SCHEMA.split(";\n") {
        if !statement.trim().is_empty() {
            db.exec(statement);
        }
    }
    let s = snapshot(&db);
    use ObjectKind::*;
    let users = Some("users");
    assert_eq!(get(&s, Type, None, "mood"), "enum ('sad', 'ok')");
    assert_eq!(
        get(&s, Type, None, "positive"),
        "domain integer CHECK (VALUE > 0)"
    );
    assert_eq!(
        get(&s, Column, users, "id"),
        "bigint NOT NULL GENERATED ALWAYS AS IDENTITY"
    );
    assert_eq!(get(&s, Column, users, "age"), "integer NOT NULL DEFAULT 0");
    assert_eq!(get(&s, Column, users, "feeling"), "mood");
    assert_eq!(
        get(&s, Column, users, "created"),
        "timestamp with time zone DEFAULT now()"
    );
    assert_eq!(
        get(&s, Column, users, "doubled"),
        "integer GENERATED ALWAYS AS ((age * 2)) STORED"
    );
    assert_eq!(get(&s, Constraint, users, "users_pkey"), "PRIMARY KEY (id)");
    assert_eq!(
        get(&s, Constraint, users, "users_email_key"),
        "UNIQUE (email)"
    );
    assert_eq!(
        get(&s, Constraint, users, "users_age_check"),
        "CHECK (age >= 0)"
    );
    assert_eq!(
        get(&s, Constraint, Some("posts"), "posts_user_id_fkey"),
        "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE"
    );
    assert_eq!(
        get(&s, Column, Some("posts"), "id"),
        "integer NOT NULL DEFAULT nextval('posts_id_seq'::regclass)"
    );
    assert!(get(&s, Sequence, None, "posts_id_seq").starts_with("sequence integer"));
    assert_eq!(
        get(&s, Index, Some("posts"), "posts_user"),
        "CREATE INDEX posts_user ON public.posts USING btree (user_id) WHERE (user_id > 0)"
    );
    assert!(
        s.get(&ObjectId::new(Index, users, "users_pkey")).is_none(),
        "an index that implements a constraint is the constraint"
    );
    assert!(get(&s, View, None, "adults").contains("WHERE users.age >= 18"));
    assert!(get(&s, Routine, None, "one()").starts_with("function RETURNS integer LANGUAGE sql"));
    assert!(get(&s, Trigger, Some("posts"), "posts_touch").contains("EXECUTE FUNCTION touch()"));
    assert_eq!(get(&s, Schema, None, "app"), "schema");
    assert_eq!(get(&s, Column, Some("app.things"), "id"), "integer");
    assert!(
        s.iter()
            .all(|(id, _)| id.table.as_deref() != Some("migrate_history")
                && id.name != "migrate_history"),
        "the history table is left out"
    );
    // Read again: the same.
    assert_eq!(snapshot(&db), s);
    // The same objects written another way: the same snapshot.
    db.exec("DROP INDEX posts_user");
    db.exec("create index posts_user on posts(user_id)where(user_id>0)");
    db.exec("ALTER TABLE users DROP CONSTRAINT users_age_check");
    db.exec("ALTER TABLE users ADD CONSTRAINT users_age_check CHECK ((age>=0))");
    assert_eq!(s.diff(&snapshot(&db)), []);
    // A change in a default shows.
    db.exec("ALTER TABLE users ALTER COLUMN age SET DEFAULT 1");
    let diff = s.diff(&snapshot(&db));
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0].after.as_deref(), Some("integer NOT NULL DEFAULT 1"));
}

#[test]
fn mariadb_snapshot_describes_each_object_from_information_schema() {
    let Some(db) = TestDb::create(Server::MySql, "snap") else {
        return;
    };
    db.exec("DROP TABLE runs");
    assert!(snapshot(&db).is_empty(), "an empty database");
    for statement in [
        "CREATE TABLE users (id bigint AUTO_INCREMENT PRIMARY KEY, \
         email varchar(100) NOT NULL, age int NOT NULL DEFAULT 0, name varchar(50) DEFAULT 'x', \
         CONSTRAINT age_ok CHECK (age >= 0), UNIQUE KEY users_email (email))",
        "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint, title text, \
         CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE, \
         KEY posts_title (title(20)))",
        "CREATE VIEW adults AS SELECT id FROM users WHERE age >= 18",
        "CREATE TRIGGER posts_touch BEFORE INSERT ON posts FOR EACH ROW SET NEW.title = 't'",
    ] {
        db.exec(statement);
    }
    let s = snapshot(&db);
    use ObjectKind::*;
    let users = Some("users");
    assert_eq!(get(&s, Table, None, "users"), "table ENGINE=InnoDB");
    assert_eq!(
        get(&s, Column, users, "id"),
        "bigint(20) NOT NULL auto_increment"
    );
    assert_eq!(get(&s, Column, users, "age"), "int(11) NOT NULL DEFAULT 0");
    assert_eq!(get(&s, Column, users, "name"), "varchar(50) DEFAULT 'x'");
    assert_eq!(get(&s, Index, users, "PRIMARY"), "PRIMARY KEY (`id`)");
    assert_eq!(
        get(&s, Index, users, "users_email"),
        "UNIQUE INDEX (`email`) USING BTREE"
    );
    assert_eq!(
        get(&s, Index, Some("posts"), "posts_title"),
        "INDEX (`title`(20)) USING BTREE"
    );
    assert_eq!(get(&s, Constraint, users, "age_ok"), "CHECK (`age` >= 0)");
    assert_eq!(
        get(&s, Constraint, Some("posts"), "posts_user"),
        "FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON UPDATE RESTRICT ON DELETE CASCADE"
    );
    assert!(get(&s, View, None, "adults").contains("`age` >= 18"));
    assert!(get(&s, Trigger, Some("posts"), "posts_touch").starts_with("BEFORE INSERT"));
    assert!(
        s.iter()
            .all(|(id, _)| id.table.as_deref() != Some("migrate_history")
                && id.name != "migrate_history"),
        "the history table is left out"
    );
    assert_eq!(snapshot(&db), s);
    db.exec("ALTER TABLE users MODIFY age bigint NULL");
    let diff = s.diff(&snapshot(&db));
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert_eq!(
        diff[0].before.as_deref(),
        Some("int(11) NOT NULL DEFAULT 0")
    );
    assert_eq!(diff[0].after.as_deref(), Some("bigint(20)"));
}
