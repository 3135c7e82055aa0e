#!/usr/bin/env bash
# End-to-end throughput: TCP (iperf3) through two meshsec nodes in network namespaces, against the
# same transfer over the bare veth underlay, measured in the same run. Prints a markdown table.
#
#   sudo bench/e2e.sh [-t SECONDS] [-j JAVA_HOME]... [-s SUITE]... [-v VARIANT]... [-P STREAMS]
#
# VARIANT adds a [datapath] table to both nodes (docs/configuration.md) as comma-separated
# key=value pairs, e.g. -v default -v decrypt_workers=2 -v udp_transport=io_uring; "default" (the
# only variant when none is given) has no table. Keys starting with "tun." go to the [tun] table
# (tun.queues=1,tun.offload=false) and keys starting with "jvm." become JVM system properties
# (jvm.meshsec.udp.gso=false), so the data path's steps can be switched off one by one. STREAMS is iperf3's -P (default 1).
#
# Each configuration gets two transfers on the same two daemons: the first ("cold") runs while the
# JVMs' JIT compilers are still at work on the data path (on two cores they take several CPU
# seconds from the nodes: `jstat -compiler` counts about 1,700 compilations and 6 s of compile time
# in a node during the first 8 s transfer, about 100 during the second, almost none after), the
# second ("warm") is the steady state a long-running daemon sees; CPU is measured over the warm one.
#
# Defaults: 10 s per transfer, suites aes128gcm16 and aes128-sha256, JDKs: the default java and
# /usr/lib/jvm/temurin-25-jdk-amd64 if present. Needs root, iproute2 and iperf3, and a build
# (mvn -DskipTests package). Everything it creates is removed on exit, also on Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
lib="$here/core/target/meshsec/lib"
secs=10
jdks=()
suites=()
variants=()
streams=1
while getopts "t:j:s:v:P:" o; do
  case "$o" in
    t) secs="$OPTARG" ;;
    j) jdks+=("$OPTARG") ;;
    s) suites+=("$OPTARG") ;;
    v) variants+=("$OPTARG") ;;
    P) streams="$OPTARG" ;;
    *) echo "usage: $0 [-t SECONDS] [-j JAVA_HOME]... [-s SUITE]... [-v VARIANT]... [-P STREAMS]" >&2; exit 2 ;;
  esac
done
[ "${#suites[@]}" -gt 0 ] || suites=(aes128gcm16 aes128-sha256)
[ "${#variants[@]}" -gt 0 ] || variants=(default)
if [ "${#jdks[@]}" -eq 0 ]; then
  jdks=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && jdks+=(/usr/lib/jvm/temurin-25-jdk-amd64)
fi
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, TUN devices)" >&2; exit 2; }
command -v iperf3 >/dev/null || { echo "needs iperf3 (apt-get install iperf3)" >&2; exit 2; }
[ -d "$lib" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }

tag="msb-$$"
A="$tag-a"; B="$tag-b"; work="$(mktemp -d /tmp/meshsec-e2e.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$A"; ip netns add "$B"
ip link add ul0 netns "$A" type veth peer name ul0 netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev ul0; ip -n "$B" addr add 192.0.2.2/24 dev ul0
for n in "$A" "$B"; do ip -n "$n" link set lo up; ip -n "$n" link set ul0 up; done

# key: 20 bytes for GCM-128 (+salt), 48 for AES-128-CBC + HMAC-SHA-256
key() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
keylen() { case "$1" in aes128gcm16) echo 20;; aes256gcm16) echo 36;; chacha20poly1305) echo 36;;
  aes128-sha256) echo 48;; aes256-sha256) echo 64;; *) echo "unknown suite $1" >&2; exit 2;; esac; }

node_conf() { # name self peer lan far spiOut spiIn keyOut keyIn suite
  cat <<CONF
[node]
name = "$1"
secrets = "secrets.toml"
address = "$2"
[tun]
name = "ms0"
addresses = ["$4.1/24"]
routes = ["$5.0/24"]
$tunextra
[listen]
address = ["$2"]
[[policy]]
name = "p"
direction = "both"
src = "$4.0/24"
dst = "$5.0/24"
action = "protect"
peer = "$3"
esp = "${10}"
[[sa]]
name = "o"
spi = "$6"
direction = "out"
policy = "p"
key = "$8"
[[sa]]
name = "i"
spi = "$7"
direction = "in"
policy = "p"
key = "$9"
CONF
}

