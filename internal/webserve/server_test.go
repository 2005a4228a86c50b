package webserve

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestResolveAddr(t *testing.T) {
	tests := []struct {
		flagAddr string
		flagSet  bool
		env      string
		want     string
		wantErr  string
	}{
		{DefaultAddr, false, "", "127.0.0.1:8080", ""},
		{DefaultAddr, false, "9000", "127.0.0.1:9000", ""},
		{DefaultAddr, false, "0", "127.0.0.1:0", ""},
		{"0.0.0.0:7000", true, "9000", "0.0.0.0:7000", ""}, // the flag wins
		{DefaultAddr, false, "abc", "", "PORT="},
		{DefaultAddr, false, "70000", "", "PORT="},
		{DefaultAddr, false, "-1", "", "PORT="},
		{"8080", true, "", "", "-addr"},
	}
	for _, tc := range tests {
		got, err := ResolveAddr(tc.flagAddr, tc.flagSet, tc.env)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ResolveAddr(%q,%v,%q) error = %v, want one mentioning %q", tc.flagAddr, tc.flagSet, tc.env, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ResolveAddr(%q,%v,%q) = %q, %v; want %q", tc.flagAddr, tc.flagSet, tc.env, got, err, tc.want)
		}
	}
}

func TestCheckDir(t *testing.T) {
	withWasm := t.TempDir()
	os.WriteFile(filepath.Join(withWasm, "main.wasm"), []byte("\x00asm"), 0o644)
	noWasm := t.TempDir()
	wasmIsDir := t.TempDir()
	os.Mkdir(filepath.Join(wasmIsDir, "main.wasm"), 0o755)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	tests := []struct {
		dir, wantErr string
	}{
		{withWasm, ""},
		{noWasm, "make wasm"},
		{wasmIsDir, "make wasm"},
		{filepath.Join(noWasm, "absent"), "not a folder"},
		{file, "not a folder"},
	}
	for _, tc := range tests {
		err := CheckDir(tc.dir)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("CheckDir(%s) = %v, want nil", tc.dir, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n") {
			t.Errorf("CheckDir(%s) = %v, want one line mentioning %q", tc.dir, err, tc.wantErr)
		}
	}
}

func TestListenBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ln, err := Listen(busy.Addr().String())
	if err == nil {
		ln.Close()
		t.Fatal("Listen on a busy port succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "already in use") || !regexp.MustCompile(`PORT=\d+`).MatchString(msg) || strings.Contains(msg, "\n") {
		t.Errorf("busy-port error = %q, want one line saying it is in use and suggesting PORT=...", msg)
	}
}

func TestBannerAndURL(t *testing.T) {
	tests := []struct{ addr, wantURL string }{
		{"127.0.0.1:0", `^http://127\.0\.0\.1:\d+/$`},
		{"[::1]:0", `^http://\[::1\]:\d+/$`},
	}
	for _, tc := range tests {
		ln, err := net.Listen("tcp", tc.addr)
		if err != nil {
			t.Logf("skipping %s: %v", tc.addr, err) // no IPv6 loopback here
			continue
		}
		if u := URL(ln); !regexp.MustCompile(tc.wantURL).MatchString(u) {
			t.Errorf("URL(%s) = %q, want match %s", tc.addr, u, tc.wantURL)
		}
		want := "attnviz is running at " + URL(ln) + " — press Ctrl+C to stop"
		if b := Banner(ln); b != want {
			t.Errorf("Banner = %q, want %q", b, want)
		}
		ln.Close()
	}
}

// TestServeShutsDown serves real requests, then ends the context and checks
// that Serve returns cleanly and printed exactly one line.
func TestServeShutsDown(t *testing.T) {
	dir, wasm := site(t)
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, &out) }()

	res, err := http.Get(URL(ln) + "main.wasm")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	// Go's client asks for gzip and decodes it transparently.
	if res.StatusCode != 200 || !bytes.Equal(body, wasm) {
		t.Fatalf("GET main.wasm: status %d, %d bytes, want 200 and %d bytes", res.StatusCode, len(body), len(wasm))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after shutdown, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the context ended")
	}
	if got, want := out.String(), Banner(ln)+"\n"; got != want {
		t.Errorf("output = %q, want exactly %q", got, want)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}
