#!/usr/bin/env bash
# Proxy benchmark: the same wrk load against the backend directly, through carve proxy and
# through NGINX (upstream keepalive), all on loopback in the same run, alternating rounds.
#
#   bench/proxy/run.sh                 # 3 rounds of 6 s, wrk -t1 -c64
#   ROUNDS=5 DUR=10s CONNS=128 bench/proxy/run.sh
#   GOMAXPROCS_PROXY=1 bench/proxy/run.sh      # GOMAXPROCS of both carve proxies
#   GOGC_PROXY=400 bench/proxy/run.sh          # GOGC of both carve proxies
#   OPEN_ROUNDS=5 RATE=12000 bench/proxy/run.sh   # open-loop phase: rounds, fixed rate
#
# Targets: direct (the backend), carve (defaults: server.engine auto — carve's connection loop
# over http.ReadRequest — and the upstream engine auto — the synchronous HTTP/1.1 direct path),
# carve-std (server.engine std and upstream engine std: net/http's Server, httputil.ReverseProxy
# and Transport), nginx. After the throughput rounds, an open-loop phase
# (bench/proxy/loadgen) measures p50/p99 at half of carve's median throughput against direct,
# carve and nginx, so "added latency" is carve's p99 minus direct's at the same rate.
#
# Installs wrk and nginx with apt-get when missing (needs root). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
OPEN_ROUNDS=${OPEN_ROUNDS:-3}
DUR=${DUR:-6s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-1}
BACKEND_PORT=${BACKEND_PORT:-18081}
CARVE_PORT=${CARVE_PORT:-18080}
CARVE_ADMIN_PORT=${CARVE_ADMIN_PORT:-18090}
CARVE_STD_PORT=${CARVE_STD_PORT:-18083}
CARVE_STD_ADMIN_PORT=${CARVE_STD_ADMIN_PORT:-18093}
NGINX_PORT=${NGINX_PORT:-18082}

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
	apt-get install -y wrk nginx-light >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk nginx-light >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/backend" ./bench/proxy/backend
go build -o "$tmp/carveproxy" ./bench/proxy/carveproxy
go build -o "$tmp/loadgen" ./bench/proxy/loadgen

cat >"$tmp/strangler.yaml" <<YAML
version: 1
listen: 127.0.0.1:$CARVE_PORT
admin: {listen: 127.0.0.1:$CARVE_ADMIN_PORT}
monolith: {url: http://127.0.0.1:$BACKEND_PORT}
services:
  timesale: {url: http://127.0.0.1:$BACKEND_PORT}
routes:
  - {name: sale, match: {path_prefix: /api/sale}, service: timesale, stage: full}
access_log: false
reload: {interval: -1s}
YAML
sed -e "s/127.0.0.1:$CARVE_PORT/127.0.0.1:$CARVE_STD_PORT/" -e "s/127.0.0.1:$CARVE_ADMIN_PORT/127.0.0.1:$CARVE_STD_ADMIN_PORT/" \
	-e "s|timesale: {url: \(.*\)}|timesale: {url: \1, engine: std}|" "$tmp/strangler.yaml" >"$tmp/strangler-std.yaml"
echo "server: {engine: std}" >>"$tmp/strangler-std.yaml"

mkdir -p "$tmp/nginx"
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 256; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
CONF

"$tmp/backend" -listen "127.0.0.1:$BACKEND_PORT" & pids+=($!); backend_pid=$!
if [ -n "${GOMAXPROCS_PROXY:-}" ]; then export GOMAXPROCS=$GOMAXPROCS_PROXY; fi
if [ -n "${GOGC_PROXY:-}" ]; then export GOGC=$GOGC_PROXY; fi
"$tmp/carveproxy" -c "$tmp/strangler.yaml" & pids+=($!); carve_pid=$!
"$tmp/carveproxy" -c "$tmp/strangler-std.yaml" & pids+=($!); carve_std_pid=$!
unset GOMAXPROCS GOGC
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp/nginx" -g 'daemon off;' & pids+=($!); nginx_pid=$!

for port in $BACKEND_PORT $CARVE_PORT $CARVE_STD_PORT $NGINX_PORT; do
	for _ in $(seq 50); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/api/sale/1" && break
		sleep 0.1
	done
done

nginx_worker=$(pgrep -P "$nginx_pid" | head -1)
declare -A procs=([direct]=$backend_pid [carve]=$carve_pid [carve-std]=$carve_std_pid [nginx]=$nginx_worker)
tck=$(getconf CLK_TCK)
# cpu_ticks prints utime+stime of a process in clock ticks.
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

# to_ms converts wrk latency values (123.45us, 1.23ms, 1.2s) to milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}'; }

declare -A rps p50 p99 cpu
targets=(direct carve carve-std nginx)
declare -A urls=([direct]="http://127.0.0.1:$BACKEND_PORT/api/sale/1" [carve]="http://127.0.0.1:$CARVE_PORT/api/sale/1"
	[carve-std]="http://127.0.0.1:$CARVE_STD_PORT/api/sale/1" [nginx]="http://127.0.0.1:$NGINX_PORT/api/sale/1")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r); wrk -t$THREADS -c$CONNS -d$DUR, $ROUNDS rounds" >&2
for r in $(seq "$ROUNDS"); do
	for t in "${targets[@]}"; do
		c0=$(cpu_ticks "${procs[$t]}")
		out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --latency "${urls[$t]}")
		c1=$(cpu_ticks "${procs[$t]}")
		n=$(echo "$out" | awk '/requests in/ {print $1}')
		cpu[$t]+="$(echo "($c1 - $c0) * 1000000 / $tck / $n" | bc -l | xargs printf '%.1f') "
		if echo "$out" | grep -q "Non-2xx\|Socket errors"; then echo "round $r $t: errors: $(echo "$out" | grep "Non-2xx\|Socket errors")" >&2; fi
		rps[$t]+="$(echo "$out" | awk '/Requests\/sec/ {print $2}') "
		p50[$t]+="$(echo "$out" | awk '$1=="50%" {print $2}' | to_ms) "
		p99[$t]+="$(echo "$out" | awk '$1=="99%" {print $2}' | to_ms) "
		echo "round $r $t: $(echo "$out" | awk '/Requests\/sec/ {print $2}') req/s" >&2
	done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "| path | req/s (median) | req/s (rounds) | p50 ms | p99 ms | vs direct | vs NGINX | CPU µs/req of the serving process |"
