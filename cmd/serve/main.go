// Command serve serves the browser demo of attnviz (web/) on 127.0.0.1.
//
//	go run ./cmd/serve [-addr 127.0.0.1:8080] [-dir web]
//
// PORT=8081 changes the port when -addr is not given. It prints one line
// with the URL once it listens and stops cleanly on Ctrl+C (SIGINT) or
// SIGTERM. A busy port or a missing web/main.wasm is one line on standard
// error and exit status 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/attnviz/attnviz/internal/webserve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv("PORT"), os.Stdout, os.Stderr))
}

// run is main without the process; it returns the exit status.
func run(ctx context.Context, args []string, envPort string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", webserve.DefaultAddr, "listen address host:port (PORT=N also sets the port)")
	dir := fs.String("dir", "web", "folder to serve (must hold main.wasm)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected argument %q (flags: -addr, -dir)\n", fs.Arg(0))
		return 2
	}
	addrSet := false
	fs.Visit(func(f *flag.Flag) { addrSet = addrSet || f.Name == "addr" })

	listenAddr, err := webserve.ResolveAddr(*addr, addrSet, envPort)
	if err != nil {
		return fail(stderr, err)
	}
	if err := webserve.CheckDir(*dir); err != nil {
		return fail(stderr, err)
	}
	h, err := webserve.Handler(*dir)
	if err != nil {
		return fail(stderr, err)
	}
	ln, err := webserve.Listen(listenAddr)
	if err != nil {
		return fail(stderr, err)
	}
	if err := webserve.Serve(ctx, ln, h, stdout); err != nil {
		return fail(stderr, err)
	}
	return 0
}

func fail(w io.Writer, err error) int {
	fmt.Fprintln(w, "serve:", err)
	return 1
}
