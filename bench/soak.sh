#!/usr/bin/env bash
# Soak: two meshsec nodes negotiating IKEv2 in network namespaces for an hour (not in CI), with
# pings through the tunnel all along, an IKE rekey every minute (Child SAs rekey on their own about
# every minute: esp_lifetime 80 s, margin 15 s), and every five minutes a restart of node b and a
# reload of node a. Every SAMPLE seconds it writes one CSV line per node: RSS, Java heap in use
# (jcmd GC.heap_info), threads, open file descriptors, IKE SAs and Child SAs (from the control
# socket). At the end it prints a summary: first/last/min/max per node and metric after a warm-up,
# so a leak shows as last >> first.
#
#   sudo bench/soak.sh [-d SECONDS] [-s SAMPLE] [-r REKEY] [-p RESTART] [-o CSV]
#
# Defaults: 3600 s, a sample every 10 s, IKE rekey every 60 s, restart/reload every 300 s,
# CSV in bench/results/soak-<UTC time>.csv (gitignored). Needs root, iproute2, ping, jcmd, python3
# and a build (mvn -DskipTests package). Everything it creates is removed on exit, also on Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/core/target/meshsec/bin/meshsec"
duration=3600
sample=10
rekey=60
restart=300
csv=""
while getopts "d:s:r:p:o:" o; do
  case "$o" in
    d) duration="$OPTARG" ;;
    s) sample="$OPTARG" ;;
    r) rekey="$OPTARG" ;;
    p) restart="$OPTARG" ;;
    o) csv="$OPTARG" ;;
    *) echo "usage: $0 [-d SECONDS] [-s SAMPLE] [-r REKEY] [-p RESTART] [-o CSV]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, TUN devices)" >&2; exit 2; }
for c in ping jcmd python3 ip; do
  command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
if [ -z "$csv" ]; then
  mkdir -p "$here/bench/results"
  csv="$here/bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ).csv"
fi

tag="mss-$$"
A="$tag-a"; B="$tag-b"; work="$(mktemp -d /tmp/meshsec-soak.XXXXXX)"
declare -A pid
ping_pid=""
cleanup() {
  [ -n "$ping_pid" ] && kill "$ping_pid" 2>/dev/null || true
  for n in a b; do [ -n "${pid[$n]:-}" ] && kill "${pid[$n]}" 2>/dev/null || true; done
  sleep 1
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$A"; ip netns add "$B"
ip link add ul0 netns "$A" type veth peer name ul0 netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev ul0; ip -n "$B" addr add 192.0.2.2/24 dev ul0
for n in "$A" "$B"; do ip -n "$n" link set lo up; ip -n "$n" link set ul0 up; done

psk=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '[keys]\nshared = "%s"\n' "$psk" > "$work/secrets.toml"
chmod 600 "$work/secrets.toml"

node_conf() { # name self peer lan far start_action
  cat <<CONF
[node]
name = "$1"
secrets = "secrets.toml"
address = "$2"
[tun]
name = "ms0"
addresses = ["$4.1/24"]
routes = ["$5.0/24"]
[listen]
address = ["$2"]
[[peer]]
name = "peer"
address = "$3"
auth = "psk"
psk = "shared"
ike_lifetime = "10m"
ike_rekey_margin = "2m"
esp_lifetime = "80s"
esp_rekey_margin = "15s"
dpd_delay = "10s"
start_action = "$6"
[[policy]]
name = "lan"
direction = "both"
src = "$4.0/24"
dst = "$5.0/24"
action = "protect"
ike = "peer"
CONF
}
node_conf a 192.0.2.1 192.0.2.2 10.77.0 10.77.1 start > "$work/a.toml"
node_conf b 192.0.2.2 192.0.2.1 10.77.1 10.77.0 trap > "$work/b.toml"

start_node() { # name
  local n=$1 ns
  [ "$n" = a ] && ns="$A" || ns="$B"
  MESHSEC_LOG_LEVEL=info ip netns exec "$ns" "$bin" run --config "$work/$n.toml" \
    --socket "$work/$n.sock" >> "$work/$n.log" 2>&1 &
  pid[$n]=$!
  for _ in $(seq 1 150); do
    [ -S "$work/$n.sock" ] && grep -q "ready" "$work/$n.log" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "node $n did not start:" >&2; tail -20 "$work/$n.log" >&2; exit 1
}

# One control request over the daemon's socket (JSON line in, JSON answer out) without a CLI JVM.
control() { # name request-json
  python3 - "$work/$1.sock" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
try:
    s.connect(sys.argv[1])
    s.sendall(sys.argv[2].encode() + b"\n")
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    print(out.decode(errors="replace"))
except OSError as e:
    print('{"error":"%s"}' % e)
PY
}

count() { # text needle
  local c
  c=$(grep -o "$2" <<<"$1" | wc -l) || true
  echo "${c:-0}"
}

heap_kb() { # pid
  jcmd "$1" GC.heap_info 2>/dev/null | awk '
    /used [0-9]+K/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub("K", "", v); s += v } }
    END { print (s == "" ? -1 : s) }' || echo -1
}

