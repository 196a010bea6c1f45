# shellcheck shell=bash disable=SC2034  # sourced by scripts/*, which use MODULES and ODOO_CMD
# Shared setup for scripts/run and scripts/test: Odoo source, virtualenv, PostgreSQL.
# Every step checks first and does nothing when things are already in place.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo17}
VENV=${VENV:-$ROOT/.venv}
DATA_DIR=${DATA_DIR:-$ROOT/.data}
# odoo.conf ships safe defaults; point ODOO_CONF at a local copy to change them (README.md).
ODOO_CONF=$(realpath -m "${ODOO_CONF:-$ROOT/odoo.conf}")
DB_HOST=${DB_HOST:-localhost}
DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-odoo}
DB_PASSWORD=${DB_PASSWORD:-odoo}
MODULES=cold_call_phone,cold_call_audio,cold_call_dialer,mcube_integration,cold_call_dialer_mcube
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

ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
ODOO_ARCHIVE_URL=${ODOO_ARCHIVE_URL:-https://nightly.odoo.com/17.0/nightly/src/odoo_17.0.latest.tar.gz}

# The Odoo 17.0 source, downloaded into ODOO_SRC when that does not exist (or is an empty directory).
ensure_odoo_src() {
    if [ ! -e "$ODOO_SRC" ] || { [ -d "$ODOO_SRC" ] && [ -z "$(ls -A "$ODOO_SRC" 2>/dev/null)" ]; }; then
        fetch_odoo_src
    fi
    check_odoo_src
}

# The error a download tool reported (its last "fatal:"/"curl: (N)"/"wget:" line), without the tool's prefixes.
download_error() {
    local line
    line=$(grep -E '^(fatal|error): |^curl: \([0-9]+\) |^wget: |ERROR [0-9]+' "$1" 2>/dev/null | tail -n 1)
    [ -n "$line" ] || line=$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1)
    sed -E "s/^(fatal|error): //; s/^unable to access '[^']*': //; s/^curl: \([0-9]+\) //; s/^wget: //" <<<"${line:-unknown error}"
}

