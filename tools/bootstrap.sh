#!/usr/bin/env bash
# Sets up and drives the development environment of the project.
#
#   tools/bootstrap.sh setup        system packages, virtualenv, Odoo, requirements
#   tools/bootstrap.sh pg           make sure a PostgreSQL server answers
#   tools/bootstrap.sh config       write .build/odoo.cfg
#   tools/bootstrap.sh testdb       fresh test database with every module (cached template)
#   tools/bootstrap.sh demodb       create or update the demo database
#   tools/bootstrap.sh pot [DB]     export i18n/<module>.pot of every module
#   tools/bootstrap.sh odoo ARGS    run odoo with the project's configuration
#   tools/bootstrap.sh replica      streaming replica of the cluster, Odoo on both, a check
#
# Everything it creates lives in .venv/ and .build/ (both git-ignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/.build"
VENV="$ROOT/.venv"
ODOO_SRC=${ODOO_SRC:-/opt/odoo/18.0}
ODOO_ARCHIVE_URL=${ODOO_ARCHIVE_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}
# each checkout gets its own local cluster, on a port derived from its path
LOCAL_PGPORT=${CR_LOCAL_PGPORT:-$((54000 + 0x$(echo "$ROOT" | sha1sum | cut -c1-4) % 900))}
TEST_DB=${TEST_DB:-customer_test}
DEMO_DB=${DEMO_DB:-customer_demo}
MODULE=customer_relationship
DEB_PACKAGES=(libpq-dev libldap2-dev libsasl2-dev postgresql chromium)

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '\n[setup] ERROR: %s\n\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- system
system_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0  # not Debian: trust the user
    local missing=() pkg
    for pkg in "${DEB_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        die "missing system packages: ${missing[*]}
  Install them first, for example: sudo apt-get install ${missing[*]}"
    fi
}

# ---------------------------------------------------------------- odoo source
odoo_source() {
    if [ -f "$ODOO_SRC/odoo-bin" ] && [ -f "$ODOO_SRC/setup.py" ]; then
        return 0
    fi
    local dest="$BUILD/odoo-src"
    if [ ! -f "$dest/odoo-bin" ]; then
        say "no Odoo source at $ODOO_SRC: downloading the official 18.0 archive"
        mkdir -p "$dest"
        if ! curl -fsSL --retry 2 "$ODOO_ARCHIVE_URL" 2>/dev/null \
            | tar -xz -C "$dest" --strip-components=1 2>/dev/null; then
            rm -rf "$dest"
            die "Odoo 18.0 source not found at $ODOO_SRC and the archive could not be downloaded.
  Put an Odoo 18.0 community checkout (odoo/, addons/, setup.py, odoo-bin, requirements.txt)
  at /opt/odoo/18.0, or point ODOO_SRC at one: make test ODOO_SRC=/path/to/odoo-18.0"
        fi
    fi
    ODOO_SRC="$dest"
}

# ---------------------------------------------------------------- virtualenv
setup() {
    mkdir -p "$BUILD"
    odoo_source
    local stamp
    constraints
    stamp="$VENV/.stamp-$(cat "$ROOT/requirements.txt" "$ODOO_SRC/requirements.txt" \
        "$BUILD/constraints.txt" <(echo "$ODOO_SRC") | sha1sum | cut -c1-16)"
    if [ -f "$stamp" ]; then
        link_addons
        return 0
    fi
    system_packages
    say "creating the virtual environment in .venv (a few minutes, once)"
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local pip=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
    "${pip[@]}" install --upgrade pip
    # cbor2 5.4.2 (pinned by Odoo) only builds with setuptools < 70
    printf 'setuptools<70\n' >"$BUILD/build-constraints.txt"
    local bc=()
    if "${pip[@]}" install --help | grep -q -- '--build-constraint'; then
        bc=(--build-constraint "$BUILD/build-constraints.txt")
    else
        export PIP_CONSTRAINT="$BUILD/build-constraints.txt"
    fi
    "${pip[@]}" install "${bc[@]}" -r "$ODOO_SRC/requirements.txt"
    # compat mode: OCA wheels install into site-packages/odoo/addons and must
    # not shadow the odoo package itself
    "${pip[@]}" install "${bc[@]}" -e "$ODOO_SRC" --config-settings editable_mode=compat
    "${pip[@]}" install "${bc[@]}" -r "$ROOT/requirements.txt" -c "$BUILD/constraints.txt"
    rm -f "$VENV"/.stamp-*
    touch "$stamp"
    link_addons
}

