// Package platform is the ledger's shared kernel: money in cents, identifiers, logging, JSON
// helpers and database opening. Every feature imports it; it imports no feature.
package platform
