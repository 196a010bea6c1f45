# Shared setup for scripts/run and scripts/test: Odoo source, virtualenv, PostgreSQL.
# Every step checks first and does nothing when things are already in place.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo17}
VENV=${VENV:-$ROOT/.venv}
DATA_DIR=${DATA_DIR:-$ROOT/.data}
DB_HOST=${DB_HOST:-localhost}
DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-odoo}
DB_PASSWORD=${DB_PASSWORD:-odoo}
MODULES=cold_call_dialer,mcube_integration
export PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=$DB_USER PGPASSWORD=$DB_PASSWORD

die() { echo "error: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
    is_root || die "missing system packages ($*): install them with 'sudo apt-get install $*'."
    command -v apt-get >/dev/null || die "missing system packages ($*) and no apt-get here: install them with your package manager."
    say "Installing $* (apt-get)"
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
        apt-get update -qq >/dev/null
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

check_odoo_src() {
    [ -f "$ODOO_SRC/odoo/release.py" ] && [ -f "$ODOO_SRC/odoo-bin" ] ||
        die "no Odoo 17 source at '$ODOO_SRC': set ODOO_SRC to an Odoo 17.0 source tree (a checkout of branch 17.0)."
    grep -q "^version_info = (17, 0" "$ODOO_SRC/odoo/release.py" ||
        die "the Odoo source at '$ODOO_SRC' is not version 17.0: point ODOO_SRC at an Odoo 17.0 source tree."
}

pick_python() {
    for py in python3.11 python3.10 python3; do
        if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 10), (3, 11)))'; then
            echo "$py"; return
        fi
    done
    die "Odoo 17 needs Python 3.10 or 3.11: install one of them (e.g. 'apt-get install python3.11 python3.11-venv python3.11-dev')."
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha" want
    want=$( (cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt"; echo "$ODOO_SRC") | sha256sum | cut -c1-16)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    command -v pg_config >/dev/null || apt_install libpq-dev
    local py; py=$(pick_python)
    say "Creating the virtualenv in $VENV (first run takes a few minutes)"
    "$py" -m venv "$VENV"
    local log="$VENV/install.log"
    # python-ldap needs LDAP headers and only serves the auth_ldap module, which the suite does not use.
    grep -iv '^python-ldap' "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
    {
        "$VENV/bin/pip" install --upgrade pip wheel "setuptools<70" &&
        "$VENV/bin/pip" install -r "$VENV/odoo-requirements.txt" &&
        # compat mode keeps odoo/addons a plain path, so addon wheels (queue_job) extend the namespace.
        "$VENV/bin/pip" install -e "$ODOO_SRC" --config-settings editable_mode=compat &&
        "$VENV/bin/pip" install -r "$ROOT/requirements.txt"
    } >"$log" 2>&1 || die "installing the Python requirements failed: see $log."
    echo "$want" > "$stamp"
}

pg_ready() { timeout 3 bash -c "exec 3<>/dev/tcp/$DB_HOST/$DB_PORT" 2>/dev/null; }

ensure_postgres() {
    if ! pg_ready && [[ "$DB_HOST" =~ ^(localhost|127\.0\.0\.1)$ ]] && command -v pg_ctlcluster >/dev/null; then
        say "Starting the local PostgreSQL cluster"
        local version
        for version in $(ls /etc/postgresql 2>/dev/null); do
            pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
        done
        for _ in $(seq 20); do pg_ready && break; sleep 0.5; done
    fi
    pg_ready || die "PostgreSQL is not reachable at $DB_HOST:$DB_PORT: install and start it ('apt-get install postgresql'), or set DB_HOST and DB_PORT to a running server."
    command -v psql >/dev/null || apt_install postgresql-client
    if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        say "Creating the PostgreSQL role '$DB_USER'"
        local sql="CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
        psql -U postgres -d postgres -qc "$sql" 2>/dev/null ||
            { is_root && runuser -u postgres -- psql -h "$DB_HOST" -p "$DB_PORT" -d postgres -qc "$sql" 2>/dev/null; } ||
            die "cannot log in to PostgreSQL as '$DB_USER': create that role ('createuser --createdb --pwprompt $DB_USER' as the postgres user) or set DB_USER and DB_PASSWORD."
    fi
}

db_exists() { [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

# The Odoo command line for this machine; odoo.conf holds what is the same everywhere.
odoo_cmd() {
    ODOO_CMD=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ROOT/odoo.conf"
        --addons-path="$ODOO_SRC/odoo/addons,$ROOT/addons" --data-dir="$DATA_DIR"
        --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD")
}

# What tests/odoo_server.py reads to start Odoo the way these scripts do.
export_odoo_env() {
    export ODOO_SRC ODOO_PYTHON="$VENV/bin/python" ODOO_CONF="$ROOT/odoo.conf" \
        ODOO_ADDONS_PATH="$ODOO_SRC/odoo/addons,$ROOT/addons" ODOO_DATA_DIR="$DATA_DIR"
}