# What the Odoo source in use supports, as a pip constraint file. OCA
# queue_job 18.0.1.7.1 and later call odoo.api.private, which 18.0 sources
# from before that decorator lack (the module then fails to load): on such a
# source, queue_job stays at 18.0.1.7.0.1, the last release without it.
QUEUE_JOB_BEFORE_API_PRIVATE=18.0.1.7.0.1
constraints() {
    if grep -q '^def private' "$ODOO_SRC/odoo/api.py"; then
        printf '# %s/odoo/api.py has api.private: any 18.0 queue_job\n' "$ODOO_SRC"
    else
        printf '# %s/odoo/api.py lacks api.private\nodoo-addon-queue-job==%s\n' \
            "$ODOO_SRC" "$QUEUE_JOB_BEFORE_API_PRIVATE"
    fi >"$BUILD/constraints.txt"
}

# The repository root is the module customer_relationship, whatever the
# folder of the checkout is called: link it under that name.
link_addons() {
    mkdir -p "$BUILD/addons"
    ln -sfn "$ROOT" "$BUILD/addons/$MODULE"
}

# All the project's modules: the core and every plugin in addons/.
modules() {
    local mods=("$MODULE") m
    for m in "$ROOT"/addons/*/__manifest__.py; do
        [ -f "$m" ] && mods+=("$(basename "$(dirname "$m")")")
    done
    (IFS=,; echo "${mods[*]}")
}

# Modules that exist for the tests only (tests/addons/*): installed in the
# test database, never in the demo database.
test_modules() {
    local mods=() m
    for m in "$ROOT"/tests/addons/*/__manifest__.py; do
        [ -f "$m" ] && mods+=("$(basename "$(dirname "$m")")")
    done
    (IFS=,; echo "${mods[*]}")
}

# ---------------------------------------------------------------- postgresql
pg_env_file="$BUILD/pg.env"

# Where the project-local clusters live: PGBIN (server binaries), PG_BASE
# (pg/ holds the cluster, replica/ its standby) and PG_AS (the command prefix
# running the server's tools).
pg_layout() {
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$PGBIN" ] || die "no PostgreSQL server binaries found: install the postgresql package"
    PG_BASE="$BUILD"
    PG_AS=()
    if [ "$(id -u)" -eq 0 ]; then
        # the server refuses to run as root: run it as the postgres OS user,
        # somewhere that user can reach
        if ! runuser -u postgres -- test -x "$BUILD" 2>/dev/null; then
            PG_BASE="/var/tmp/customer-relationship-pg-$(echo "$ROOT" | sha1sum | cut -c1-8)"
        fi
        PG_AS=(runuser -u postgres --)
    fi
}

