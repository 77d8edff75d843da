package strangler

import (
	"math/rand/v2"
	"net/http"
	"strings"
)

// variant is who answers a request.
type variant uint8

const (
	variantMonolith variant = iota // the monolith, by route decision
	variantService                 // the carved service
	variantFallback                // the monolith, because the service was unavailable
	variantProxy                   // the proxy itself (rejections, redirects, retired answers)
	numVariants
)

var variantNames = [numVariants]string{"monolith", "service", "fallback", "proxy"}

func (v variant) String() string { return variantNames[v] }

// weightScale is the bucket space of the canary split: weight percent × 100 buckets.
const weightScale = 10000

// Bucket returns the canary bucket (0–9999) of key for route: the service gets a request when
// Bucket < weight×100. The hash is deterministic (FNV-1a 64 of route and key, finalized with
// a 64-bit mixer), so every replica decides the same, and raising the weight only moves keys
// from the monolith to the service.
func Bucket(route, key string) uint32 {
	const off, prime = 14695981039346656037, 1099511628211
	h := uint64(off)
	for i := 0; i < len(route); i++ {
		h ^= uint64(route[i])
		h *= prime
	}
	h ^= 0
	h *= prime
	for i := 0; i < len(key); i++ {
		h ^= uint64(key[i])
		h *= prime
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return uint32(h % weightScale)
}

// choose decides the variant of a request for rt, before breaker checks.
func (rt *route) choose(r *http.Request, t *table) variant {
	if rt.stage == StageRetired {
		return variantService
	}
	if rt.allowOverride {
		if v, ok := t.override(r); ok {
			return v
		}
	}
	switch rt.stage {
	case StageFull:
		return variantService
	case StageShadow:
		return variantMonolith
	}
	if rt.weight == 0 {
		return variantMonolith
	}
	if rt.weight >= weightScale {
		return variantService
	}
	var b uint32
	key, ok := "", false
	switch {
	case rt.stickyHeader != "":
		if vs := r.Header[rt.stickyHeader]; len(vs) > 0 && vs[0] != "" {
			key, ok = vs[0], true
		}
	case rt.stickyCookie != "":
		key, ok = cookieValue(r.Header, rt.stickyCookie)
	}
	if ok {
		b = Bucket(rt.name, key)
	} else {
		b = rand.Uint32N(weightScale)
	}
	if b < rt.weight {
		return variantService
	}
	return variantMonolith
}

// override reads the client's variant override: header first, then cookie.
func (t *table) override(r *http.Request) (variant, bool) {
	if vs := r.Header[t.overrideHeader]; len(vs) > 0 {
		if v, ok := parseVariant(vs[0]); ok {
			return v, true
		}
	}
	if c, ok := cookieValue(r.Header, t.overrideCookie); ok {
		return parseVariant(c)
	}
	return 0, false
}

func parseVariant(s string) (variant, bool) {
	switch s {
	case "service":
		return variantService, true
	case "monolith":
		return variantMonolith, true
	}
	return 0, false
}

// cookieValue finds a cookie without parsing all cookies into a slice.
func cookieValue(h http.Header, name string) (string, bool) {
	if name == "" {
		return "", false
	}
	for _, line := range h["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimSpace(part)
			k, v, ok := strings.Cut(part, "=")
			if ok && k == name {
				if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
					v = v[1 : len(v)-1]
				}
				return v, v != ""
			}
		}
	}
	return "", false
}
