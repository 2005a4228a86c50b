package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunErrors checks the one-line messages for the mistakes a newcomer makes.
func TestRunErrors(t *testing.T) {
	noWasm := t.TempDir()
	withWasm := t.TempDir()
	os.WriteFile(filepath.Join(withWasm, "main.wasm"), []byte("\x00asm"), 0o644)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, busyPort, _ := net.SplitHostPort(busy.Addr().String())

	tests := []struct {
		name     string
		args     []string
		envPort  string
		wantCode int
		wantErr  string
	}{
		{"missing wasm", []string{"-dir", noWasm, "-addr", "127.0.0.1:0"}, "", 1, "make wasm"},
		{"missing dir", []string{"-dir", filepath.Join(noWasm, "x")}, "", 1, "not a folder"},
		{"busy port by flag", []string{"-dir", withWasm, "-addr", busy.Addr().String()}, "", 1, "PORT="},
		{"busy port by env", []string{"-dir", withWasm}, busyPort, 1, "already in use"},
		{"bad PORT", []string{"-dir", withWasm}, "eighty", 1, "PORT="},
		{"stray argument", []string{"-dir", withWasm, "extra"}, "", 2, "unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, tc.envPort, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit code = %d, want %d", code, tc.wantCode)
			}
			msg := stderr.String()
			if !strings.Contains(msg, tc.wantErr) || strings.Count(msg, "\n") != 1 {
				t.Errorf("stderr = %q, want one line mentioning %q", msg, tc.wantErr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing on failure", stdout.String())
			}
		})
	}
}

// TestServeProcess builds the real command, runs it, reads its one line,
// fetches the page and stops it with SIGINT and SIGTERM.
func TestServeProcess(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "serve")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.wasm"), []byte("\x00asm\x01\x00\x00\x00"), 0o644)
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<title>attnviz</title>"), 0o644)

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "-dir", dir)
			cmd.Env = append(os.Environ(), "PORT=0")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill() })

			lines := make(chan string, 4)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var line string
			select {
			case line = <-lines:
			case <-time.After(20 * time.Second):
				t.Fatalf("no line printed within 20 s; stderr %q", stderr.String())
			}
			m := regexp.MustCompile(`^attnviz is running at (http://127\.0\.0\.1:\d+/) — press Ctrl\+C to stop$`).FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("first line = %q, want the URL line", line)
			}
			res, err := http.Get(m[1])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || string(body) != "<title>attnviz</title>" {
				t.Fatalf("GET %s: %d %q", m[1], res.StatusCode, body)
			}
			res, err = http.Get(m[1] + "main.wasm")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if ct := res.Header.Get("Content-Type"); ct != "application/wasm" {
				t.Errorf("main.wasm Content-Type = %q", ct)
			}

			cmd.Process.Signal(sig)
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			select {
			case err := <-waited:
				if err != nil {
					t.Errorf("after %v: %v (stderr %q), want exit 0", sig, err, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10 s after %v", sig)
			}
			if rest, ok := <-lines; ok {
				t.Errorf("printed more than one line: %q", rest)
			}
		})
	}
}