pg() {
    mkdir -p "$BUILD"
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && pg_isready -q -t 3; then
        say "using the PostgreSQL server named by the PG* variables"
        cat >"$pg_env_file" <<EOF
DB_HOST=${PGHOST:-localhost}
DB_PORT=${PGPORT:-5432}
DB_USER=${PGUSER:-$(id -un)}
DB_PASSWORD=${PGPASSWORD:-False}
EOF
        return 0
    fi
    pg_layout
    local pgbin=$PGBIN base=$PG_BASE/pg as=("${PG_AS[@]}")
    local data="$base/data"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "creating a project-local PostgreSQL cluster in $base"
        mkdir -p "$base"
        [ ${#as[@]} -eq 0 ] || chown postgres: "$base"
        "${as[@]}" "$pgbin/initdb" -D "$data" -U odoo --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
            || die "initdb failed, see $base/initdb.log"
    fi
    local port="$LOCAL_PGPORT" tries=0
    if "${as[@]}" "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        port=$(sed -n 4p "$data/postmaster.pid")  # already running: keep its port
    else
        # the next free port when another server holds this one; no JIT
        # compilation, which costs each large statement more than it gains;
        # WAL for a streaming replica (make replica), as PostgreSQL's defaults
        until "${as[@]}" "$pgbin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
            -o "-p $port -k $base -c listen_addresses=localhost -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c jit=off -c max_connections=200 -c wal_level=replica -c max_wal_senders=4" \
            start >/dev/null; do
            tries=$((tries + 1))
            [ $tries -lt 10 ] || die "PostgreSQL did not start, see $base/server.log"
            port=$((port + 1))
        done
    fi
    cat >"$pg_env_file" <<EOF
DB_HOST=localhost
DB_PORT=$port
DB_USER=odoo
DB_PASSWORD=False
PG_LOG=$base/server.log
EOF
}

# ---------------------------------------------------------------- config
config() {
    [ -f "$pg_env_file" ] || pg
    # shellcheck disable=SC1090
    . "$pg_env_file"
    local paths="$ODOO_SRC/addons,$BUILD/addons"
    if compgen -G "$ROOT/addons/*/__manifest__.py" >/dev/null; then
        paths="$paths,$ROOT/addons"
    fi
    if compgen -G "$ROOT/tests/addons/*/__manifest__.py" >/dev/null; then
        paths="$paths,$ROOT/tests/addons"
    fi
    cat >"$BUILD/odoo.cfg" <<EOF
[options]
addons_path = $paths
data_dir = $BUILD/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
admin_passwd = admin
http_port = ${HTTP_PORT:-8069}
without_demo = False
log_level = warn
EOF
}

odoo() {
    setup
    config
    exec "$VENV/bin/odoo" -c "$BUILD/odoo.cfg" "$@"
}

psql_() { PGDATABASE=postgres psql_db "$@"; }

psql_db() {
    # shellcheck disable=SC1090
    . "$pg_env_file"
    PGPASSWORD=${DB_PASSWORD/False/} psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" \
        -d "$PGDATABASE" -qAt "$@"
}

db_exists() { [ "$(psql_ -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

drop_db() {
    psql_ -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$BUILD/data/filestore/$1"
}

# Everything an install depends on: the modules' files (tests excepted),
# the module list and the Odoo source in use.
source_hash() {
    (
        cd "$ROOT"
        git ls-files -co --exclude-standard 2>/dev/null \
            | grep -Ev '(^|/)tests/[^/]*\.py$|(^|/)static/tests/|\.md$|^(tools|\.ci)/|^\.|^(Makefile|pyproject\.toml|prettier\.config\.cjs)$|^(addons/[^/]+/)?bench\.py$' \
            | sort | while read -r f; do [ -f "$f" ] && sha1sum "$f"; done
        modules
        echo "$ODOO_SRC"
    ) | sha1sum | cut -c1-16
}

# A fresh test database: copied from a template that holds every module with
# demo data, rebuilt only when the modules' files changed.
testdb() {
    setup
    pg
    config
    local tpl="${TEST_DB}_template" hash mods
    hash=$(source_hash)
    mods=$(modules)
    [ -z "$(test_modules)" ] || mods="$mods,$(test_modules)"
    if ! db_exists "$tpl" || [ "$(cat "$BUILD/$tpl.hash" 2>/dev/null)" != "$hash" ]; then
        say "installing $mods with demo data into $tpl"
        drop_db "$tpl"
        rm -f "$BUILD/$tpl.hash"
        "$VENV/bin/odoo" -c "$BUILD/odoo.cfg" -d "$tpl" -i "$mods" --stop-after-init \
            --log-level=warn || die "installing the modules failed"
        echo "$hash" >"$BUILD/$tpl.hash"
    fi
    drop_db "$TEST_DB"
    psql_ -c "CREATE DATABASE \"$TEST_DB\" TEMPLATE \"$tpl\"" >/dev/null
    if [ -d "$BUILD/data/filestore/$tpl" ]; then
        mkdir -p "$BUILD/data/filestore"
        cp -a "$BUILD/data/filestore/$tpl" "$BUILD/data/filestore/$TEST_DB"
    fi
}

demodb() {
    setup
    pg
    config
    local mods
    mods=$(modules)
    if db_exists "$DEMO_DB"; then
        # -i only what the database lacks: -i on an installed module
        # initialises it again (and would load its demo data twice)
        local installed missing=() m
        installed=$(PGDATABASE=$DEMO_DB psql_db -c \
            "SELECT name FROM ir_module_module WHERE state = 'installed'")
        for m in ${mods//,/ }; do
            grep -qx "$m" <<<"$installed" || missing+=("$m")
        done
        say "updating $mods in $DEMO_DB${missing[*]:+, installing ${missing[*]}}"
        local args=(-u "$mods")
        [ ${#missing[@]} -eq 0 ] || args+=(-i "$(IFS=,; echo "${missing[*]}")")
        "$VENV/bin/odoo" -c "$BUILD/odoo.cfg" -d "$DEMO_DB" "${args[@]}" --stop-after-init
    else
        say "creating $DEMO_DB with $mods and demo data"
        "$VENV/bin/odoo" -c "$BUILD/odoo.cfg" -d "$DEMO_DB" -i "$mods" --stop-after-init
    fi
}

# Translation templates (i18n/<module>.pot) of every module of the project.
# Odoo's exporter walks the module folder following links; the core's folder
# is the repository root, which also holds .venv/ and .build/, so the core is
# exported from a copy of its tracked files.
pot() {
    setup
    pg
    config
    local db=${1:-$TEST_DB} clean="$BUILD/i18n-addons" m
    rm -rf "$clean"
    mkdir -p "$clean/$MODULE"
    (cd "$ROOT" && git ls-files -co --exclude-standard | grep -v '^addons/' \
        | while read -r f; do [ -f "$f" ] && echo "$f"; done \
        | xargs cp --parents -t "$clean/$MODULE")
    local paths="$ODOO_SRC/addons,$clean"
    compgen -G "$ROOT/addons/*/__manifest__.py" >/dev/null && paths="$paths,$ROOT/addons"
    compgen -G "$ROOT/tests/addons/*/__manifest__.py" >/dev/null && paths="$paths,$clean/$MODULE/tests/addons"
    for m in $(modules | tr , ' '); do
        local dir="$ROOT"
        [ "$m" = "$MODULE" ] || dir="$ROOT/addons/$m"
        mkdir -p "$dir/i18n"
        "$VENV/bin/odoo" -c "$BUILD/odoo.cfg" --addons-path="$paths" -d "$db" \
            --i18n-export="$dir/i18n/$m.pot" --modules="$m" --stop-after-init --log-level=warn
        say "wrote $dir/i18n/$m.pot"
    done
}

# ---------------------------------------------------------------- replica
# A streaming replica of the project cluster (hot standby, read-only), made
# by pg_basebackup -R into <cluster base>/replica and started on the next
# free port; then Odoo on the demo database with --db_replica_host/port, and
# tools/replica_check.py showing that read-only calls run on the replica and
# writes on the primary. The standby is stopped at the end.
replica() {
    demodb
    config
    # shellcheck disable=SC1090
    . "$pg_env_file"
    [ -n "${PG_LOG:-}" ] || die "make replica needs the project-local cluster (no PG* variables)"
    pg_layout
    local as=("${PG_AS[@]}") rbase="$PG_BASE/replica" level
    level=$(psql_ -c "SHOW wal_level")
    [ "$level" != minimal ] || die "the cluster runs with wal_level=minimal: stop it (pg_ctl -D $PG_BASE/pg/data stop) and run make replica again"
    [ "$(psql_ -c "SHOW max_wal_senders")" -gt 0 ] || die "the cluster has max_wal_senders=0"
    local hba="$PG_BASE/pg/data/pg_hba.conf"
    if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
        say "allowing local replication connections in $hba"
        echo "host replication all 127.0.0.1/32 trust" | "${as[@]}" tee -a "$hba" >/dev/null
        psql_ -c "SELECT pg_reload_conf()" >/dev/null
    fi
    replica_stop
    rm -rf "$rbase"
    mkdir -p "$rbase"
    [ ${#as[@]} -eq 0 ] || chown postgres: "$rbase"
    say "copying the cluster into $rbase (pg_basebackup)"
    "${as[@]}" "$PGBIN/pg_basebackup" -h localhost -p "$DB_PORT" -U "$DB_USER" -D "$rbase/data" \
        -R -X stream -c fast >"$rbase/basebackup.log" 2>&1 \
        || die "pg_basebackup failed, see $rbase/basebackup.log"
    local rport=$((DB_PORT + 1)) tries=0
    until "${as[@]}" "$PGBIN/pg_ctl" -D "$rbase/data" -l "$rbase/server.log" -w -t 120 \
        -o "-p $rport -k $rbase -c listen_addresses=localhost -c hot_standby=on -c jit=off -c max_connections=200" \
        start >/dev/null; do
        tries=$((tries + 1))
        [ $tries -lt 10 ] || die "the replica did not start, see $rbase/server.log"
        rport=$((rport + 1))
    done
    say "replica of localhost:$DB_PORT streaming on localhost:$rport"
    local port status=0
    port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$VENV/bin/odoo" -c "$BUILD/odoo.cfg" -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" \
        --http-port="$port" --max-cron-threads=0 --db_replica_host=localhost \
        --db_replica_port="$rport" --logfile="$rbase/odoo.log" --log-level=info &
    local odoo_pid=$!
    "$VENV/bin/python" "$ROOT/tools/replica_check.py" --url "http://127.0.0.1:$port" \
        --db "$DEMO_DB" --primary-port "$DB_PORT" --replica-port "$rport" --user "$DB_USER" \
        || status=$?
    kill "$odoo_pid" 2>/dev/null || true
    wait "$odoo_pid" 2>/dev/null || true
    replica_stop
    return $status
}

replica_stop() {
    pg_layout
    local data="$PG_BASE/replica/data"
    if [ -f "$data/postmaster.pid" ]; then
        "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
}

cmd=${1:-}
shift || true
case "$cmd" in
    setup) setup ;;
    pg) pg ;;
    config) setup; pg; config ;;
    testdb) testdb ;;
    demodb) demodb ;;
    modules) modules ;;
    pot) pot "$@" ;;
    odoo) odoo "$@" ;;
    replica) replica ;;
    *) die "usage: $0 setup|pg|config|testdb|demodb|modules|pot|replica|odoo [ARGS]" ;;
esac
