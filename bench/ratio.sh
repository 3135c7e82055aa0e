#!/usr/bin/env bash
# Target (a) on a shared, noisy machine: ROUNDS short JMH runs of ESP seal AES-128-GCM JCA and the
# raw JCA AES-GCM baseline at 1400 bytes, one JSON per round (bench/results/TAG-ratio-N.json), so
# that seal and its baseline are always measured within about half a minute of each other and the
# spread between rounds shows how much the load moved the ratio. summarize.py prints the ratio of
# each round and their median.   Usage: bench/ratio.sh TAG [JAVA] [ROUNDS]
set -euo pipefail
tag=$1
java=${2:-java}
rounds=${3:-5}
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
jvmargs=()
fork=()
if "$java" -version 2>&1 | grep -q 'version "2[4-9]'; then
  jvmargs=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
  fork=(-jvmArgsAppend "${jvmargs[*]}")
fi
for r in $(seq 1 "$rounds"); do
  echo "$(date -u +%FT%TZ) round $r load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/$tag-ratio-load.txt"
  "$java" "${jvmargs[@]}" -jar bench/target/benchmarks.jar 'EspBenchmark.seal|RawJcaGcmBenchmark' \
    -p suite=aes128gcm16 -p engine=jca -p size=1400 -wi 3 -w 1s -i 5 -r 1s -f 1 -prof gc -foe true \
    "${fork[@]}" -rf json -rff "$out/$tag-ratio-$r.json" > "$out/$tag-ratio-$r.log" 2>&1
done
echo "$(date -u +%FT%TZ) end load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/$tag-ratio-load.txt"
