#!/usr/bin/env bash
# Measures `carve analyze` on real open-source monoliths against `go vet ./...` on the same
# trees in the same run (BENCHMARKS.md, "Real monoliths"). The checkouts are NOT part of this
# repository: fetch them yourself (any way you like: git clone, a release tarball) into one
# directory, run `go mod download` in each, then
#
#   bench/real.sh /tmp/real                           # every module listed in REPOS
#   REPOS="ecom miniflux" bench/real.sh /tmp/real     # some of them
#   COLD=0 bench/real.sh /tmp/real                    # warm Go build cache only (much quicker)
#
# REPOS holds module directories relative to the checkout directory (a repository with several
# modules is listed once per module, e.g. wild-workouts/internal/trainer). The default list is the
# one of BENCHMARKS.md; "memos-go126" / "vikunja-go126" are copies whose go.mod says `go 1.26.0`
# instead of 1.27.0 (Go 1.26 refuses the originals), see BENCHMARKS.md. For each module:
#   - wall time, CPU time (user + system) and peak RSS (/usr/bin/time -v) of `go vet ./...` and of
#     `carve analyze --format json`, with an empty GOCACHE (cold, when COLD=1) and then again
#     on the same cache (warm); the load average is printed with each row because the machine
#     may be shared;
#   - from the analysis document: packages, units, skipped entries grouped by reason, SQL
#     statements, attributed (%), unresolved/recovered grouped by reason, routes, transactions.
# The JSON documents and logs stay in $WORK (default: a new /tmp/carve-real.XXXXXX) for reading
# misses by hand: $WORK/<name>.json, $WORK/<name>.summary.md. A tree exported without .git
# (git archive) may carry its commit in a .commit file at its root.
#
# Prints Markdown on stdout.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: bench/real.sh DIR_OF_CHECKOUTS  (see the comment at the top of this script)" >&2
	exit 2
fi
src=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
REPOS=${REPOS:-"ecom miniflux listmonk wild-workouts/internal/trainer wild-workouts/internal/trainings wild-workouts/internal/users memos memos-go126 vikunja-go126 gotosocial"}
COLD=${COLD:-1}
WORK=${WORK:-$(mktemp -d /tmp/carve-real.XXXXXX)}
mkdir -p "$WORK"
log="$WORK/log"
: >>"$log"
for t in jq bc /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "real.sh: needs $t" >&2; exit 2; }
done

CARVE=${CARVE:-}
if [ -z "$CARVE" ]; then
	(cd "$root" && go build -o "$WORK/carve" ./cmd/carve)
	CARVE="$WORK/carve"
fi

# measure DIR CACHE OUTFILE CMD... — runs CMD in DIR with GOCACHE=CACHE; prints
# "wall cpu rss_mib rc" (cpu = user + system seconds, less sensitive to a shared machine's load).
measure() {
	local dir=$1 cache=$2 out=$3
	shift 3
	local tf="$WORK/time.$$" rc=0
	(cd "$dir" && GOCACHE="$cache" /usr/bin/time -v -o "$tf" "$@" >"$out" 2>&1) || rc=$?
	local wall rss cpu trc
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tf")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$tf")
	wall=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	# /usr/bin/time reports the command's status; keep the first non-zero.
	trc=$(awk -F': ' '/Exit status/ {print $2}' "$tf")
	[ "$rc" = 0 ] && rc=${trc:-0}
	printf '%.1f %.1f %.0f %s' "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)" "$rc"
	rm -f "$tf"
}

fmt_cell() { # wall cpu rss rc
	if [ "$4" = 0 ]; then printf '%s s (cpu %s s) / %s MiB' "$1" "$2" "$3"; else printf '%s s (cpu %s s) / %s MiB (exit %s)' "$1" "$2" "$3" "$4"; fi
}