# A shallow clone of the official 17.0 branch, else the official 17.0 source archive. Both are downloaded
# into a temporary directory next to ODOO_SRC, removed on failure or interruption, and moved into place
# only when complete. Stalled transfers are abandoned after 20 s below 1 kB/s, connections after 10-20 s.
fetch_odoo_src() {
    local parent fix tmp src="" git_error archive_error
    parent=$(dirname "$ODOO_SRC")
    fix="set ODOO_SRC to an Odoo 17.0 source tree (a checkout of branch 17.0), or allow access to github.com or nightly.odoo.com so the scripts can download it"
    if ! { mkdir -p "$parent" 2>/dev/null && [ -w "$parent" ] &&
        tmp=$(mktemp -d "$parent/.$(basename "$ODOO_SRC").download.XXXXXX" 2>/dev/null); }; then
        die "no Odoo 17 source at '$ODOO_SRC', and it cannot be downloaded there ('$parent' is not writable): set ODOO_SRC to an Odoo 17.0 source tree, or to a new directory in a writable place."
    fi
    # shellcheck disable=SC2064  # expand $tmp now: the trap runs after this function returned
    trap "rm -rf -- '$tmp'" EXIT
    # shellcheck disable=SC2064
    trap "rm -rf -- '$tmp'; exit 130" INT TERM

    if ! command -v git >/dev/null; then
        git_error="git is not installed"
    else
        say "No Odoo source at '$ODOO_SRC': cloning branch 17.0 of $ODOO_GIT_URL (shallow, a few minutes)"
        if GIT_TERMINAL_PROMPT=0 timeout 20 git ls-remote --exit-code --heads "$ODOO_GIT_URL" 17.0 >/dev/null 2>"$tmp/git.log" &&
            GIT_TERMINAL_PROMPT=0 git -c http.lowSpeedLimit=1000 -c http.lowSpeedTime=20 \
                clone -q --depth 1 --single-branch --branch 17.0 "$ODOO_GIT_URL" "$tmp/src" 2>>"$tmp/git.log"; then
            src=$tmp/src
        else
            [ -s "$tmp/git.log" ] || echo "fatal: no answer within 20 s" >"$tmp/git.log"
            git_error=$(download_error "$tmp/git.log")
            rm -rf -- "$tmp/src"
        fi
    fi

    if [ -z "$src" ]; then
        say "Downloading the Odoo 17.0 source archive $ODOO_ARCHIVE_URL"
        local archive=$tmp/odoo.tar.gz fetched=false
        if command -v curl >/dev/null; then
            curl -fsSL --connect-timeout 10 --speed-limit 1000 --speed-time 20 -o "$archive" "$ODOO_ARCHIVE_URL" 2>"$tmp/archive.log" && fetched=true
        elif command -v wget >/dev/null; then
            wget -nv --connect-timeout=10 --read-timeout=20 --tries=2 -O "$archive" "$ODOO_ARCHIVE_URL" 2>"$tmp/archive.log" && fetched=true
        else
            echo "neither curl nor wget is installed" >"$tmp/archive.log"
        fi
        if $fetched && ! { mkdir "$tmp/unpacked" && tar -xzf "$archive" -C "$tmp/unpacked" 2>/dev/null; }; then
            echo "the downloaded file is not a readable .tar.gz archive" >"$tmp/archive.log"
        elif $fetched; then
            rm -f -- "$archive"
            src=$(find "$tmp/unpacked" -maxdepth 3 -path '*/odoo/release.py' -printf '%h\n' 2>/dev/null | head -n 1)
            src=${src%/odoo}
            # the archive is an sdist: its launcher may only be setup/odoo, the same script as odoo-bin
            if [ -n "$src" ] && [ ! -f "$src/odoo-bin" ] && [ -f "$src/setup/odoo" ]; then
                cp "$src/setup/odoo" "$src/odoo-bin"
            fi
            [ -n "$src" ] || echo "the archive holds no odoo/release.py" >"$tmp/archive.log"
        fi
        [ -n "$src" ] || archive_error=$(download_error "$tmp/archive.log")
    fi

    [ -n "$src" ] ||
        die "no Odoo 17 source at '$ODOO_SRC', and downloading it failed (git: ${git_error:-failed}; archive: ${archive_error:-failed}): $fix."
    mv -T -- "$src" "$ODOO_SRC" || die "cannot move the downloaded Odoo source to '$ODOO_SRC': $fix."
    rm -rf -- "$tmp"
    trap - EXIT INT TERM
    say "Odoo 17.0 source downloaded into '$ODOO_SRC'"
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

# sox reads recordings that are not WAV for transcription (MP3 through its format package); espeak-ng
# ("speech") speaks the calls of the tests and benchmarks.
ensure_audio_tools() {
    local packages=()
    command -v sox >/dev/null || packages+=(sox libsox-fmt-mp3)
    if [ "${1:-}" = speech ] && ! command -v espeak-ng >/dev/null; then
        packages+=(espeak-ng)
    fi
    [ ${#packages[@]} = 0 ] || apt_install "${packages[@]}"
}

pg_ready() { timeout 3 bash -c "exec 3<>/dev/tcp/$DB_HOST/$DB_PORT" 2>/dev/null; }

ensure_postgres() {
    if ! pg_ready && [[ "$DB_HOST" =~ ^(localhost|127\.0\.0\.1)$ ]] && command -v pg_ctlcluster >/dev/null; then
        say "Starting the local PostgreSQL cluster"
        local dir
        for dir in /etc/postgresql/*/; do
            [ -d "$dir" ] || continue
            pg_ctlcluster --skip-systemctl-redirect "$(basename "$dir")" main start >/dev/null 2>&1 || true
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
    [ -f "$ODOO_CONF" ] || die "no Odoo configuration file at '$ODOO_CONF': set ODOO_CONF to a copy of odoo.conf, or unset it."
    ODOO_CMD=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF"
        --addons-path="$ODOO_SRC/odoo/addons,$ROOT/addons" --data-dir="$DATA_DIR"
        --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD")
}

# What tests/odoo_server.py reads to start Odoo the way these scripts do.
export_odoo_env() {
    export ODOO_SRC ODOO_PYTHON="$VENV/bin/python" ODOO_CONF \
        ODOO_ADDONS_PATH="$ODOO_SRC/odoo/addons,$ROOT/addons" ODOO_DATA_DIR="$DATA_DIR"
}
