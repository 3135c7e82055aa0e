#!/usr/bin/env bash
# One-run comparison of userspace tunnels on the same two-namespace topology: the bare veth,
# meshsec (IKEv2-negotiated AES-128-GCM, once per JDK), strongSwan with kernel-libipsec (its
# userspace ESP, AES-128-GCM), wireguard-go and OpenVPN (AES-128-GCM, DCO off), each as a new user
# would configure it from Debian's packages. For each: TCP with iperf3, one stream and four
# streams, median of REPS runs of SECONDS each; CPU of the tunnel processes per node over the
# single-stream runs; idle ping round trip (after the transfers and a warm-up), and what the
# tunnel adds to the veth's. With veth among the NAMEs, each single-stream transfer through a
# tunnel follows one over the bare veth, and "1 stream / veth beside" is the median of those
# pairs' ratios (the host's speed drifts within minutes). Prints one
# markdown table (and the raw runs on stderr). Only ratios within one run mean anything: the
# machines here are shared and vary from day to day.
#
#   sudo bench/compare.sh [-t SECONDS] [-r REPS] [-j JAVA_HOME]... [-o NAME,...] [-m VARIANT]...
#
# VARIANT runs meshsec once more per JDK with a [datapath] table (docs/configuration.md), written
# as comma-separated key=value pairs, e.g. -m decrypt_workers=2 -m udp_transport=io_uring
# -m decrypt_workers=2,udp_transport=io_uring; "default" is the configuration without the table
# (the one run when no -m is given). The A/B of docs/architecture.md ("Spreading the inbound path"):
#   sudo bench/compare.sh -o veth,meshsec -m default -m decrypt_workers=2 -m udp_transport=io_uring
#
# NAME is one of veth, meshsec, strongswan, wireguard-go, openvpn, nulltun (default: all). nulltun
# is bench/src/c/nulltun.c (built here with cc): a tunnel without encryption or policy, one epoll
# loop, one system call per packet; its added round trip is the floor that wake-ups and system calls
# set for any userspace tunnel on the machine. JDKs default to
# the default java and /usr/lib/jvm/temurin-25-jdk-amd64 if present. Needs root and a build
# (mvn -B -DskipTests package); installs iperf3, strongSwan, wireguard-go, wireguard-tools and
# openvpn from Debian's packages when missing. Removes everything it made on exit, also on Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
meshsec="$here/core/target/meshsec/bin/meshsec"
secs=10
reps=3
jdks=()
variants=()
only="veth,meshsec,strongswan,wireguard-go,openvpn,nulltun"
while getopts "t:r:j:o:m:" o; do
  case "$o" in
    t) secs="$OPTARG" ;;
    r) reps="$OPTARG" ;;
    j) jdks+=("$OPTARG") ;;
    o) only="$OPTARG" ;;
    m) variants+=("$OPTARG") ;;
    *) echo "usage: $0 [-t SECONDS] [-r REPS] [-j JAVA_HOME]... [-o NAME,...] [-m VARIANT]..." >&2; exit 2 ;;
  esac
done
if [ "${#jdks[@]}" -eq 0 ]; then
  jdks=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && jdks+=(/usr/lib/jvm/temurin-25-jdk-amd64)
fi
[ "${#variants[@]}" -gt 0 ] || variants=(default)
want() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces, TUN devices)" >&2; exit 2; }
want meshsec && { [ -x "$meshsec" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }; }

need=()
for pkg in iperf3 iputils-ping iproute2 openssl strongswan-charon strongswan-swanctl \
  libstrongswan-standard-plugins libcharon-extra-plugins wireguard-go wireguard-tools openvpn; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
charon=""
for c in /usr/lib/ipsec/charon /usr/libexec/ipsec/charon; do [ -x "$c" ] && charon="$c" && break; done

