#!/usr/bin/env bash
# A full mesh of N meshsec daemons in network namespaces on one bridge, all configured from one
# mesh file and started at the same moment: the time until every pair has its IKE SA and Child SA
# pair up, the SAs each pair ends with (exactly one IKE SA and one Child SA pair is right), and
# the memory of each daemon. Prints a markdown summary.
#
#   sudo bench/mesh.sh [-n NODES] [-t TIMEOUT_SECONDS] [-j JAVA_HOME] [-o JVM_OPTIONS]
#
# Default 12 nodes, 180 s, the launcher's JDK, JVM options "-Xmx96m -Xss512k". Needs root and a
# build (mvn -B -DskipTests package). Removes everything it made on exit, also on Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
meshsec="$here/core/target/meshsec/bin/meshsec"
n=12
timeout=180
jdk=""
jopts="-Xmx96m -Xss512k"
while getopts "n:t:j:o:" o; do
  case "$o" in
    n) n="$OPTARG" ;;
    t) timeout="$OPTARG" ;;
    j) jdk="$OPTARG" ;;
    o) jopts="$OPTARG" ;;
    *) echo "usage: $0 [-n NODES] [-t TIMEOUT_SECONDS] [-j JAVA_HOME] [-o JVM_OPTIONS]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, TUN devices)" >&2; exit 2; }
