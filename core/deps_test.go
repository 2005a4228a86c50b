//go:build !js

// This test runs the go command, so it is left out of the js/wasm build.
package core_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// forbidden are packages the core (and viz outside viz/ebitenapp) must never
// link: Ebiten panics at init without a display, syscall/js exists only in
// the browser build.
var forbidden = []string{"github.com/hajimehoshi/ebiten", "syscall/js"}

// forbiddenIn returns the forbidden packages that a non-standard package in
// the listing links: each line is "importpath standard import...", as
// printed by listFormat. Only our own and third-party packages count: under
// GOOS=js the standard library itself uses syscall/js, which is fine.
func forbiddenIn(lines []string) []string {
	var bad []string
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 2 || f[1] == "true" {
			continue
		}
		for _, p := range append([]string{f[0]}, f[2:]...) {
			for _, x := range forbidden {
				if p == x || strings.HasPrefix(p, x+"/") {
					bad = append(bad, f[0]+" -> "+p)
				}
			}
		}
	}
	return bad
}

const listFormat = `{{.ImportPath}} {{.Standard}} {{join .Imports " "}}`

func TestForbiddenIn(t *testing.T) {
	tests := []struct {
		lines []string
		want  int
	}{
		{[]string{"fmt true io os", "example.com/core false fmt gonum.org/v1/gonum/mat"}, 0},
		{[]string{"example.com/core false fmt github.com/hajimehoshi/ebiten/v2"}, 1},
		{[]string{"example.com/core false syscall/js", "github.com/hajimehoshi/ebiten/v2/text/v2 false fmt"}, 2},
		{[]string{"os true syscall/js", "example.com/core false syscall github.com/hajimehoshi/ebitenish"}, 0},
	}
	for _, tc := range tests {
		if got := forbiddenIn(tc.lines); len(got) != tc.want {
			t.Errorf("forbiddenIn(%q) = %v, want %d entries", tc.lines, got, tc.want)
		}
	}
}

// moduleRoot is the folder holding go.mod, found above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = filepath.Dir(dir)
	}
}

// goList runs "go list" in the module root and returns its output lines;
// any failure (go missing, packages that do not build) fails the test.
func goList(t *testing.T, root string, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = root
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list %s failed: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return strings.Split(strings.TrimSpace(out.String()), "\n")
}

// hasGoFiles reports whether dir (recursively) holds any .go file.
func hasGoFiles(t *testing.T, dir string) bool {
	found := false
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return found
}

// TestNoGraphicsOrBrowserDependencies fails if core (or viz, apart from
// viz/ebitenapp, the one package meant to import Ebiten) links Ebiten or
// syscall/js, for the native and the js/wasm build alike.
func TestNoGraphicsOrBrowserDependencies(t *testing.T) {
	root := moduleRoot(t)
	roots := []string{"./core/..."}
	if hasGoFiles(t, filepath.Join(root, "viz")) {
		for _, p := range goList(t, root, "./viz/...") {
			if !strings.Contains(p+"/", "/viz/ebitenapp/") {
				roots = append(roots, p)
			}
		}
	}
	for _, goos := range []string{"", "js"} {
		args := append([]string{"-deps", "-f", listFormat}, roots...)
		if goos == "js" {
			t.Setenv("GOOS", "js")
			t.Setenv("GOARCH", "wasm")
		}
		deps := goList(t, root, args...)
		if len(deps) < 10 {
			t.Fatalf("go list -deps %v gave only %v: cannot check", roots, deps)
		}
		if !hasPackage(deps, "github.com/attnviz/attnviz/core") || !hasPackage(deps, "gonum.org/v1/gonum/mat") {
			t.Fatalf("go list -deps %v does not list core and gonum: the check would see nothing", roots)
		}
		if bad := forbiddenIn(deps); len(bad) > 0 {
			t.Errorf("GOOS=%s: %v depend on %v; core and viz must stay free of graphics and browser packages ",
				goos, roots, bad)
		}
	}
}

func hasPackage(lines []string, path string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, path+" ") {
			return true
		}
	}
	return false
}