echo "|---|---|---|---|---|---|---|---|"
dm=$(echo "${rps[direct]}" | median)
nm=$(echo "${rps[nginx]}" | median)
for t in "${targets[@]}"; do
	m=$(echo "${rps[$t]}" | median)
	printf "| %s | %.0f | %s | %s | %s | %.2f | %.2f | %s |\n" "$t" "$m" "${rps[$t]% }" "$(echo "${p50[$t]}" | median)" "$(echo "${p99[$t]}" | median)" \
		"$(echo "$m / $dm" | bc -l)" "$(echo "$m / $nm" | bc -l)" "$(echo "${cpu[$t]}" | median)"
done

# Per-round ratios pair measurements taken seconds apart, so a host that speeds up or slows
# down during the run moves both sides of each ratio alike.
ratios=""
read -ra cr <<<"${rps[carve]}"
read -ra nr <<<"${rps[nginx]}"
for i in "${!cr[@]}"; do ratios+="$(echo "${cr[$i]} / ${nr[$i]}" | bc -l | xargs printf '%.2f') "; done
echo
echo "carve / NGINX per round: ${ratios% }; median $(echo "$ratios" | median)"

half=$(echo "$(echo "${rps[carve]}" | median) / 2" | bc)
half=${RATE:-$half}
echo
echo "Open loop at $half req/s (half of carve's median unless RATE is set), ${DUR} per target, $CONNS connections, $OPEN_ROUNDS round(s) alternating targets; medians:"
echo
declare -A op50 op99 oach
for r in $(seq "$OPEN_ROUNDS"); do
	for t in direct carve nginx; do
		out=$("$tmp/loadgen" -url "${urls[$t]}" -rate "$half" -c "$CONNS" -d "$DUR")
		echo "open round $r $t: $out" >&2
		oach[$t]+="$(echo "$out" | sed -n 's/.*achieved=\([^ ]*\).*/\1/p') "
		op50[$t]+="$(echo "$out" | sed -n 's/.*p50=\([^ ]*\).*/\1/p') "
		op99[$t]+="$(echo "$out" | sed -n 's/.*p99=\([^ ]*\).*/\1/p') "
	done
done
echo "| path | achieved req/s | p50 ms | p99 ms | p99 ms (rounds) |"
echo "|---|---|---|---|---|"
for t in direct carve nginx; do
	echo "| $t | $(echo "${oach[$t]}" | median) | $(echo "${op50[$t]}" | median) | $(echo "${op99[$t]}" | median) | ${op99[$t]% } |"
done