tag="msc-$$"
A="$tag-a"; B="$tag-b"; work="$(mktemp -d /tmp/meshsec-cmp.XXXXXX)"
chmod 700 "$work"
bg=()
stop_all() {
  for p in "${bg[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${bg[@]:-}"; do
    [ -n "$p" ] || continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  bg=()
}
cleanup() {
  stop_all
  for n in "$A" "$B"; do
    for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$A"; ip netns add "$B"
ip link add u0 netns "$A" type veth peer name u0 netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev u0; ip -n "$B" addr add 192.0.2.2/24 dev u0
for n in "$A" "$B"; do ip -n "$n" link set lo up; ip -n "$n" link set u0 up; done

hz=$(getconf CLK_TCK)
# CPU ticks (user + system) of every process in a namespace but iperf3 and ping: the tunnel's.
ns_ticks() {
  local sum=0 p t
  for p in $(ip netns pids "$1" 2>/dev/null); do
    case "$(cat "/proc/$p/comm" 2>/dev/null)" in iperf3 | ping | "") continue ;; esac
    t=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    sum=$((sum + t))
  done
  echo "$sum"
}
# One iperf3 transfer from A to TARGET with STREAMS streams: received Mbit/s.
iperf() {
  ip netns exec "$B" iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
  sleep 0.3
  ip netns exec "$A" iperf3 -c "$1" -p 5201 -t "$secs" -P "$2" -J 2>/dev/null |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))' ||
    echo 0
}
median() { python3 -c 'import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:]))))' "$@"; }
# Mean idle round trip in microseconds over 40 pings 50 ms apart, after 2,000 pings 2 ms apart
# that make a JIT compile the small-packet path (cold, a JVM node interprets it: about 1 ms per
# crossing of a node; a long transfer compiles only the path of large packets).
rtt_us() {
  ip netns exec "$A" ping -c 2000 -i 0.002 -q "$1" >/dev/null 2>&1 || true
  ip netns exec "$A" ping -c 40 -i 0.05 -q "$1" 2>/dev/null |
    awk -F'/' '/^rtt|^round-trip/ {printf "%d\n", $5 * 1000}'
}
wait_ping() { # TARGET SECONDS
  local i
  for i in $(seq $(($2 * 5))); do
    ip netns exec "$A" ping -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "no ping through to $1 after $2 s" >&2
  return 1
}

veth_rtt=""
rows=()
# measure NAME TARGET: prints a table row; the tunnel's processes must be running.
measure() {
  local name="$1" target="$2" one=() four=() i a0 b0 a1 b1 t0 t1 cpa="" cpb="" rtt added
  local ta=0 tb=0 tt=0 beside=() pairs=()
  for i in $(seq "$reps"); do
    if [ "$name" != "bare veth" ] && want veth; then
      # The bare veth once more, just before this transfer (the underlay addresses bypass the
      # tunnel): the host's speed drifts within minutes, so a ratio to a veth measured beside it
      # is steadier than one to the veth measured at the start.
      beside+=("$(iperf 192.0.2.2 1)")
    fi
    a0=$(ns_ticks "$A"); b0=$(ns_ticks "$B"); t0=$(date +%s.%N)
    one+=("$(iperf "$target" 1)")
    a1=$(ns_ticks "$A"); b1=$(ns_ticks "$B"); t1=$(date +%s.%N)
    ta=$((ta + a1 - a0)); tb=$((tb + b1 - b0))
    tt=$(python3 -c "print($tt + $t1 - $t0)")
    four+=("$(iperf "$target" 4)")
  done
  # The idle round trip after the transfers: the state of a node that has carried traffic (a JVM
  # node's small-packet path is then compiled, as in a long-running daemon).
  rtt=$(rtt_us "$target")
  [ -z "$veth_rtt" ] && veth_rtt="$rtt"
  added=$((rtt - veth_rtt))
  echo "$name: 1 stream ${one[*]} Mbit/s; 4 streams ${four[*]} Mbit/s; rtt ${rtt} us${beside[*]:+; veth beside ${beside[*]} Mbit/s}" >&2
  local m1 m4
  m1=$(median "${one[@]}"); m4=$(median "${four[@]}")
  if [ "$name" = "bare veth" ]; then
    cpa="-"; cpb="-"; veth1="$m1"
  else
    cpa=$(python3 -c "print(f'{$ta/$hz/$tt*100:.0f}%')")
    cpb=$(python3 -c "print(f'{$tb/$hz/$tt*100:.0f}%')")
  fi
  local ratio per paired="-"
  ratio=$(python3 -c "print(f'{$m1/${veth1:-$m1}:.3f}')")
  [ "$name" = "bare veth" ] && paired="1.000"
  if [ "${#beside[@]}" -gt 0 ]; then
    for i in $(seq 0 $((reps - 1))); do
      pairs+=("$(python3 -c "print(${one[$i]}/${beside[$i]} if ${beside[$i]} > 0 else 0)")")
    done
    paired=$(python3 -c 'import statistics,sys; print(f"{statistics.median(map(float, sys.argv[1:])):.3f}")' "${pairs[@]}")
  fi
  # CPU seconds of both nodes per gigabit carried (single stream), the per-packet cost figure.
  if [ "$cpa" = "-" ]; then per="-"; else
    per=$(python3 -c "print(f'{($ta+$tb)/$hz/($m1*$tt/1000):.2f}' if $m1 > 0 else '-')")
  fi
  rows+=("| $name | $m1 | $m4 | $ratio | $paired | $cpa | $cpb | $per | $rtt | $added |")
}

