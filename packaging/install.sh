#!/usr/bin/env bash
# Installs meshsec on this node from a built distribution (`mvn package` lays it out in
# core/target/meshsec: bin/, lib/ and this packaging/ directory), as root:
#
#   sudo core/target/meshsec/packaging/install.sh
#
# It copies bin/ and lib/ to $MESHSEC_PREFIX (/opt/meshsec), links bin/meshsec into
# $MESHSEC_BINDIR (/usr/local/bin), creates $MESHSEC_CONFDIR (/etc/meshsec, mode 0700), installs
# the systemd unit into $MESHSEC_UNITDIR (/etc/systemd/system), and makes the CLI's class-data
# sharing archive (lib/cds/) for the installed path and the JDK the launcher picks: the archive
# made at package time is for the build tree's path and is removed. Run it again after installing
# or upgrading a JDK (or run `MESHSEC_CDS_DUMP=1 meshsec --version` as root). Idempotent; keeps
# the configuration. MESHSEC_SYSTEMCTL=none skips `systemctl daemon-reload`.
set -euo pipefail

dist="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
prefix="${MESHSEC_PREFIX:-/opt/meshsec}"
bindir="${MESHSEC_BINDIR:-/usr/local/bin}"
confdir="${MESHSEC_CONFDIR:-/etc/meshsec}"
unitdir="${MESHSEC_UNITDIR:-/etc/systemd/system}"
systemctl="${MESHSEC_SYSTEMCTL:-systemctl}"

if [ ! -x "$dist/bin/meshsec" ] || ! ls "$dist"/lib/meshsec-core-*.jar >/dev/null 2>&1; then
  echo "install.sh: $dist is not a meshsec distribution (bin/meshsec, lib/meshsec-core-*.jar);" >&2
  echo "            run it from core/target/meshsec/packaging after 'mvn package'" >&2
  exit 2
fi

umask 022
install -d "$prefix" "$prefix/bin" "$bindir" "$unitdir"
install -d -m 0700 "$confdir"
if [ "$(readlink -f "$dist")" != "$(readlink -f "$prefix")" ]; then
  rm -rf "$prefix/lib"
  cp -r "$dist/lib" "$prefix/lib"
  install -m 0755 "$dist/bin/meshsec" "$prefix/bin/meshsec"
  rm -rf "$prefix/packaging"
  cp -r "$dist/packaging" "$prefix/packaging"
fi
ln -sfn "$prefix/bin/meshsec" "$bindir/meshsec"

# The class-data sharing archive: the launcher names it after the JDK and this installation's path,
# so only one made here, by the installed launcher, is ever used.
rm -f "$prefix"/lib/cds/meshsec-cli-*.jsa
if MESHSEC_CDS_DUMP=1 "$prefix/bin/meshsec" --version >/dev/null && ls "$prefix"/lib/cds/meshsec-cli-*.jsa >/dev/null 2>&1; then
  echo "meshsec: CLI class archive $(basename "$prefix"/lib/cds/meshsec-cli-*.jsa)"
else
  echo "meshsec: no CLI class archive (CLI calls work, only start slower)" >&2
fi

sed "s|/opt/meshsec/|$prefix/|g; s|/etc/meshsec/|$confdir/|g; s|ReadOnlyPaths=/etc/meshsec|ReadOnlyPaths=$confdir|" \
  "$dist/packaging/systemd/meshsec.service" >"$unitdir/meshsec.service.tmp"
chmod 0644 "$unitdir/meshsec.service.tmp"
mv "$unitdir/meshsec.service.tmp" "$unitdir/meshsec.service"
if [ "$systemctl" != none ] && command -v "$systemctl" >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  "$systemctl" daemon-reload
fi
echo "meshsec: installed in $prefix; configure $confdir/meshsec.toml, then: systemctl enable --now meshsec"