toml_kv() { # key=value -> a TOML line (numbers and booleans bare, the rest quoted)
  case "${1#*=}" in
    true|false) echo "${1%%=*} = ${1#*=}" ;;
    *[!0-9]*) echo "${1%%=*} = \"${1#*=}\"" ;;
    *) echo "${1%%=*} = ${1#*=}" ;;
  esac
}

datapath_toml() { # VARIANT -> a [datapath] table, or nothing for "default"
  [ "$1" = default ] && return 0
  local kv head=0
  for kv in ${1//,/ }; do
    case "$kv" in tun.*|jvm.*) continue ;; esac
    [ $head = 1 ] || { echo "[datapath]"; head=1; }
    toml_kv "$kv"
  done
}

tun_toml() { # VARIANT -> the lines its tun.* keys add to [tun]
  local kv
  for kv in ${1//,/ }; do
    case "$kv" in tun.*) toml_kv "${kv#tun.}" ;; esac
  done
}

jvm_opts() { # VARIANT -> -Dkey=value for its jvm.* keys
  local kv out=""
  for kv in ${1//,/ }; do
    case "$kv" in jvm.*) out="$out -D${kv#jvm.}" ;; esac
  done
  echo "$out"
}

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

iperf() { # namespace-of-client target -> Mbit/s
  ip netns exec "$B" iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
  sleep 0.5
  ip netns exec "$1" iperf3 -c "$2" -p 5201 -t "$secs" -P "$streams" -J 2>/dev/null |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))'
}

hz=$(getconf CLK_TCK)
echo "| JDK | suite | datapath | cold Mbit/s | tunnel Mbit/s | bare veth Mbit/s | ratio | CPU node a | CPU node b |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
for jdk in "${jdks[@]}"; do
  jv=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')
  for suite in "${suites[@]}"; do
  for variant in "${variants[@]}"; do
    l=$(keylen "$suite")
    printf '[keys]\nab = "%s"\nba = "%s"\n' "$(key "$l")" "$(key "$l")" > "$work/secrets.toml"
    chmod 600 "$work/secrets.toml"
    tunextra=$(tun_toml "$variant")
    { node_conf a 192.0.2.1 192.0.2.2 10.9.0 10.9.1 0x1001 0x1002 ab ba "$suite"
      datapath_toml "$variant"; } > "$work/a.toml"
    { node_conf b 192.0.2.2 192.0.2.1 10.9.1 10.9.0 0x1002 0x1001 ba ab "$suite"
      datapath_toml "$variant"; } > "$work/b.toml"
    for n in a b; do
      ns=$A; [ $n = b ] && ns=$B
      MESHSEC_JAVA_OPTS="${MESHSEC_JAVA_OPTS:-} $(jvm_opts "$variant")" \
        MESHSEC_JAVA="$jdk/bin/java" MESHSEC_LOG_LEVEL=warn ip netns exec "$ns" \
        "$here/core/target/meshsec/bin/meshsec" run --config "$work/$n.toml" --socket "$work/$n.sock" \
        >"$work/$n.log" 2>&1 &
      pids+=($!)
    done
    for i in $(seq 100); do [ -S "$work/a.sock" ] && [ -S "$work/b.sock" ] && break; sleep 0.1; done
    sleep 1
    pa=$(ip netns pids "$A" | head -1); pb=$(ip netns pids "$B" | head -1)
    cold=$(iperf "$A" 10.9.1.1) # the JVMs' first transfer: JIT compilation runs beside it
    ca0=$(cpu_ticks "$pa"); cb0=$(cpu_ticks "$pb"); t0=$(date +%s.%N)
    tun=$(iperf "$A" 10.9.1.1)
    ca1=$(cpu_ticks "$pa"); cb1=$(cpu_ticks "$pb"); t1=$(date +%s.%N)
    bare=$(iperf "$A" 192.0.2.2)
    cpa=$(python3 -c "print(f'{($ca1-$ca0)/$hz/($t1-$t0)*100:.0f}%')")
    cpb=$(python3 -c "print(f'{($cb1-$cb0)/$hz/($t1-$t0)*100:.0f}%')")
    ratio=$(python3 -c "print(f'{$tun/$bare:.3f}')")
    echo "| $jv | $suite | $variant | $cold | $tun | $bare | $ratio | $cpa | $cpb |"
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    pids=()
    rm -f "$work"/*.sock
  done
  done
done