hexkey() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# ------------------------------------------------------------------ bare veth
measure "bare veth" 192.0.2.2

# ------------------------------------------------------------------ meshsec, IKEv2
meshsec_conf() { # name self peer lan far
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
name = "$3"
address = "$3"
auth = "psk"
psk = "pair"
ike = "aes128gcm16-prfsha256-x25519"
esp = "aes128gcm16"
start_action = "start"
[[policy]]
name = "p"
direction = "both"
src = "$4.0/24"
dst = "$5.0/24"
action = "protect"
ike = "$3"
CONF
}
datapath_toml() { # VARIANT -> a [datapath] table, or nothing for "default"
  [ "$1" = default ] && return 0
  echo "[datapath]"
  local kv
  for kv in ${1//,/ }; do
    case "${kv#*=}" in
      *[!0-9]*) echo "${kv%%=*} = \"${kv#*=}\"" ;;
      *) echo "${kv%%=*} = ${kv#*=}" ;;
    esac
  done
}
if want meshsec; then
  printf '[keys]\npair = "%s"\n' "$(hexkey 32)" >"$work/secrets.toml"
  chmod 600 "$work/secrets.toml"
  for jdk in "${jdks[@]}"; do
  for variant in "${variants[@]}"; do
    { meshsec_conf a 192.0.2.1 192.0.2.2 10.9.0 10.9.1; datapath_toml "$variant"; } >"$work/a.toml"
    { meshsec_conf b 192.0.2.2 192.0.2.1 10.9.1 10.9.0; datapath_toml "$variant"; } >"$work/b.toml"
    label=""; [ "$variant" = default ] || label=", $variant"
    jv=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    for n in a b; do
      ns=$A; [ $n = b ] && ns=$B
      MESHSEC_JAVA="$jdk/bin/java" MESHSEC_LOG_LEVEL=warn ip netns exec "$ns" \
        "$meshsec" run --config "$work/$n.toml" --socket "$work/$n.sock" >"$work/ms-$n.log" 2>&1 &
      bg+=($!)
    done
    if wait_ping 10.9.1.1 30; then
      sleep 2 # JIT warm-up on the first packets
      # One transfer as long as a measured one before the measured ones: on two busy cores the JIT
      # is still compiling the data path during the first 10 s (that transfer ran at about half the
      # later ones' rate, 2026-12-04); a long-running daemon is past it. Its rate is printed, not
      # tabled.
      echo "meshsec (JDK $jv$label): warm-up transfer $(iperf 10.9.1.1 1) Mbit/s" >&2
      measure "meshsec (JDK $jv$label)" 10.9.1.1
    else
      cat "$work"/ms-*.log >&2
    fi
    stop_all
    rm -f "$work"/*.sock
  done
  done
fi

# ------------------------------------------------------------------ strongSwan, kernel-libipsec
swan_start() { # ns dir self peer lhost rhost initiator
  local d="$2"
  mkdir -p "$d/run" "$d/swanctl"
  for s in x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
    mkdir -p "$d/swanctl/$s"
  done
  cat >"$d/strongswan.conf" <<CONF
charon {
  load_modular = no
  load = random nonce openssl aes sha1 sha2 hmac gcm kdf gmp kernel-libipsec kernel-netlink socket-default vici
  plugins { vici { socket = unix://$d/charon.vici } }
  filelog { f { path = $d/charon.log
    default = 1 } }
}
swanctl { load = random openssl }
CONF
  cat >"$d/swanctl/swanctl.conf" <<CONF
connections {
  c {
    version = 2
    local_addrs = $3
    remote_addrs = $4
    proposals = aes128gcm16-prfsha256-x25519
    encap = yes
    local { auth = psk
      id = $3 }
    remote { auth = psk
      id = $4 }
    children { c {
      local_ts = $5/32
      remote_ts = $6/32
      esp_proposals = aes128gcm16
      mode = tunnel
      start_action = $7 } }
  }
}
secrets { ike-p { secret = 0x$swan_psk } }
CONF
  chmod 600 "$d/swanctl/swanctl.conf"
  STRONGSWAN_CONF="$d/strongswan.conf" ip netns exec "$1" unshare --mount --propagation private \
    sh -c 'mount --bind "$1" /run && exec "$2"' charon-wrapper "$d/run" "$charon" >/dev/null 2>&1 &
  bg+=($!)
  local i
  for i in $(seq 100); do [ -S "$d/charon.vici" ] && break; sleep 0.1; done
  sleep 0.3
  STRONGSWAN_CONF="$d/strongswan.conf" SWANCTL_DIR="$d/swanctl" \
    swanctl --load-all --uri "unix://$d/charon.vici" >/dev/null
}
if want strongswan && [ -n "$charon" ]; then
  swan_psk=$(hexkey 32)
  ip -n "$A" addr add 10.0.0.1/32 dev lo; ip -n "$B" addr add 10.0.1.1/32 dev lo
  swan_start "$B" "$work/swan-b" 192.0.2.2 192.0.2.1 10.0.1.1 10.0.0.1 none
  swan_start "$A" "$work/swan-a" 192.0.2.1 192.0.2.2 10.0.0.1 10.0.1.1 start
  if wait_ping 10.0.1.1 30; then
    measure "strongSwan $(dpkg-query -W -f='${Version}' strongswan-charon | cut -d- -f1) kernel-libipsec" 10.0.1.1
  else
    cat "$work"/swan-*/charon.log >&2
  fi
  stop_all
