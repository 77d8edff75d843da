#!/usr/bin/env bash
# Times `carve analyze` against `go vet ./...` on the same trees in the same run, cold (empty
# GOCACHE) and warm (second run on the same cache), with peak RSS from /usr/bin/time -v.
# Trees: generated monoliths of SIZES packages (bench/gen) and the fixture modules.
#
#   bench/analyze.sh                 # sizes 250 500 1000 2000
#   SIZES="250" bench/analyze.sh     # quicker
#
# Prints a Markdown table on stdout (also appended row by row to $WORK/table.md); command
# output goes to $WORK/log. Each cell: wall seconds / CPU seconds (user+sys) / peak RSS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES-"250 500 1000 2000"}
FIXTURES=${FIXTURES-"testdata/shop testdata/ledger"}
WORK=${WORK:-$(mktemp -d /tmp/carve-bench.XXXXXX)}
mkdir -p "$WORK"
log="$WORK/log"
: >"$log"

(cd "$root" && go build -o "$WORK/carve" ./cmd/carve)

# measure DIR CACHE CMD... — runs CMD in DIR with GOCACHE=CACHE; prints "wall cpu rss_mib".
measure() {
	local dir=$1 cache=$2
	shift 2
	local tf="$WORK/time.$$"
	(cd "$dir" && GOCACHE="$cache" CARVE_CACHE="$WORK/carve-cache-off" /usr/bin/time -v -o "$tf" "$@" >>"$log" 2>&1) || true
	local wall rss cpu
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$tf")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tf")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
	# wall is [h:]m:ss.ss
	wall=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	printf '%.1f %.1f %.0f' "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)"
	rm -f "$tf"
}

row() {
	local name=$1 dir=$2 pkgs
	pkgs=$(cd "$dir" && go list ./... 2>/dev/null | wc -l)
	local vc="$WORK/cache-vet-$RANDOM" cc="$WORK/cache-carve-$RANDOM"
	local vet_cold carve_cold vet_warm carve_warm
	vet_cold=$(measure "$dir" "$vc" go vet ./...)
	carve_cold=$(measure "$dir" "$cc" "$WORK/carve" analyze --format json --out /dev/null .)
	vet_warm=$(measure "$dir" "$vc" go vet ./...)
	carve_warm=$(measure "$dir" "$cc" "$WORK/carve" analyze --format json --out /dev/null .)
	rm -rf "$vc" "$cc"
	set -- $vet_cold $carve_cold $vet_warm $carve_warm
	printf '| %s | %s | %s / %s / %s | %s / %s / %s | %.2f× / %.2f× | %s / %s / %s | %s / %s / %s | %.2f× / %.2f× |\n' \
		"$name" "$pkgs" "$1" "$2" "$3" "$4" "$5" "$6" "$(echo "$4 / $1" | bc -l)" "$(echo "$5 / $2" | bc -l)" \
		"$7" "$8" "$9" "${10}" "${11}" "${12}" "$(echo "${10} / $7" | bc -l)" "$(echo "${11} / $8" | bc -l)" | tee -a "$WORK/table.md"
}

echo "| tree | packages | go vet cold: wall s / CPU s / MiB | carve analyze cold | ratio wall / CPU | go vet warm | carve analyze warm | ratio wall / CPU |" | tee "$WORK/table.md"
echo "|---|---|---|---|---|---|---|---|" | tee -a "$WORK/table.md"
for f in $FIXTURES; do
	row "$(basename "$f")" "$root/$f"
done
for n in $SIZES; do
	dir="$WORK/mono-$n"
	if [ ! -d "$dir" ]; then
		(cd "$root" && go run ./bench/gen -packages "$n" -out "$dir" >>"$log")
		(cd "$dir" && GOFLAGS=-mod=mod GOPROXY=off go mod tidy -e >>"$log" 2>&1)
	fi
	row "generated-$n" "$dir"
done
echo
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB, $(go version | cut -d' ' -f3-)"
