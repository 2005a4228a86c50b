package webserve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// site builds a served folder next to a secret file that must stay out of
// reach, and returns the served folder.
//
//	<tmp>/secret.txt            outside: never served
//	<tmp>/web/index.html
//	<tmp>/web/main.wasm         + main.wasm.gz (same mtime: fresh)
//	<tmp>/web/stale.wasm        + stale.wasm.gz (older: ignored)
//	<tmp>/web/wasm_exec.js, style.css, data.bin
//	<tmp>/web/sub/index.html, <tmp>/web/empty/ (no index)
//	<tmp>/web/out -> ../secret.txt, <tmp>/web/outdir -> ..   (escape)
//	<tmp>/web/in -> index.html                               (stays inside)
func site(t *testing.T) (dir string, wasm []byte) {
	t.Helper()
	tmp := t.TempDir()
	dir = filepath.Join(tmp, "web")
	wasm = bytes.Repeat([]byte("\x00asm\x01\x00\x00\x00wasm-body "), 200)
	files := map[string][]byte{
		"../secret.txt":  []byte("SECRET"),
		"index.html":     []byte("<!doctype html><title>attnviz</title>"),
		"main.wasm":      wasm,
		"stale.wasm":     []byte("new raw body"),
		"wasm_exec.js":   []byte("// go wasm glue"),
		"style.css":      []byte("body{}"),
		"data.bin":       []byte{1, 2, 3},
		"sub/index.html": []byte("<p>sub</p>"),
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeGzip(t, filepath.Join(dir, "main.wasm.gz"), wasm)
	writeGzip(t, filepath.Join(dir, "stale.wasm.gz"), []byte("OLD gz body"))
	now := time.Now()
	for name, mt := range map[string]time.Time{
		"main.wasm": now, "main.wasm.gz": now, // gzip -k keeps the time
		"stale.wasm": now, "stale.wasm.gz": now.Add(-time.Hour),
	} {
		if err := os.Chtimes(filepath.Join(dir, name), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"out": "../secret.txt", "outdir": "..", "in": "index.html"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, wasm
}

func writeGzip(t *testing.T, path string, body []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestHandler(t *testing.T) {
	dir, wasm := site(t)
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path, acceptEnc string
		wantStatus                    int
		wantType, wantEncoding        string
		wantBody                      []byte // after gunzip when encoded; nil: not checked
		wantVary                      bool
	}{
		{"root serves index", "GET", "/", "", 200, "text/html; charset=utf-8", "", []byte("<!doctype html><title>attnviz</title>"), false},
		{"index by name", "GET", "/index.html", "", 200, "text/html; charset=utf-8", "", []byte("<!doctype html><title>attnviz</title>"), false},
		{"wasm raw without gzip", "GET", "/main.wasm", "", 200, "application/wasm", "", wasm, true},
		{"wasm gzip when accepted", "GET", "/main.wasm", "gzip, deflate, br", 200, "application/wasm", "gzip", wasm, true},
		{"wasm raw when gzip refused", "GET", "/main.wasm", "gzip;q=0, br", 200, "application/wasm", "", wasm, true},
		{"stale gz ignored", "GET", "/stale.wasm", "gzip", 200, "application/wasm", "", []byte("new raw body"), false},
		{"gz file itself", "GET", "/main.wasm.gz", "gzip", 200, "application/gzip", "", nil, false},
		{"js mime", "GET", "/wasm_exec.js", "", 200, "text/javascript; charset=utf-8", "", []byte("// go wasm glue"), false},
		{"css mime", "GET", "/style.css", "", 200, "text/css; charset=utf-8", "", []byte("body{}"), false},
		{"unknown ext octet-stream", "GET", "/data.bin", "", 200, "application/octet-stream", "", []byte{1, 2, 3}, false},
		{"head has no body", "HEAD", "/main.wasm", "", 200, "application/wasm", "", []byte{}, true},
		{"sub folder index", "GET", "/sub/", "", 200, "text/html; charset=utf-8", "", []byte("<p>sub</p>"), false},
		{"sub folder redirect", "GET", "/sub", "", 301, "", "", nil, false},
		{"symlink inside ok", "GET", "/in", "", 200, "application/octet-stream", "", []byte("<!doctype html><title>attnviz</title>"), false},
		{"missing 404", "GET", "/nope.js", "", 404, "", "", nil, false},
		{"no listing", "GET", "/empty/", "", 404, "", "", nil, false},
		{"dotdot refused", "GET", "/../secret.txt", "", 404, "", "", nil, false},
		{"dotdot inside refused", "GET", "/sub/../../secret.txt", "", 404, "", "", nil, false},
		{"encoded dotdot refused", "GET", "/%2e%2e/secret.txt", "", 404, "", "", nil, false},
		{"backslash refused", "GET", "/..%5csecret.txt", "", 404, "", "", nil, false},
		{"symlink escape refused", "GET", "/out", "", 404, "", "", nil, false},
		{"symlinked dir escape refused", "GET", "/outdir/secret.txt", "", 404, "", "", nil, false},
		{"post refused", "POST", "/index.html", "", 405, "", "", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.acceptEnc != "" {
				req.Header.Set("Accept-Encoding", tc.acceptEnc)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %q)", res.StatusCode, tc.wantStatus, body)
			}
			if bytes.Contains(body, []byte("SECRET")) {
				t.Fatalf("served the file outside the folder")
			}
			if tc.wantStatus != 200 {
				return
			}
			if got := res.Header.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tc.wantType)
			}
			if got := res.Header.Get("Content-Encoding"); got != tc.wantEncoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tc.wantEncoding)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", got)
			}
			if got := strings.Contains(res.Header.Get("Vary"), "Accept-Encoding"); got != tc.wantVary {
				t.Errorf("Vary has Accept-Encoding = %v, want %v", got, tc.wantVary)
			}
			if tc.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("body is not gzip: %v", err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if tc.wantBody != nil && !bytes.Equal(body, tc.wantBody) {
				t.Errorf("body = %.60q (%d bytes), want %.60q (%d bytes)", body, len(body), tc.wantBody, len(tc.wantBody))
			}
		})
	}
}

// TestHandlerRawTraversal sends traversal paths over a real socket, byte for
// byte, so that no client-side cleaning hides a hole.
func TestHandlerRawTraversal(t *testing.T) {
	dir, _ := site(t)
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, target := range []string{
		"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
		"/..%2fsecret.txt", "/out", "/outdir/secret.txt", "//../secret.txt",
	} {
		t.Run(target, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 200 || bytes.Contains(body, []byte("SECRET")) {
				t.Fatalf("GET %s: status %d, body %q: escaped the folder", target, res.StatusCode, body)
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"deflate, gzip;q=1.0, *;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"gzip;q=0.001", true},
		{"gzip;q=abc", false},
		{"identity", false},
		{"br", false},
		{"*", true},
		{"*;q=0", false},
		{"br, *;q=0.1", true},
		{"gzip;q=0, *", false},
	}
	for _, tc := range tests {
		if got := AcceptsGzip(tc.header); got != tc.want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestContentType(t *testing.T) {
	tests := []struct{ name, want string }{
		{"main.wasm", "application/wasm"},
		{"MAIN.WASM", "application/wasm"},
		{"wasm_exec.js", "text/javascript; charset=utf-8"},
		{"index.html", "text/html; charset=utf-8"},
		{"a/b/c.json", "application/json"},
		{"shot.png", "image/png"},
		{"noext", "application/octet-stream"},
	}
	for _, tc := range tests {
		if got := ContentType(tc.name); got != tc.want {
			t.Errorf("ContentType(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
