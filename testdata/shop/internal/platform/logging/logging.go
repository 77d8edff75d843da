// Package logging builds the shop's structured logger.
package logging

import (
	"io"
	"log/slog"
)

// New returns a text logger writing to w with the service name attached.
func New(w io.Writer, service string) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})).With("service", service)
}
