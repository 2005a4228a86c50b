// Package webserve is the small static file server behind `make serve`: it
// serves the files of one folder (web/) to a browser for the wasm demo.
//
// It serves only regular files inside that folder: paths with "..", symlinks
// that lead outside the folder and directory listings are refused (404). It
// sets the MIME types the demo needs (.wasm must be application/wasm for
// WebAssembly.instantiateStreaming), sends "Cache-Control: no-cache" so a
// rebuilt main.wasm is picked up on reload, and serves a precompressed
// NAME.gz with "Content-Encoding: gzip" when the browser accepts gzip and the
// .gz is at least as new as NAME.
package webserve

import (
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// contentTypes are the types the demo depends on; other extensions fall back
// to the mime package, then to application/octet-stream.
var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".htm":  "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
	".map":  "application/json",
	".gz":   "application/gzip",
}

// ContentType returns the Content-Type header for a file name.
func ContentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := contentTypes[ext]; ok {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// Handler serves the files under dir. The folder is opened with os.Root, so
// no request (and no symlink inside dir) can reach a file outside it.
func Handler(dir string) (http.Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &handler{root: root}, nil
}

type handler struct {
	root *os.Root
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := cleanName(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	info, err := h.root.Stat(name)
	if err == nil && info.IsDir() {
		// A folder is served only through its index.html; never a listing.
		if !strings.HasSuffix(r.URL.Path, "/") {
			http.Redirect(w, r, path.Base(r.URL.Path)+"/", http.StatusMovedPermanently)
			return
		}
		name = path.Join(name, "index.html")
		info, err = h.root.Stat(name)
	}
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	hdr := w.Header()
	hdr.Set("Content-Type", ContentType(name))
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")

	serveName, modTime := name, info.ModTime()
	if gz, ok := h.gzipSibling(name, info.ModTime()); ok {
		hdr.Add("Vary", "Accept-Encoding")
		if AcceptsGzip(r.Header.Get("Accept-Encoding")) {
			hdr.Set("Content-Encoding", "gzip")
			serveName, modTime = name+".gz", gz.ModTime()
		}
	}
	f, err := h.root.Open(serveName)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	http.ServeContent(w, r, serveName, modTime, f)
}

// gzipSibling reports whether name.gz is a regular file at least as new as
// name (gzip -k keeps the original's time, so equal times count as fresh).
func (h *handler) gzipSibling(name string, orig time.Time) (fs.FileInfo, bool) {
	if strings.HasSuffix(name, ".gz") {
		return nil, false
	}
	info, err := h.root.Stat(name + ".gz")
	if err != nil || !info.Mode().IsRegular() || info.ModTime().Before(orig) {
		return nil, false
	}
	return info, true
}

// cleanName turns a URL path into a name relative to the served folder.
// It refuses any path with a ".." element, a backslash or a NUL byte rather
// than silently cleaning it.
func cleanName(urlPath string) (string, bool) {
	if !strings.HasPrefix(urlPath, "/") || strings.ContainsAny(urlPath, "\\\x00") {
		return "", false
	}
	for _, elem := range strings.Split(urlPath, "/") {
		if elem == ".." {
			return "", false
		}
	}
	name := strings.TrimPrefix(path.Clean(urlPath), "/")
	if name == "" {
		name = "."
	}
	if !fs.ValidPath(name) {
		return "", false
	}
	return name, true
}

// AcceptsGzip reports whether an Accept-Encoding header allows gzip:
// "gzip" or "*" listed with a q-value above zero, and gzip not refused.
func AcceptsGzip(header string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				} else {
					q = 0
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "*":
			starQ = q
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}
