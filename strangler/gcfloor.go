package strangler

import (
	"context"
	"os"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// DefaultHeapFloor is the heap size below which RunHeapFloor keeps the garbage collector
// from running.
const DefaultHeapFloor = 64 << 20

// RunHeapFloor keeps the garbage collector from running before the heap reaches floor bytes,
// until ctx is done (then GOGC is restored). A proxy's live heap is small (a few MiB) while it
// allocates per request, so with the default GOGC=100 the collector runs every 4 MiB
// allocated — tens of times a second under load — and each cycle stops the world twice;
// on a busy machine a stop can wait for a descheduled thread and shows up in the latency tail.
// Once a second RunHeapFloor sets the GC percentage so the next heap goal is at most
// max(2 × live heap, floor); with a larger live heap (a full shadow queue) it is GOGC=100
// again. It changes process-wide settings, so a program calls it once, and only when the user
// has not chosen: carve proxy calls it unless GOGC or GOMEMLIMIT is set.
//
// In a container with a memory limit (cgroup v2 memory.max or v1 memory.limit_in_bytes) the
// floor is at most a quarter of the limit, so a small limit is not outgrown.
func RunHeapFloor(ctx context.Context, floor uint64) {
	if floor == 0 {
		floor = DefaultHeapFloor
	}
	if limit, ok := cgroupMemoryLimit(os.ReadFile); ok {
		floor = min(floor, limit/4)
	}
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	sample := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		rtmetrics.Read(sample)
		debug.SetGCPercent(heapFloorPercent(sample[0].Value.Uint64(), floor))
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// cgroupMemoryLimit returns the memory limit of the process's cgroup (v2, then v1), if any.
func cgroupMemoryLimit(read func(string) ([]byte, error)) (uint64, bool) {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := read(path)
		if err != nil {
			continue
		}
		v := strings.TrimSpace(string(b))
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n == 0 || n >= 1<<60 { // "max", or v1's "unlimited" (a page-rounded MaxInt64)
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// heapMinimum is the Go runtime's minimum heap goal at GOGC=100; the goal is never below
// heapMinimum × GOGC/100.
const heapMinimum = 4 << 20

// heapFloorPercent is the GOGC value whose heap goal is max(2 × live, floor): the runtime's
// goal is max(live × (1 + GOGC/100), heapMinimum × GOGC/100), so both terms are kept at or
// under the floor. live is 0 before the first collection.
func heapFloorPercent(live, floor uint64) int {
	if 2*live >= floor {
		return 100
	}
	pct := floor * 100 / heapMinimum // the minimum-heap term reaches the floor
	if live > 0 {
		pct = min(pct, (floor-live)*100/live)
	}
	return int(max(pct, 100))
}