[ -x "$meshsec" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
[ "$n" -ge 2 ] && [ "$n" -le 200 ] || { echo "-n must be 2..200" >&2; exit 2; }

tag="msm-$$"
work="$(mktemp -d /tmp/meshsec-mesh.XXXXXX)"
chmod 700 "$work"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  for i in $(seq "$n"); do ip netns del "$tag-$i" 2>/dev/null || true; done
  ip netns del "$tag-br" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

name() { printf 'n%03d' "$1"; }

# the bridge lives in its own namespace; node i is 192.0.2.i on it and owns 10.9.i.0/24
ip netns add "$tag-br"
ip -n "$tag-br" link add br0 type bridge
ip -n "$tag-br" link set br0 up
for i in $(seq "$n"); do
  ns="$tag-$i"
  ip netns add "$ns"
  ip link add u0 netns "$ns" type veth peer name "p$i" netns "$tag-br"
  ip -n "$tag-br" link set "p$i" master br0 up
  ip -n "$ns" addr add "192.0.2.$i/24" dev u0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set u0 up
done

secret=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
{
  cat <<MESH
[mesh]
auth = "psk"
psk = "mesh"
mode = "tunnel"

[defaults]
ike = ["aes128gcm16-prfsha256-x25519"]
esp = ["aes128gcm16"]
MESH
  for i in $(seq "$n"); do
    printf '\n[[node]]\nname = "%s"\naddress = "192.0.2.%d"\nprefixes = ["10.9.%d.0/24"]\n' \
      "$(name "$i")" "$i" "$i"
  done
} >"$work/mesh.toml"
printf '[keys]\nmesh = "0x%s"\n' "$secret" >"$work/secrets.toml"
chmod 600 "$work/secrets.toml"
for i in $(seq "$n"); do
  cat >"$work/$(name "$i").toml" <<NODE
[node]
name = "$(name "$i")"
secrets = "secrets.toml"

[tun]
name = "ms0"
addresses = ["10.9.$i.1/24"]
routes = ["10.9.0.0/16"]

[listen]
address = ["192.0.2.$i"]

[mesh]
file = "mesh.toml"
NODE
done
"$meshsec" check-config "$work/$(name 1).toml" >/dev/null

# start every daemon at once
t0=$(date +%s.%N)
for i in $(seq "$n"); do
  MESHSEC_JAVA="${jdk:+$jdk/bin/java}" MESHSEC_JAVA_OPTS="$jopts" MESHSEC_LOG_LEVEL=warn \
    ip netns exec "$tag-$i" "$meshsec" run --config "$work/$(name "$i").toml" \
    --socket "$work/$i.sock" >"$work/$i.log" 2>&1 &
  pids+=($!)
done

# Established IKE SAs with at least one installed Child SA, per node, from `ike list --json`.
up_count() {
  "$meshsec" ike list --json --socket "$work/$1.sock" 2>/dev/null |
    python3 -c 'import json,sys
try:
    sas = json.load(sys.stdin)
except Exception:
    print(0); sys.exit()
print(len({s["peer"] for s in sas if s["state"] == "ESTABLISHED" and s["children"]}))' ||
    echo 0
}
want=$((n - 1))
all_up=""
while :; do
  now=$(date +%s.%N)
  done_nodes=0
  for i in $(seq "$n"); do
    [ -S "$work/$i.sock" ] || continue
    c=$(up_count "$i")
    [ "$c" -ge "$want" ] && done_nodes=$((done_nodes + 1))
  done
  if [ "$done_nodes" -eq "$n" ]; then
    all_up=$(python3 -c "print(f'{$now - $t0:.1f}')")
    break
  fi
  if python3 -c "import sys; sys.exit(0 if $now - $t0 > $timeout else 1)"; then
    echo "not all pairs up after $timeout s ($done_nodes of $n nodes complete)" >&2
    break
  fi
  sleep 1
done
sleep 5 # anything still racing (duplicate IKE SAs, a second Child SA) shows up by now

# SAs per pair, counted on both ends
python3 - "$work" "$n" "$meshsec" <<'PY' >"$work/pairs.txt"
import json, subprocess, sys, collections
work, n, meshsec = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ike = collections.Counter()
child = collections.Counter()
for i in range(1, n + 1):
    me = "n%03d" % i
    out = subprocess.run([meshsec, "ike", "list", "--json", "--socket", f"{work}/{i}.sock"],
                         capture_output=True, text=True).stdout
    try:
        sas = json.loads(out)
    except ValueError:
        sas = []
    for s in sas:
        if s["state"] not in ("ESTABLISHED", "REKEYING"):
            continue
        pair = tuple(sorted((me, s["peer"])))
        ike[pair] += 1
        child[pair] += len([c for c in s["children"] if c["state"] in ("INSTALLED", "REKEYING")])
pairs = n * (n - 1) // 2
exact = sum(1 for p in ike if ike[p] == 2 and child[p] == 2)
dup_ike = sum(1 for p in ike if ike[p] > 2)
dup_child = sum(1 for p in ike if child[p] > 2)
missing = pairs - len(ike)
print(f"{pairs} {exact} {dup_ike} {dup_child} {missing}")
PY
read -r pairs exact dup_ike dup_child missing <"$work/pairs.txt"

java_bin=$(readlink -f "/proc/$(ip netns pids "$tag-1" | head -1)/exe")
rss=()
for i in $(seq "$n"); do
  p=$(ip netns pids "$tag-$i" | head -1)
  rss+=("$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)")
done
read -r rss_min rss_med rss_max < <(python3 -c 'import statistics,sys
v = sorted(int(x) / 1024 for x in sys.argv[1:])
print(f"{v[0]:.0f} {statistics.median(v):.0f} {v[-1]:.0f}")' "${rss[@]}")

jv=$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')
echo "mesh of $n daemons ($((n * (n - 1) / 2)) pairs), one mesh file, IKEv2 PSK, started at once;"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), JDK $jv, JVM options '$jopts', $(date -u '+%F %H:%M UTC')"
echo
echo "| nodes | pairs | all pairs up after | pairs with exactly 1 IKE SA + 1 Child pair | pairs with duplicate IKE SAs | pairs with extra Child SAs | pairs missing | RSS per daemon min / median / max |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
echo "| $n | $pairs | ${all_up:-not within ${timeout} s} s | $exact | $dup_ike | $dup_child | $missing | $rss_min / $rss_med / $rss_max MB |"