fi

# ------------------------------------------------------------------ wireguard-go
if want wireguard-go; then
  for n in a b; do
    (umask 077 && wg genkey >"$work/wg-$n.key")
    wg pubkey <"$work/wg-$n.key" >"$work/wg-$n.pub"
  done
  # One interface name per node: wireguard-go's control socket, /var/run/wireguard/NAME.sock, is
  # not per namespace.
  i=1
  for n in a b; do
    ns=$A; peer=b; pa=192.0.2.2; [ $n = b ] && ns=$B && peer=a && pa=192.0.2.1
    WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 WG_PROCESS_FOREGROUND=1 \
      ip netns exec "$ns" wireguard-go "wg$n$$" >"$work/wg-$n.log" 2>&1 &
    bg+=($!)
    for _ in $(seq 50); do [ -S "/var/run/wireguard/wg$n$$.sock" ] && break; sleep 0.1; done
    ip netns exec "$ns" wg set "wg$n$$" listen-port 51820 private-key "$work/wg-$n.key" \
      peer "$(cat "$work/wg-$peer.pub")" endpoint "$pa:51820" allowed-ips 10.10.0.0/24
    ip -n "$ns" addr add "10.10.0.$i/24" dev "wg$n$$"
    ip -n "$ns" link set "wg$n$$" up
    i=$((i + 1))
  done
  if wait_ping 10.10.0.2 20; then
    measure "wireguard-go $(dpkg-query -W -f='${Version}' wireguard-go | cut -d- -f1)" 10.10.0.2
  else
    cat "$work"/wg-*.log >&2
  fi
  stop_all
