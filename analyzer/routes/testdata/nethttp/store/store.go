// Package store is a storage layer handlers are built from.
package store

// Storage is the storage.
type Storage struct{}

// New opens the storage.
func New() *Storage { return &Storage{} }
