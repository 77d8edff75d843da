// Command carveproxy runs the strangler proxy from a config file exactly as `carve proxy -c`
// does (strangler.Load, strangler.New, Run until SIGINT/SIGTERM), without the rest of the CLI,
// so the benchmark does not depend on the analyzer building.
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/carve-go/carve/strangler"
)

func main() {
	path := flag.String("c", "strangler.yaml", "config file")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file until exit")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	cfg, err := strangler.Load(*path)
	if err != nil {
		log.Fatal(err)
	}
	p, err := strangler.New(cfg, strangler.Options{ConfigPath: *path, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		go strangler.RunHeapFloor(ctx, strangler.DefaultHeapFloor) // as carve proxy does
	}
	if err := p.Run(ctx); err != nil {
		log.Print(err)
	}
}
