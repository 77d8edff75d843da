package strangler

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// identityBridge validates the monolith's session once at the edge and signs the identity
// for carved services. Its cache is guarded by a mutex (off the path of requests that carry
// no session cookie or go to the monolith).
type identityBridge struct {
	name     string // canonical header name
	cookie   string
	url      string
	key      []byte
	cacheTTL time.Duration
	ttl      time.Duration
	client   *http.Client
	now      func() time.Time

	mu    sync.Mutex
	cache map[[32]byte]idEntry
}

type idEntry struct {
	payload []byte // nil = not logged in
	exp     time.Time
}

const maxIdentityCache = 10000

func newIdentityBridge(c *Identity, getenv func(string) string, t Timeouts) (*identityBridge, error) {
	key := getenv(c.KeyEnv)
	if len(key) < 32 {
		return nil, fmt.Errorf("identity: environment variable %q must hold a key of at least 32 bytes", c.KeyEnv)
	}
	b := &identityBridge{
		name:     http.CanonicalHeaderKey(orDefault(c.Header, "X-Carve-Identity")),
		cookie:   c.Cookie,
		url:      c.ValidateURL,
		key:      []byte(key),
		cacheTTL: c.CacheTTL,
		ttl:      c.TTL,
		now:      time.Now,
		cache:    map[[32]byte]idEntry{},
	}
	b.cacheTTL = positiveOr(b.cacheTTL, 5*time.Second)
	b.ttl = positiveOr(b.ttl, 60*time.Second)
	timeout := t.Response
	if timeout <= 0 || timeout > 5*time.Second {
		timeout = 5 * time.Second
	}
	b.client = &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b, nil
}

// header returns the signed identity header value for r, or "" when r has no valid session.
func (b *identityBridge) header(r *http.Request) string {
	session, ok := cookieValue(r.Header, b.cookie)
	if !ok {
		return ""
	}
	k := sha256.Sum256([]byte(session))
	now := b.now()
	b.mu.Lock()
	e, hit := b.cache[k]
	b.mu.Unlock()
	if !hit || now.After(e.exp) {
		payload, definitive := b.validate(r.Context(), session)
		e = idEntry{payload: payload, exp: now.Add(b.cacheTTL)}
		if definitive {
			// Only answers are cached: a transport error or a cancelled client must not mark
			// the session as logged out for cache_ttl.
			b.mu.Lock()
			if len(b.cache) >= maxIdentityCache {
				clear(b.cache)
			}
			b.cache[k] = e
			b.mu.Unlock()
		}
	}
	if e.payload == nil {
		return ""
	}
	return SignIdentity(b.key, e.payload, now.Add(b.ttl))
}

// validate asks the monolith about session. definitive is false when no answer was received.
func (b *identityBridge) validate(ctx context.Context, session string) (payload []byte, definitive bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.url, nil)
	if err != nil {
		return nil, false
	}
	req.AddCookie(&http.Cookie{Name: b.cookie, Value: session})
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4097))
	if err != nil {
		return nil, false
	}
	if resp.StatusCode >= 500 {
		return nil, false
	}
	if resp.StatusCode != http.StatusOK || len(body) > 4096 {
		return nil, true
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, true
	}
	return body, true
}

// SignIdentity returns the identity header value for payload, valid until exp:
// "v1.<unix exp>.<base64url payload>.<base64url HMAC-SHA256(key, "v1.<exp>.<payload b64>")>".
func SignIdentity(key, payload []byte, exp time.Time) string {
	msg := "v1." + strconv.FormatInt(exp.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(payload)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return msg + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Identity verification errors.
var (
	ErrIdentityInvalid = errors.New("identity header invalid")
	ErrIdentityExpired = errors.New("identity header expired")
)

// VerifyIdentity checks a header made by SignIdentity with key at time now and returns the
// payload (the monolith's validation answer). Carved services call it; errors are
// ErrIdentityInvalid or ErrIdentityExpired.
func VerifyIdentity(header string, key []byte, now time.Time) ([]byte, error) {
	parts := strings.Split(header, ".")
	if len(parts) != 4 || parts[0] != "v1" {
		return nil, ErrIdentityInvalid
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		return nil, ErrIdentityInvalid
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(parts[0] + "." + parts[1] + "." + parts[2]))
	if subtle.ConstantTimeCompare(sig, m.Sum(nil)) != 1 {
		return nil, ErrIdentityInvalid
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, ErrIdentityInvalid
	}
	if now.Unix() > exp {
		return nil, ErrIdentityExpired
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, ErrIdentityInvalid
	}
	return payload, nil
}
