package strangler

import (
	"sync/atomic"
	"time"
)

// BreakerState is the state of an upstream's circuit breaker.
type BreakerState int32

// Breaker states: closed (traffic flows), open (the service is skipped; carved routes fall
// back to the monolith), half-open (one probe at a time decides).
const (
	BreakerClosed BreakerState = iota
	BreakerOpen
	BreakerHalfOpen
)

// String returns closed, open or half-open.
func (s BreakerState) String() string {
	switch s {
	case BreakerOpen:
		return "open"
	case BreakerHalfOpen:
		return "half-open"
	default:
		return "closed"
	}
}

// breaker is a consecutive-failure circuit breaker with single-probe half-open state. All
// fields are atomics: it is used on the request path without locks.
type breaker struct {
	failures  int32
	successes int32
	open      time.Duration
	now       func() time.Time

	state     atomic.Int32
	fails     atomic.Int32
	succ      atomic.Int32
	openUntil atomic.Int64
	probing   atomic.Bool
	onChange  func(BreakerState)
}

func newBreaker(c Breaker) *breaker {
	b := &breaker{failures: int32(c.Failures), successes: int32(c.Successes), open: c.Open, now: time.Now}
	b.failures = positiveOr(b.failures, 5)
	b.successes = positiveOr(b.successes, 2)
	b.open = positiveOr(b.open, 10*time.Second)
	return b
}

// State returns the current state, moving open to half-open when the open period is over.
func (b *breaker) State() BreakerState {
	s := BreakerState(b.state.Load())
	if s == BreakerOpen && b.now().UnixNano() >= b.openUntil.Load() {
		return BreakerHalfOpen
	}
	return s
}

// allow reports whether a request may go to the upstream, and whether it is the half-open
// probe (whose result must be reported with probe=true).
func (b *breaker) allow() (ok, probe bool) {
	switch BreakerState(b.state.Load()) {
	case BreakerClosed:
		return true, false
	case BreakerOpen:
		if b.now().UnixNano() < b.openUntil.Load() {
			return false, false
		}
		if b.state.CompareAndSwap(int32(BreakerOpen), int32(BreakerHalfOpen)) {
			b.succ.Store(0)
			b.changed(BreakerHalfOpen)
		}
	}
	if b.probing.CompareAndSwap(false, true) {
		return true, true
	}
	return false, false
}

// result records the outcome of a request allowed by allow.
func (b *breaker) result(ok, probe bool) {
	if probe {
		defer b.probing.Store(false)
		if BreakerState(b.state.Load()) != BreakerHalfOpen {
			return
		}
		if !ok {
			b.trip(BreakerHalfOpen)
			return
		}
		if b.succ.Add(1) >= b.successes && b.state.CompareAndSwap(int32(BreakerHalfOpen), int32(BreakerClosed)) {
			b.fails.Store(0)
			b.changed(BreakerClosed)
		}
		return
	}
	if BreakerState(b.state.Load()) != BreakerClosed {
		return
	}
	if ok {
		if b.fails.Load() != 0 {
			b.fails.Store(0)
		}
		return
	}
	if b.fails.Add(1) >= b.failures {
		b.trip(BreakerClosed)
	}
}

// release gives the probe slot back when a probe ended without a result (client gone).
func (b *breaker) release() { b.probing.Store(false) }

func (b *breaker) trip(from BreakerState) {
	b.openUntil.Store(b.now().Add(b.open).UnixNano())
	if b.state.CompareAndSwap(int32(from), int32(BreakerOpen)) {
		b.fails.Store(0)
		b.changed(BreakerOpen)
	}
}

func (b *breaker) changed(s BreakerState) {
	if b.onChange != nil {
		b.onChange(s)
	}
}
