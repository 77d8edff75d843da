#!/usr/bin/env bash
# Times `carve check` on an unchanged generated monolith: cold (no cache: a full analysis) and
# warm (the content-keyed cache hits), same tree, same run, with peak RSS.
#
#   bench/check.sh               # 2000 packages
#   SIZE=500 bench/check.sh
#
# Prints a Markdown table row on stdout; logs go to $WORK/log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SIZE=${SIZE:-2000}
WORK=${WORK:-$(mktemp -d /tmp/carve-check-bench.XXXXXX)}
mkdir -p "$WORK"
log="$WORK/log"
(cd "$root" && go build -o "$WORK/carve" ./cmd/carve)
dir="$WORK/mono-$SIZE"
[ -d "$dir" ] || (cd "$root" && go run ./bench/gen -packages "$SIZE" -out "$dir" >>"$log")
(cd "$dir" && go mod download >>"$log" 2>&1 || true)
export CARVE_CACHE="$WORK/carve-cache"
rm -rf "$CARVE_CACHE"
# The boundaries file: the proposal written as carve.yaml.
(cd "$dir" && rm -f carve.yaml && "$WORK/carve" analyze --write-spec . >>"$log" 2>&1)

measure() { # prints "wall_s cpu_s rss_mib"
	local tf="$WORK/time"
	(cd "$dir" && /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >>"$log" 2>&1) || true
	tail -n 1 "$tf" | awk '{printf "%.2f %.2f %.0f", $1, $2+$3, $4/1024}'
}
go build -o /dev/null std # keep the std build cache warm for both
for i in 1 2 3; do cold=$(measure "$WORK/carve" check --no-cache .); done # last of three: page cache warm
"$WORK/carve" check . >/dev/null 2>&1 || true # fills the cache
for i in 1 2 3; do warm=$(measure "$WORK/carve" check .); done
set -- $cold $warm
echo "| packages | cold check: wall / CPU / peak RSS | warm check: wall / CPU / peak RSS | warm / cold (wall) | warm / cold (CPU) |"
echo "|---|---|---|---|---|"
printf '| %s | %s s / %s s / %s MiB | %s s / %s s / %s MiB | %.3f× | %.3f× |\n' "$SIZE" "$1" "$2" "$3" "$4" "$5" "$6" "$(echo "$4 / $1" | bc -l)" "$(echo "$5 / $2" | bc -l)"
