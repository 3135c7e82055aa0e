#!/usr/bin/env bash
# Runs the benchmark set behind bench/RESULTS.md with one JDK and writes JMH JSON and logs to
# bench/results/ (gitignored). Usage: bench/run.sh TAG [JAVA]   e.g. bench/run.sh jdk17 java
# Samples the load average every 20 s into bench/results/TAG-load.txt while it runs.
set -euo pipefail
tag=$1
java=${2:-java}
cd "$(dirname "$0")/.."
out=bench/results
mkdir -p "$out"
jar=bench/target/benchmarks.jar
opts="-wi 2 -w 2s -i 3 -r 1s -f 1 -prof gc -foe true"
jvmargs=()
fork=()
if "$java" -version 2>&1 | grep -q 'version "2[4-9]'; then
  # JDK 24+: silence the sun.misc.Unsafe warnings of JMH and Netty (host and forked JVMs)
  jvmargs=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
  fork=(-jvmArgsAppend "${jvmargs[*]}")
fi
( while :; do echo "$(date -u +%FT%TZ) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 20; done ) \
  > "$out/$tag-load.txt" &
sampler=$!
trap 'kill $sampler' EXIT
"$java" "${jvmargs[@]}" -version > "$out/$tag-java-version.txt" 2>&1
# 1. ESP matrix + raw baseline + copy: one JMH run, so the ratio compares runs of one session.
"$java" "${jvmargs[@]}" -jar $jar 'EspBenchmark|RawJcaGcmBenchmark|BufferCopyBenchmark' $opts \
  "${fork[@]}" -rf json -rff "$out/$tag-esp.json" > "$out/$tag-esp.log" 2>&1
# 2. lookups
"$java" "${jvmargs[@]}" -jar $jar 'SpdBenchmark|SadBenchmark|ReplayBenchmark' $opts \
  "${fork[@]}" -rf json -rff "$out/$tag-lookup.json" > "$out/$tag-lookup.log" 2>&1
# 3. target (a) again with more forks and iterations: seal AES-128-GCM JCA vs raw at 1400 B
#    (3 forks of seal, then 3 of each raw shape: minutes apart, so load drift still shows).
"$java" "${jvmargs[@]}" -jar $jar 'EspBenchmark.seal|RawJcaGcmBenchmark' -p suite=aes128gcm16 -p engine=jca \
  -p size=1400 -wi 3 -w 1s -i 5 -r 1s -f 3 -prof gc -foe true \
  "${fork[@]}" -rf json -rff "$out/$tag-ratio.json" > "$out/$tag-ratio.log" 2>&1
# 4. target (a) in five short rounds (see ratio.sh)
bench/ratio.sh "$tag" "$java" 5
echo done
