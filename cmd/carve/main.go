// Command carve splits a Go monolith into services: it analyses the code and its SQL,
// proposes services and table owners, renders reports, checks boundaries in CI and runs a
// strangler-fig proxy. The command is a thin layer over the analyzer, report and strangler
// packages: it maps flags to options, calls one library function, prints, and picks the exit
// code.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, defined once (golangci-lint style).
const (
	exitOK         = 0 // success, nothing found
	exitViolations = 1 // check found violations (or a comparison failed its threshold)
	exitUsage      = 2 // bad flags, bad config or spec file
	exitAnalysis   = 3 // the analysis could not run on anything useful
)

// exitError carries an exit code through cobra's RunE.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that run exits with code. A nil err stays nil.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// silentExit makes run exit with code without printing anything more (the command already
// reported, e.g. the violations list).
func silentExit(code int) error { return &exitError{code: code} }

var commands []func() *cobra.Command

// register adds a subcommand constructor; each command file calls it from init.
func register(f func() *cobra.Command) { commands = append(commands, f) }

// version is set by the linker (-ldflags "-X main.version=...").
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "carve",
		Short:         "Carve a Go monolith into services, safely",
		Long:          "carve analyses a Go monolith (code, SQL, routes, transactions), proposes services and table owners,\nreports them, checks boundaries in CI and moves traffic with a strangler-fig proxy.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	var cmds []*cobra.Command
	for _, f := range commands {
		cmds = append(cmds, f())
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name() < cmds[j].Name() })
	root.AddCommand(cmds...)
	return root
}

// run executes carve with args and returns the process exit code. Tests call it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(exitUsage, err) })
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "carve:", ee.err)
		}
		return ee.code
	}
	// Errors cobra produces itself (unknown command, wrong arg count) are usage errors.
	fmt.Fprintln(stderr, "carve:", err)
	return exitUsage
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
