#!/usr/bin/env bash
# Benchmark of the nmap pipeline: stream-parse a large synthetic scan and evaluate every rule
# (NET-* on hosts and services, CERT-* on served certificates), on 2 worker threads.
# Reports throughput (MB/s) and peak resident memory at 1x and 4x file sizes.
#
# usage: scripts/bench-nmap.sh [HOSTS=65536]     (needs /usr/bin/time; writes to $TMPDIR)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
hosts="${1:-65536}"
tmp="${TMPDIR:-/tmp}/vigie-bench-nmap"
mkdir -p "$tmp"
cargo build --release --manifest-path "$root/Cargo.toml" -q
bin="$root/target/release/vigie"
for mult in 1 4; do
  f="$tmp/scan-${mult}x.xml"
  [ -f "$f" ] || python3 "$root/scripts/gen-large-nmap.py" "$f" $((hosts * mult))
  bytes=$(stat -c %s "$f")
  # Parse only (no rule loaded): the streaming bound on memory.
  /usr/bin/time -f "%e %M" -o "$tmp/parse-${mult}x" \
    "$bin" scan "$f" -j 2 --no-default-rules --format json >/dev/null || true
  read -r psecs pkib < <(tail -n 1 "$tmp/parse-${mult}x")
  echo "${mult}x parse only: $(python3 -c "print(f'{$(stat -c %s "$f")/1e6/$psecs:.0f} MB/s, peak RSS {$pkib/1024:.0f} MiB')")"
  # All rules, JSON report to /dev/null: the findings are rendered, as in a real run.
  /usr/bin/time -f "%e %M" -o "$tmp/time-${mult}x" \
    "$bin" scan "$f" -j 2 --as-of 2026-11-28 --format json --fail-on critical >/dev/null || true
  read -r secs kib < <(tail -n 1 "$tmp/time-${mult}x")
  findings=$({ "$bin" scan "$f" -j 2 --as-of 2026-11-28 --format json --fail-on critical 2>/dev/null || true; } \
    | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
  python3 - "$mult" "$bytes" "$secs" "$kib" "$findings" "$((hosts * mult))" <<'PY'
import sys
mult, size, secs, kib, findings, hosts = sys.argv[1:]
size, secs, kib = int(size), float(secs), int(kib)
print(f"{mult}x: {hosts} hosts, {size/1e6:.0f} MB in {secs:.2f} s = {size/1e6/secs:.0f} MB/s, "
      f"peak RSS {kib/1024:.0f} MiB, {findings} findings")
PY
done
