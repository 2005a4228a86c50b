package webserve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// DefaultAddr is where `make serve` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8080"

// ResolveAddr picks the listen address: an explicit -addr flag wins, then the
// PORT environment variable (on 127.0.0.1), then DefaultAddr.
func ResolveAddr(flagAddr string, flagSet bool, envPort string) (string, error) {
	if flagSet {
		if _, _, err := net.SplitHostPort(flagAddr); err != nil {
			return "", fmt.Errorf("-addr %q: expected host:port, e.g. 127.0.0.1:8080", flagAddr)
		}
		return flagAddr, nil
	}
	if envPort != "" {
		p, err := strconv.Atoi(envPort)
		if err != nil || p < 0 || p > 65535 {
			return "", fmt.Errorf("PORT=%q: expected a port number 0..65535, e.g. PORT=8081", envPort)
		}
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil
	}
	return DefaultAddr, nil
}

// CheckDir checks that dir is a folder holding the built demo (main.wasm),
// and says what to do when it is not.
func CheckDir(dir string) error {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return fmt.Errorf("%s is not a folder; run this from the attnviz repository root or pass -dir", dir)
	}
	wasm, err := os.Stat(filepath.Join(dir, "main.wasm"))
	if err != nil || !wasm.Mode().IsRegular() {
		return fmt.Errorf("%s is missing; build it first with `make wasm`", filepath.Join(dir, "main.wasm"))
	}
	return nil
}

// Listen opens a TCP listener, turning "address already in use" into advice.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		port := 8081
		if _, p, perr := net.SplitHostPort(addr); perr == nil {
			if n, aerr := strconv.Atoi(p); aerr == nil && n > 0 && n < 65535 {
				port = n + 1
			}
		}
		return nil, fmt.Errorf("%s is already in use (another server running?); choose another port, e.g. PORT=%d make serve", addr, port)
	}
	return nil, fmt.Errorf("cannot listen on %s: %v", addr, err)
}

// URL is the address a person types into a browser for a listener.
func URL(ln net.Listener) string {
	host, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		return "http://" + ln.Addr().String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// Banner is the one line printed once the server listens.
func Banner(ln net.Listener) string {
	return "attnviz is running at " + URL(ln) + " — press Ctrl+C to stop"
}

// Serve serves h on ln, prints Banner to out, and shuts down gracefully
// (waiting up to 5 s for requests in flight) when ctx ends.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, out io.Writer) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintln(out, Banner(ln))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
