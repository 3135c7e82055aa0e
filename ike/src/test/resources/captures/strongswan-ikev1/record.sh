#!/bin/sh
# Records IKEv1 exchanges between two strongSwan charons (5.9, Debian packages as installed by
# .ci/run) in two network namespaces, for the known-answer tests of org.meshsec.ike.v1.
# Run as root, once, by hand:  sh record.sh main|aggressive  OUTDIR
# "sh record.sh probe OUTDIR" instead runs meshsec's Main Mode initiator (MainModeProbe, classpath
# in $CP) against a charon responder, "probe-responder" a charon initiator against meshsec's
# responder: the interop check of org.meshsec.ike.v1.task. "probe-qm" runs QuickModeProbe (Main Mode,
# then a Quick Mode for 10.0.0.1 === 10.0.1.1) against a charon responder.
# It writes OUTDIR/capture.pcap (tcpdump on the initiator's veth), OUTDIR/initiator.log and
# OUTDIR/responder.log (charon filelogs with ike/chd at level 4, which print SKEYID*, IVs, the DH
# secret and the nonces). extract.py then turns the pcap into the *.hex files beside this script.
# Namespaces v1rec-i / v1rec-r are removed at the end. Nothing under /etc or /run is touched:
# each charon runs in a private mount namespace with its own directory bind-mounted on /run.
set -eu
MODE=$1
OUT=$(readlink -f "$2")
PSK=0x6d65736873656320696b65763120696e7465726f702050534b2c206e6f74206120736563726574
CHARON=/usr/lib/ipsec/charon
mkdir -p "$OUT"
cleanup() {
  for p in "$OUT"/i/charon.pid.wrapper "$OUT"/r/charon.pid.wrapper "$OUT"/tcpdump.pid; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
  sleep 0.5
  ip netns del v1rec-i 2>/dev/null || true
  ip netns del v1rec-r 2>/dev/null || true
}
trap cleanup EXIT
ip netns add v1rec-i
ip netns add v1rec-r
ip link add v1rec-ve-i netns v1rec-i type veth peer name v1rec-ve-r netns v1rec-r
ip -n v1rec-i addr add 192.0.2.1/24 dev v1rec-ve-i
ip -n v1rec-r addr add 192.0.2.2/24 dev v1rec-ve-r
for n in i r; do ip -n v1rec-$n link set lo up; ip -n v1rec-$n link set v1rec-ve-$n up; done
ip -n v1rec-i addr add 10.0.0.1/32 dev lo
ip -n v1rec-r addr add 10.0.1.1/32 dev lo

if [ "$MODE" = aggressive ]; then
  AGGR="aggressive = yes"; IDI="initiator.v1.example"; IDR="responder.v1.example"
  ESP=aes128-sha256-modp2048   # Quick Mode with PFS
else
  AGGR="aggressive = no"; IDI=192.0.2.1; IDR=192.0.2.2
  ESP=aes128-sha256            # Quick Mode without PFS
fi

