// Package ids parses and creates identifiers.
package ids

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
)

// Parse parses a positive decimal id.
func Parse(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("parse id: %q is not a positive integer", s)
	}
	return id, nil
}

// Token returns a random 32-character hex token.
func Token() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}
