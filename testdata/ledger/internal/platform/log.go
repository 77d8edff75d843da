package platform

import (
	"log/slog"
	"os"
)

// Logger is the process-wide structured logger.
var Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
