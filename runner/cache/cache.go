// Package cache is the optional result cache of the runner. Stages that are expensive and deterministic
// (transcription, expression extraction by an LLM) look up their result under a key derived from their
// inputs before doing the work. The cache is an optimisation only: a nil or Noop cache always misses, and
// callers should treat a cache error like a miss.
package cache

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// Cache is the optional result cache (Redis); a nil/Noop cache always misses. Values are JSON.
type Cache interface {
	// Get decodes the value stored under key into v and reports whether there was one. A miss leaves v
	// untouched.
	Get(ctx context.Context, key string, v any) (bool, error)
	// Set stores v under key for ttl, which must be positive: entries that never expire would fill the
	// server.
	Set(ctx context.Context, key string, v any, ttl time.Duration) error
	// Close releases the connections.
	Close() error
}

// Noop returns a cache that stores nothing and always misses.
func Noop() Cache { return noop{} }

// OrNoop returns c, or Noop() when c is nil, so that code holding an optional cache needs no nil checks.
func OrNoop(c Cache) Cache {
	if c == nil {
		return Noop()
	}
	return c
}

type noop struct{}

// Enabled reports whether c can hold anything: not nil and not Noop.
func Enabled(c Cache) bool {
	if c == nil {
		return false
	}
	_, isNoop := c.(noop)
	return !isNoop
}

func (noop) Get(context.Context, string, any) (bool, error)        { return false, nil }
func (noop) Set(context.Context, string, any, time.Duration) error { return nil }
func (noop) Close() error                                          { return nil }

// Key derives a cache key from its parts: the hex SHA-256 over each part prefixed with its length, so
// that ("ab", "c") and ("a", "bc") give different keys. Callers pass a stage name and version first, so
// that changing a stage's logic retires its old entries.
func Key(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Scoped puts scope in front of key ("<scope>:<key>"), so that entries of different scopes (namespaces) can
// never collide and a Redis ACL user per namespace can be limited to its own (~langflix:<namespace>:*). An
// empty scope leaves key as it is.
func Scoped(scope, key string) string {
	if scope == "" {
		return key
	}
	return scope + ":" + key
}
