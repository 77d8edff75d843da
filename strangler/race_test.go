//go:build race

package strangler

// raceEnabled reports a -race build (allocation counts differ under the race detector).
const raceEnabled = true