fi

# ------------------------------------------------------------------ OpenVPN, p2p TLS
if want openvpn; then
  for n in a b; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
      -subj "/CN=$n" -keyout "$work/ovpn-$n.key" -out "$work/ovpn-$n.crt" >/dev/null 2>&1
    openssl x509 -in "$work/ovpn-$n.crt" -noout -fingerprint -sha256 | cut -d= -f2 >"$work/ovpn-$n.fp"
  done
  for n in a b; do
    ns=$A; peer=b; self=192.0.2.1; pa=192.0.2.2; me=10.11.0.1; you=10.11.0.2; role=--tls-server
    [ $n = b ] && ns=$B && peer=a && self=192.0.2.2 && pa=192.0.2.1 && me=10.11.0.2 && you=10.11.0.1 && role=--tls-client
    ip netns exec "$ns" openvpn --dev ovpn0 --dev-type tun --proto udp --local "$self" --remote "$pa" \
      --port 1194 --ifconfig "$me" "$you" "$role" --dh none --cert "$work/ovpn-$n.crt" \
      --key "$work/ovpn-$n.key" --peer-fingerprint "$(cat "$work/ovpn-$peer.fp")" \
      --data-ciphers AES-128-GCM --disable-dco --verb 1 >"$work/ovpn-$n.log" 2>&1 &
    bg+=($!)
  done
  if wait_ping 10.11.0.2 30; then
    measure "OpenVPN $(dpkg-query -W -f='${Version}' openvpn | cut -d- -f1)" 10.11.0.2
  else
    cat "$work"/ovpn-*.log >&2
  fi
  stop_all
fi

# ------------------------------------------------------------------ nulltun, the floor
if want nulltun; then
  if cc -O2 -o "$work/nulltun" "$here/bench/src/c/nulltun.c" 2>"$work/nulltun-cc.log"; then
    i=1
    for n in a b; do
      ns=$A; self=192.0.2.1; pa=192.0.2.2; far=2; [ $n = b ] && ns=$B && self=192.0.2.2 && pa=192.0.2.1 && far=1
      ip netns exec "$ns" "$work/nulltun" nt0 "$self" "$pa" 5555 >"$work/nulltun-$n.log" 2>&1 &
      bg+=($!)
      for _ in $(seq 50); do ip -n "$ns" link show nt0 >/dev/null 2>&1 && break; sleep 0.1; done
      ip -n "$ns" addr add "10.12.0.$i/32" peer "10.12.0.$far/32" dev nt0
      ip -n "$ns" link set nt0 up
      i=$((i + 1))
    done
    if wait_ping 10.12.0.2 10; then
      measure "nulltun (C, no crypto: the floor)" 10.12.0.2
    else
      cat "$work"/nulltun-*.log >&2
    fi
    stop_all
  else
    echo "nulltun: cannot build bench/src/c/nulltun.c (needs a C compiler):" >&2
    cat "$work/nulltun-cc.log" >&2
  fi
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "TCP from namespace A to B, iperf3 ${secs} s, median of ${reps}; $(nproc) cores; load average at the end: $load; $(date -u '+%F %H:%M UTC')"
echo
echo "| tunnel | 1 stream Mbit/s | 4 streams Mbit/s | 1 stream / veth | 1 stream / veth beside | CPU node A | CPU node B | CPU s per Gbit | idle RTT us | added RTT us |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do echo "$r"; done
