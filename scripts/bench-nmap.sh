#!/usr/bin/env bash
# Benchmark of the nmap pipeline: stream-parse a large synthetic scan and evaluate every rule
# (NET-* on hosts and services, CERT-* on served certificates), on 2 worker threads.
# Reports throughput (MB/s), CPU time (user + system) and peak resident memory at 1x and 4x
# file sizes, with the load average of the machine before each run.
#
# usage: scripts/bench-nmap.sh [HOSTS=65536] [BINARY...]
#   Without BINARY, builds and measures target/release/vigie. With several binaries (for
#   example a copy of the release build of main and of a branch), each run is repeated for
#   every binary in turn, so that their figures are taken under the same load.
#   Needs /usr/bin/time; the scans are generated once into $TMPDIR/vigie-bench-nmap.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
hosts="${1:-65536}"
shift || true
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  cargo build --release --manifest-path "$root/Cargo.toml" -q
  bins=("$root/target/release/vigie")
fi
tmp="${TMPDIR:-/tmp}/vigie-bench-nmap"
mkdir -p "$tmp"
# Timings of this run only: several runs may share the scans.
times="$(mktemp "$tmp/time.XXXXXX")"
trap 'rm -f "$times"' EXIT
# One measured run: label, binary, file, then vigie's arguments after the file. Prints
# MB/s, wall and CPU seconds, peak RSS, findings written (JSON report counted as written).
run() {
  local label="$1" bin="$2" f="$3"
  shift 3
  local load findings
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  findings=$({ /usr/bin/time -f "%e %U %S %M" -o "$times" "$bin" scan "$f" -j 2 "$@" \
    --format json || true; } | grep -c '"fingerprint": "' || true)
  python3 - "$label" "$(stat -c %s "$f")" "$(tail -n 1 "$times")" "$findings" "$load" <<'PY'
import sys
label, size, times, findings, load = sys.argv[1:]
wall, user, sys_, kib = times.split()
size, wall, cpu, kib = int(size), float(wall), float(user) + float(sys_), int(kib)
print(f"{label}: {size/1e6:.0f} MB in {wall:.2f} s = {size/1e6/wall:.0f} MB/s, CPU {cpu:.1f} s, "
      f"peak RSS {kib/1024:.0f} MiB, {findings} findings (load average {load})")
PY
}
for mult in 1 4; do
  f="$tmp/scan-${hosts}-${mult}x.xml"
  [ -f "$f" ] || python3 "$root/scripts/gen-large-nmap.py" "$f" $((hosts * mult))
  for bin in "${bins[@]}"; do
    # Parse only (no rule loaded): the streaming bound on memory.
    run "$bin ${mult}x parse only" "$bin" "$f" --no-default-rules
  done
  for bin in "${bins[@]}"; do
    # All rules, JSON report piped out: the findings are rendered, as in a real run.
    run "$bin ${mult}x all rules" "$bin" "$f" --as-of 2026-11-28 --fail-on critical
  done
done