setup() { # $1 = i|r, $2 = local addr, $3 = remote addr, $4 = local id, $5 = remote id, $6 lts, $7 rts, $8 start
  D="$OUT/$1"
  mkdir -p "$D/run" "$D/swanctl/conf.d"
  for s in x509 x509ca x509aa x509ocsp x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12; do
    mkdir -p "$D/swanctl/$s"
  done
  cat > "$D/strongswan.conf" <<CONF
charon {
  load_modular = no
  load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey aes sha1 sha2 hmac kdf gmp kernel-libipsec kernel-netlink socket-default vici
  plugins { vici { socket = unix://$D/charon.vici } }
  filelog {
    rec {
      path = $D/charon.log
      time_format = %T
      time_add_ms = yes
      append = no
      flush_line = yes
      default = 1
      ike = 4
      chd = 4
      enc = 3
      net = 2
      cfg = 2
    }
  }
  syslog { }
  # strongSwan refuses Aggressive Mode with PSK as a responder unless told (the hash is exposed
  # to offline guessing, RFC 2409 section 5.4 / 5.7); this throwaway PSK does not matter.
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
}
swanctl { load = pem pkcs1 pkcs8 x509 openssl random }
CONF
  cat > "$D/swanctl/swanctl.conf" <<CONF
connections {
  rec {
    version = 1
    $AGGR
    local_addrs = $2
    remote_addrs = $3
    proposals = aes128-sha256-modp2048
    dpd_delay = 2s
    rekey_time = 0
    local { auth = psk
      id = $4 }
    remote { auth = psk
      id = $5 }
    children {
      c {
        local_ts = $6
        remote_ts = $7
        esp_proposals = $ESP
        start_action = $8
        rekey_time = 0
      }
    }
  }
}
secrets { ike-rec { id-a = $4
    id-b = $5
    secret = $PSK } }
CONF
  chmod 600 "$D/swanctl/swanctl.conf"
  STRONGSWAN_CONF="$D/strongswan.conf" ip netns exec v1rec-$1 unshare --mount --propagation private \
    sh -c 'mount --bind "$1" /run && exec "$2"' wrapper "$D/run" "$CHARON" > "$D/charon.out" 2>&1 &
  echo $! > "$D/charon.pid.wrapper"
  for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    [ -S "$D/charon.vici" ] && break; sleep 0.2
  done
}
swan() { D="$OUT/$1"; shift
  STRONGSWAN_CONF="$D/strongswan.conf" SWANCTL_DIR="$D/swanctl" swanctl "$@" --uri "unix://$D/charon.vici"; }

ip netns exec v1rec-i tcpdump -i v1rec-ve-i -U -w "$OUT/capture.pcap" udp > "$OUT/tcpdump.out" 2>&1 &
echo $! > "$OUT/tcpdump.pid"
sleep 1
if [ "$MODE" = probe-responder ]; then
  ip netns exec v1rec-r java -cp "$CP" org.meshsec.ike.v1.task.MainModeProbe responder \
    192.0.2.2 192.0.2.1 "${PSK#0x}" &
  JAVA=$!
  sleep 1.5
  setup i 192.0.2.1 192.0.2.2 "$IDI" "$IDR" 10.0.0.1/32 10.0.1.1/32 none
  swan i --load-all --noprompt
  swan i --initiate --ike rec --timeout 5 || true
  wait $JAVA || true
  swan i --list-sas
  cp "$OUT/i/charon.log" "$OUT/initiator.log"
  exit 0
fi
setup r 192.0.2.2 192.0.2.1 "$IDR" "$IDI" 10.0.1.1/32 10.0.0.1/32 none
if [ "$MODE" = probe-qm ]; then
  swan r --load-all --noprompt
  ip netns exec v1rec-i java -cp "$CP" org.meshsec.ike.v1.task.QuickModeProbe \
    192.0.2.1 192.0.2.2 "${PSK#0x}" || true
  sleep 0.5
  swan r --list-sas
  cp "$OUT/r/charon.log" "$OUT/responder.log"
  exit 0
fi
if [ "$MODE" = probe ]; then
  swan r --load-all --noprompt
  ip netns exec v1rec-i java -cp "$CP" org.meshsec.ike.v1.task.MainModeProbe initiator \
    192.0.2.1 192.0.2.2 \
    "${PSK#0x}" || true
  sleep 0.5
  swan r --list-sas
  cp "$OUT/r/charon.log" "$OUT/responder.log"
  exit 0
fi
setup i 192.0.2.1 192.0.2.2 "$IDI" "$IDR" 10.0.0.1/32 10.0.1.1/32 none
swan r --load-all --noprompt
swan i --load-all --noprompt
swan i --initiate --child c --timeout 10 || true
sleep 5          # DPD (R-U-THERE / R-U-THERE-ACK) after 2 s of silence
swan i --list-sas
swan i --terminate --ike rec --timeout 5 || true   # Informational DELETE
sleep 1
cp "$OUT/i/charon.log" "$OUT/initiator.log"
cp "$OUT/r/charon.log" "$OUT/responder.log"
