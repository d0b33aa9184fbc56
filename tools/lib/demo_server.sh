# Sourced by the server benchmarks (tools/bench_queries, tools/bench_appends): starts
# `hatchery serve` on a fresh demo store of 400 carriers, and stops it and removes the store on exit.
# All its load comes from one address, whose connections may all be new at once: the cap on
# connections waiting to authenticate from one address is raised to 128.
#   start_demo_server BUILD_DIR PORT [SERVE_FLAGS...]
# sets `token` (an admin token) and defines `load CONNECTIONS MIX SECONDS [PIPELINE]`, which runs
# tools/loadgen against the server and prints its last line.
start_demo_server() {
  build=$1
  port=$2
  shift 2
  for program in hatchery tools/loadgen; do
    [ -x "$build/$program" ] || { echo "$0: no $build/$program; run tools/build" >&2; exit 1; }
  done
  scratch=$(mktemp -d)
  server=""
  trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; wait; rm -rf "$scratch"' EXIT
  "$build/hatchery" demo --carriers 400 --data "$scratch/store" >/dev/null
  token=$("$build/hatchery" token add --tokens "$scratch/tokens" --actor bench --role admin |
    grep -o 'htk_[0-9a-f]*')
  "$build/hatchery" serve --data "$scratch/store" --tokens "$scratch/tokens" \
    --listen "127.0.0.1:$port" --log-level warn --max-unauthenticated-per-address 128 "$@" \
    >"$scratch/serve.out" &
  server=$!
  # Listening once it says so (its start folds the store, which takes longer as the store grows).
  until grep -q '^hatchery: serving' "$scratch/serve.out"; do
    kill -0 "$server" 2>/dev/null || { echo "$0: the server did not start" >&2; exit 1; }
    sleep 0.2
  done
}

load() {  # CONNECTIONS MIX SECONDS [PIPELINE]
  "$build/tools/loadgen" --connect "127.0.0.1:$port" --token "$token" --connections "$1" \
    --mix "$2" --seconds "$3" --pipeline "${4:-1}" | tail -n 1
}
