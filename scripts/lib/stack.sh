# Shared by scripts/run and scripts/test: install what is missing, start private PostgreSQL and Redis servers.
# Sourced, not run. Functions log to stderr so their stdout can carry values.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

log() { printf '[slices] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs redis-server and the PostgreSQL 15 server (and nodejs, with NEED_NODE=1) when the machine lacks them
# (Debian 12; root or sudo).
ensure_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ "${NEED_NODE:-0}" = 1 ]; then command -v node >/dev/null 2>&1 || missing+=(nodejs); fi
  [ -x "$PG_BIN/postgres" ] || missing+=(postgresql-15)
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is not on PATH"
  if [ ${#missing[@]} -eq 0 ]; then ensure_postgres_user; return 0; fi
  log "installing ${missing[*]} (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # The Debian package starts its own cluster and server; ours are private, so stop the system ones.
  if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then as_root pg_ctlcluster 15 main stop >/dev/null 2>&1 || true; fi
  if [[ " ${missing[*]} " == *" redis-server "* ]]; then as_root service redis-server stop >/dev/null 2>&1 || true; fi
  ensure_postgres_user
}

ensure_postgres_user() {
  id postgres >/dev/null 2>&1 || as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a port that nothing listens on, between 20000 and the kernel's ephemeral range: a port inside that range can
# be taken as the local port of some outgoing connection between this check and the server's bind (it happened once:
# Redis could not bind its port at the start of scripts/test).
free_port() {
  local port low=20000 high=32767 ephemeral
  if read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null && [ "$ephemeral" -gt $((low + 1000)) ]; then
    high=$((ephemeral - 1))
  fi
  for _ in $(seq 1 200); do
    port=$(( low + RANDOM % (high - low + 1) ))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  die "no free port found"
}

# pg_init DIR: a new cluster owned by the postgres user (PostgreSQL refuses to run as root).
pg_init() {
  local dir=$1
  mkdir -p "$dir"
  chown postgres: "$dir"
  chmod 700 "$dir"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-instructions ${PG_INIT_EXTRA:-} >/dev/null \
    || die "initdb failed in $dir"
}

# pg_start DIR PORT [extra postgres options]: listens on 127.0.0.1 and a socket inside DIR only.
pg_start() {
  local dir=$1 port=$2; shift 2
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir $*" start >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start"; }
}

pg_stop() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
}

pg_running() { [ -f "$1/postmaster.pid" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# psql_admin PORT SQL...: runs SQL as the superuser over loopback.
psql_admin() {
  local port=$1; shift
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@" >/dev/null
}

# The owner role runs migrations; slices_app is what the API logs in as: it owns nothing and cannot bypass RLS.
pg_create_roles() {
  local port=$1
  psql_admin "$port" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'slices_owner') THEN
    CREATE ROLE slices_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'slices_app') THEN
    CREATE ROLE slices_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END
$$;
SQL
}

# redis_start PORT DIR [extra redis-server options]: in the background, bound to loopback, pid file in DIR.
redis_start() {
  local port=$1 dir=$2; shift 2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "$@" >/dev/null || die "redis-server did not start"
  for _ in $(seq 1 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2
  die "Redis did not answer on port $port"
}

redis_stop() {
  local dir=$1
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}
