#!/usr/bin/env bash
# Whole-build timing of benches/RESULTS.md: the release rebuild after one
# migration is edited, of a crate embedding 1,000 PostgreSQL + 1,000 SQLite
# migrations, with our `embed_migrations!` beside sqlx's `migrate!`.
#
#   bash benches/build/run.sh            # from the workspace root, or anywhere
#   bash benches/build/run.sh runtime    # the same crates, applying instead:
#       ../shared/bench/peers/bench.py runs sqlx-app, refinery-app (with
#       REFINERY=1) and ours, one after the other, on fresh PostgreSQL
#       databases and SQLite files: apply all, then start up with all applied
#
# Environment:
#   WORK      default /tmp/migrate-build-bench: corpora, crates, a snapshot of
#             the committed workspace and target dirs go there, never into
#             the repository
#   WORKTREE  =1 builds against the work tree instead of the snapshot of HEAD
#   RUNS      default 3;  COUNT  default 1000 (migrations per dialect)
#   OPT3      =1 also times our crate with
#             `[profile.release.build-override] opt-level = 3` (macro optimized)
#
# Steps: generate the corpora with ../shared/bench/gen_corpus.py; drop the
# files holding a statement our parser rejects (`parse-error` cannot be
# lowered, so they would fail our build; the same filtered corpus goes to
# sqlx, so both embed the same files); write our scratch crate from
# benches/build/app with a migrate.toml setting every rule to "warn" (the
# corpora hold hazards on purpose); copy ../shared/bench/peers/sqlx-app and
# fill it with convert.py; build both once (not timed); then
# ../shared/bench/peers/build_bench.py on each, one after the other.
set -euo pipefail
MODE=${1:-build}

HERE=$(cd "$(dirname "$0")" && pwd)
WS=$(cd "$HERE/../.." && pwd)
BENCH=$WS/../shared/bench
WORK=${WORK:-/tmp/migrate-build-bench}
RUNS=${RUNS:-3}
COUNT=${COUNT:-1000}

for f in gen_corpus.py peers/convert.py peers/build_bench.py peers/sqlx-app/Cargo.toml; do
    [ -e "$BENCH/$f" ] || { echo "run.sh: $BENCH/$f is absent; nothing measured" >&2; exit 1; }
done
BENCH=$(cd "$BENCH" && pwd)
mkdir -p "$WORK"
# The crates build against a snapshot of the committed HEAD (`git archive`,
# read-only on the repository), so that edits in progress in the work tree
# neither break nor blur the figures; WORKTREE=1 builds the work tree as it is.
if [ "${WORKTREE:-0}" != 1 ] && git -C "$WS" rev-parse --verify -q HEAD >/dev/null; then
    REV=$(git -C "$WS" rev-parse --short HEAD)
    SRC=$WORK/src-$REV
    if [ ! -d "$SRC" ]; then
        mkdir -p "$SRC.tmp" && git -C "$WS" archive HEAD | tar -x -C "$SRC.tmp" && mv "$SRC.tmp" "$SRC"
    fi
else
    REV="work tree"
    SRC=$WS
fi
echo "== $(date -u +%FT%TZ) on $(nproc) cores; $(cargo --version); migrate at $REV ($SRC)"

# 1. Corpora.
for d in postgres sqlite; do
    rm -rf "$WORK/corpus/$d"
    python3 "$BENCH/gen_corpus.py" --dialect "$d" --count "$COUNT" --out "$WORK/corpus/$d"
done

# 2. The helper: migrate.toml with every rule at "warn", files with parse errors.
rm -rf "$WORK/tool" && cp -r "$HERE/tool" "$WORK/tool"
sed "s|@WORKSPACE@|$SRC|" "$HERE/tool/Cargo.toml.in" >"$WORK/tool/Cargo.toml" && rm "$WORK/tool/Cargo.toml.in"
cargo build -q --release --manifest-path "$WORK/tool/Cargo.toml" --target-dir "$WORK/target-tool"
TOOL=$WORK/target-tool/release/migrate-build-bench-tool