sample_node() { # name t
  local n=$1 t=$2 p=${pid[$1]} rss thr fds heap ike child
  if ! kill -0 "$p" 2>/dev/null; then
    echo "$t,$n,$p,-1,-1,-1,-1,-1,-1" >> "$csv"; return
  fi
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo -1)
  thr=$(awk '/^Threads:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo -1)
  fds=$(ls "/proc/$p/fd" 2>/dev/null | wc -l)
  heap=$(heap_kb "$p")
  ike=$(count "$(control "$n" '{"command":"ike-list","json":true}')" '"spi_i"')
  child=$(count "$(control "$n" '{"command":"sa-list","json":true}')" '"spi"')
  echo "$t,$n,$p,$rss,$heap,$thr,$fds,$ike,$child" >> "$csv"
}

echo "t_s,node,pid,rss_kb,heap_used_kb,threads,fds,ike_sas,child_sas" > "$csv"
start_node b
start_node a
# ends by itself at the end of the run and prints its summary (a background job ignores SIGINT)
ip netns exec "$A" ping -q -i 0.2 -w "$duration" 10.77.1.1 > "$work/ping.log" 2>&1 &
ping_pid=$!
echo "soak: ${duration}s, CSV $csv, work dir $work" >&2

t0=$(date +%s)
next_sample=0; next_rekey=$rekey; next_restart=$restart
restarts=0; reloads=0; rekeys=0
while :; do
  t=$(( $(date +%s) - t0 ))
  [ "$t" -ge "$duration" ] && break
  if [ "$t" -ge "$next_rekey" ]; then
    control a '{"command":"rekey","peer":"peer","timeoutMillis":8000,"json":false}' >/dev/null
    rekeys=$((rekeys + 1)); next_rekey=$((next_rekey + rekey))
  fi
  if [ "$t" -ge "$next_restart" ]; then
    kill "${pid[b]}"; wait "${pid[b]}" 2>/dev/null || true
    rm -f "$work/b.sock"
    start_node b
    control a '{"command":"reload","json":false}' >/dev/null
    restarts=$((restarts + 1)); reloads=$((reloads + 1)); next_restart=$((next_restart + restart))
  fi
  if [ "$t" -ge "$next_sample" ]; then
    sample_node a "$t"; sample_node b "$t"
    next_sample=$((next_sample + sample))
  fi
  sleep 1
done
wait "$ping_pid" 2>/dev/null || true; ping_pid=""

echo
echo "soak done: $duration s, $rekeys IKE rekeys requested, $restarts restarts of b, $reloads reloads of a"
echo "ping: $(grep -E 'transmitted' "$work/ping.log" || echo 'no summary')"
echo "log lines: a $(wc -l < "$work/a.log") (WARN/ERROR $(grep -c -E 'WARN|ERROR' "$work/a.log" || true)),"\
  "b $(wc -l < "$work/b.log") (WARN/ERROR $(grep -c -E 'WARN|ERROR' "$work/b.log" || true))"
echo "peer dead events: a $(grep -c 'peer dead' "$work/a.log" || true), b $(grep -c 'peer dead' "$work/b.log" || true)"
echo
# Summary after a warm-up of a fifth of the run (JIT, first SAs): first, last, min, max per metric
# over every process of the node (b is restarted: "processes" counts them).
python3 - "$csv" "$duration" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
warm = int(sys.argv[2]) // 5
metrics = ["rss_kb", "heap_used_kb", "threads", "fds", "ike_sas", "child_sas"]
print("| node | metric | first | last | min | max | processes |")
print("|---|---|---:|---:|---:|---:|---:|")
for node in ("a", "b"):
    rs = [r for r in rows if r["node"] == node and int(r["t_s"]) >= warm and int(r["rss_kb"]) >= 0]
    if not rs:
        print(f"| {node} | (no samples) | | | | | |")
        continue
    for m in metrics:
        v = [int(r[m]) for r in rs]
        procs = len({r["pid"] for r in rs})
        print(f"| {node} | {m} | {v[0]} | {v[-1]} | {min(v)} | {max(v)} | {procs} |")
PY
echo
echo "CSV: $csv"
