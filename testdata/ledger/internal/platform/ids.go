package platform

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"
)

// ID is a database row identifier.
type ID int64

// ParseID parses a positive decimal identifier.
func ParseID(s string) (ID, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("parse id %q: not a positive integer", s)
	}
	return ID(n), nil
}

// PathID reads the gorilla/mux path variable name as an ID.
func PathID(r *http.Request, name string) (ID, error) {
	return ParseID(mux.Vars(r)[name])
}

// NewToken returns 32 random bytes, hex encoded.
func NewToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// HashToken returns the hex SHA-256 of a token, as stored in the database.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