# 3. Filter out the files our parser rejects (reported, and the same for both tools).
for d in postgres sqlite; do
    rm -rf "$WORK/filtered/$d" && mkdir -p "$WORK/filtered/$d"
    "$TOOL" parse-errors "$WORK/corpus/$d" "$d" >"$WORK/parse-errors-$d.txt"
    cp "$WORK/corpus/$d"/*.sql "$WORK/filtered/$d/"
    while read -r f; do rm -f "$WORK/filtered/$d/$f"; done <"$WORK/parse-errors-$d.txt"
    echo "$d: $(wc -l <"$WORK/parse-errors-$d.txt") of $COUNT files hold a parse-error and are left out;" \
        "$(ls "$WORK/filtered/$d" | wc -l) files embedded"
done

# 4. Our scratch crate.
APP=$WORK/migrate-app
rm -rf "$APP" && mkdir -p "$APP/src"
sed "s|@WORKSPACE@|$SRC|" "$HERE/app/Cargo.toml.in" >"$APP/Cargo.toml"
cp "$HERE/app/src/main.rs" "$APP/src/main.rs"
"$TOOL" rules >"$APP/migrate.toml"
cp -r "$WORK/filtered/postgres" "$APP/migrations_pg"
cp -r "$WORK/filtered/sqlite" "$APP/migrations_sqlite"

# 5. sqlx's crate, same corpus in sqlx's reversible layout.
SQLX=$WORK/sqlx-app
rm -rf "$SQLX" && cp -r "$BENCH/peers/sqlx-app" "$SQLX" && rm -rf "$SQLX/target"
# For the build, sqlx's default layout; to apply on PostgreSQL, CONCURRENTLY
# stripped (sqlx sends a no-transaction file as one string, which PostgreSQL
# wraps in a transaction), as the figures of ../shared/bench were taken.
NOTX=keep
[ "$MODE" = runtime ] && NOTX=strip
python3 "$BENCH/peers/convert.py" --src "$WORK/filtered/postgres" --sqlx "$SQLX/migrations_pg" --sqlx-notx $NOTX
python3 "$BENCH/peers/convert.py" --src "$WORK/filtered/sqlite" --sqlx "$SQLX/migrations_sqlite"

crates=("$SQLX:$WORK/target-sqlx:sqlx migrate!" "$APP:$WORK/target-migrate:migrate embed_migrations!")
if [ "${OPT3:-0}" = 1 ]; then
    rm -rf "$APP-opt3" && cp -r "$APP" "$APP-opt3"
    printf '\n[profile.release.build-override]\nopt-level = 3\n' >>"$APP-opt3/Cargo.toml"
    crates+=("$APP-opt3:$WORK/target-migrate-opt3:migrate (macro opt-level=3)")
fi

# 6. First builds (dependencies; not timed), then the timing, one crate at a time.
for c in "${crates[@]}"; do
    IFS=: read -r dir target label <<<"$c"
    echo "== first build: $label"
    CARGO_TARGET_DIR=$target cargo build --release --manifest-path "$dir/Cargo.toml" 2>"$WORK/first-build.log" \
        || { tail -40 "$WORK/first-build.log"; exit 1; }
    if [ "$dir" != "$SQLX" ]; then
        echo "   $(grep -c '^warning: use of deprecated' "$WORK/first-build.log" || true) warnings;" \
            "$("$target/release/migrate-build-bench-app")"
    fi
done
if [ "$MODE" = runtime ]; then
    tools=("$WORK/target-sqlx/release/sqlx-app:sqlx 0.8")
    if [ "${REFINERY:-0}" = 1 ]; then
        REF=$WORK/refinery-app
        rm -rf "$REF" && cp -r "$BENCH/peers/refinery-app" "$REF" && rm -rf "$REF/target"
        python3 "$BENCH/peers/convert.py" --src "$WORK/filtered/postgres" --refinery "$REF/migrations_pg"
        python3 "$BENCH/peers/convert.py" --src "$WORK/filtered/sqlite" --refinery "$REF/migrations_sqlite"
        CARGO_TARGET_DIR=$WORK/target-refinery cargo build -q --release --manifest-path "$REF/Cargo.toml"
        tools+=("$WORK/target-refinery/release/refinery-app:refinery 0.10")
    fi
    tools+=("$WORK/target-migrate/release/migrate-build-bench-app:migrate")
    # The same SQL as sqlx runs: CONCURRENTLY stripped and every migration in
    # a transaction, so that the difference is the runners' own cost.
    PLAIN=$WORK/migrate-app-plain
    rm -rf "$PLAIN" && cp -r "$APP" "$PLAIN"
    for f in "$PLAIN"/migrations_pg/*.sql; do
        sed -i -e 's/ CONCURRENTLY//' -e '/^-- migrate:no-transaction$/d' "$f"
    done
    sed -i 's/^name = "migrate-build-bench-app"/name = "migrate-build-bench-app-plain"/' "$PLAIN/Cargo.toml"
    CARGO_TARGET_DIR=$WORK/target-migrate cargo build -q --release --manifest-path "$PLAIN/Cargo.toml" 2>/dev/null
    tools+=("$WORK/target-migrate/release/migrate-build-bench-app-plain:migrate, plain index builds")
    mkdir -p /tmp/anchors  # where bench.py appends its results
    for dialect in ${DIALECTS:-pg sqlite}; do
        for t in "${tools[@]}"; do
            IFS=: read -r bin label <<<"$t"
            python3 "$BENCH/peers/bench.py" tool "$bin" "$dialect" "$RUNS" "$label $dialect" | grep -v '^{'
        done
    done
    exit 0
fi
for c in "${crates[@]}"; do
    IFS=: read -r dir target label <<<"$c"
    python3 "$BENCH/peers/build_bench.py" "$dir" "$target" "$RUNS" "$label" || echo "   ($label: build_bench.py failed, see above)"
    # build_bench.py leaves its new file behind when a build fails.
    rm -f "$dir/migrations_pg/V9999__new_thing.sql" "$dir"/migrations_pg/9999_new_thing.*.sql
done