# summarize NAME JSON — per-module details (Markdown) from the analysis document.
summarize() {
	local name=$1 j=$2
	echo "### $name"
	echo
	jq -r '
	  def pct(a; b): if b == 0 then "-" else ((a * 1000 / b | floor) / 10 | tostring) + " %" end;
	  "- packages \(.summary.packages), units \(.summary.units), skipped entries \(.summary.skipped)",
	  "- SQL statements \(.summary.sql_statements), attributed \(.summary.sql_attributed) (\(pct(.summary.sql_attributed; .summary.sql_statements))); by status: " +
	    ([.sql[] | .status] | group_by(.) | map("\(.[0]) \(length)") | join(", ")),
	  "- SQL via: " + ([.sql[] | .via] | group_by(.) | map("\(.[0]) \(length)") | join(", ")),
	  "- routes \(.summary.routes) (" + ([.routes[] | .router] | group_by(.) | map("\(.[0]) \(length)") | join(", ")) + "), transactions \(.summary.transactions), tables from schema \(.tables | length)",
	  "",
	  "Unresolved statements by reason:",
	  ([.sql[] | select(.status == "unresolved") | (.reason // "-") | sub("\\(.*"; "(…)") ] | group_by(.) | map({r: .[0], n: length}) | sort_by(-.n) | map("- \(.n) × \(.r)") | join("\n")),
	  "",
	  "Recovered statements by reason (first 80 characters):",
	  ([.sql[] | select(.status == "recovered") | (.reason // "-") | .[0:80] ] | group_by(.) | map({r: .[0], n: length}) | sort_by(-.n) | .[0:8] | map("- \(.n) × \(.r)") | join("\n")),
	  "",
	  "Skipped by reason (first 60 characters):",
	  ([.skipped[] | (.reason // "-") | .[0:60] ] | group_by(.) | map({r: .[0], n: length}) | sort_by(-.n) | .[0:12] | map("- \(.n) × \(.r)") | join("\n"))
	' "$j"
	echo
}

echo "| module | commit | Go pkgs | go vet cold | carve cold | go vet warm | carve warm | carve/vet warm | pkgs loaded / skipped | units | SQL | attributed | unresolved | routes | tx | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
details="$WORK/details.md"
: >"$details"
for r in $REPOS; do
	dir="$src/$r"
	name=$(echo "$r" | tr '/' '_')
	if [ ! -f "$dir/go.mod" ]; then
		echo "| $r | - | no go.mod in $dir |||||||||||||"
		continue
	fi
	commit=$(git -C "$dir" rev-parse --short=12 HEAD 2>/dev/null || true)
	if [ -z "$commit" ]; then # an exported tree: a .commit file in the module or a parent
		d=$dir
		while [ "$d" != "$src" ] && [ "$d" != / ] && [ ! -f "$d/.commit" ]; do d=$(dirname "$d"); done
		commit=$(head -c 12 "$d/.commit" 2>/dev/null || echo "?")
	fi
	load=$(cut -d' ' -f1 /proc/loadavg)
	pkgs=$( (cd "$dir" && go list -e ./... 2>>"$log" || true) | wc -l)
	cache="$WORK/gocache-$name"
	rm -rf "$cache"
	mkdir -p "$cache"
	vc="- " cc="- "
	if [ "$COLD" = 1 ]; then
		vc=$(measure "$dir" "$cache" "$WORK/$name.vet-cold.log" go vet ./...)
		cc=$(measure "$dir" "$cache" "$WORK/$name.carve-cold.log" "$CARVE" analyze --format json --out "$WORK/$name.json" .)
		# warm = the same cache again, now filled by the cold go vet (carve itself compiles nothing)
	else
		cache=$(go env GOCACHE)
		(cd "$dir" && go vet ./... >/dev/null 2>&1) || true
	fi
	vw=$(measure "$dir" "$cache" "$WORK/$name.vet-warm.log" go vet ./...)
	cw=$(measure "$dir" "$cache" "$WORK/$name.carve-warm.log" "$CARVE" analyze --format json --out "$WORK/$name.json" .)
	[ "$COLD" = 1 ] && rm -rf "$cache"
	set -- $vw
	vwall=$1 vcpu=$2
	set -- $cw
	cwall=$1 ccpu=$2 crc=$4
	cold_cells="- | -"
	if [ "$COLD" = 1 ]; then
		cold_cells="$(fmt_cell $vc) | $(fmt_cell $cc)"
	fi
	if [ "$crc" != 0 ] || [ ! -s "$WORK/$name.json" ]; then
		msg=$(head -c 200 "$WORK/$name.carve-warm.log" | tr '\n|' '  ')
		echo "| $r | $commit | $pkgs | $cold_cells | $(fmt_cell $vw) | $(fmt_cell $cw) | - | carve: $msg |||||||$load |"
		continue
	fi
	ratio=$(printf '%.1f× (cpu %.1f×)' "$(echo "$cwall / ($vwall + 0.05)" | bc -l)" "$(echo "$ccpu / ($vcpu + 0.05)" | bc -l)")
	jq -r --arg r "$r" --arg c "$commit" --arg p "$pkgs" --arg cold "$cold_cells" --arg vw "$(fmt_cell $vw)" --arg cw "$(fmt_cell $cw)" --arg ratio "$ratio" --arg load "$load" '
	  def pct(a; b): if b == 0 then "-" else ((a * 1000 / b | floor) / 10 | tostring) + " %" end;
	  "| \($r) | \($c) | \($p) | \($cold) | \($vw) | \($cw) | \($ratio) | \(.summary.packages) / \(. as $d | [.skipped[] | select(.what | startswith($d.module))] | length) | \(.summary.units) | \(.summary.sql_statements) | \(.summary.sql_attributed) (\(pct(.summary.sql_attributed; .summary.sql_statements))) | \([.sql[] | select(.status == "unresolved")] | length) | \(.summary.routes) | \(.summary.transactions) | \($load) |"
	' "$WORK/$name.json"
	summarize "$r" "$WORK/$name.json" >"$WORK/$name.summary.md"
	cat "$WORK/$name.summary.md" >>"$details"
done
echo
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB, $(go version | cut -d' ' -f3-); COLD=$COLD"
echo
cat "$details"
echo "(JSON documents and logs: $WORK)" >&2
