// Command testsummary reads `go test -json` streams and prints what a person
// needs: one line per package, the full output of every failed test, and a
// closing line "tests: N passed, N failed, N skipped". It exits 1 when any
// test or package failed, or when no test ran at all.
//
//	go test -json ./... > a.json; go run ./internal/cmd/testsummary a.json b.json
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Elapsed    float64
	Output     string
}

type counts struct{ passed, failed, skipped int }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testsummary FILE.json ...")
		os.Exit(2)
	}
	var total counts
	badPackages := 0
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(2)
		}
		c, bad := summarize(f, os.Stdout, name)
		f.Close()
		total.passed += c.passed
		total.failed += c.failed
		total.skipped += c.skipped
		badPackages += bad
	}
	fmt.Printf("tests: %d passed, %d failed, %d skipped\n", total.passed, total.failed, total.skipped)
	if total.failed > 0 || badPackages > 0 || total.passed == 0 {
		if badPackages > 0 {
			fmt.Printf("%d package(s) failed to build or failed outside a test\n", badPackages)
		}
		os.Exit(1)
	}
}

// summarize prints one stream's results and returns its counts and the
// number of packages that failed without a failing test (build errors,
// panics in TestMain, timeouts).
func summarize(r io.Reader, w io.Writer, label string) (counts, int) {
	var c counts
	output := map[string]*strings.Builder{} // package/test -> output
	failedTests := map[string]bool{}
	pkgFailedTests := map[string]int{}
	var pkgLines []string
	badPackages := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not JSON: vet or build output printed outside the stream.
			fmt.Fprintf(w, "%s\n", line)
			continue
		}
		key := e.Package + "/" + e.Test
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			if b.Len() < 64<<10 {
				b.WriteString(e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test != "" {
				switch e.Action {
				case "pass":
					c.passed++
				case "fail":
					c.failed++
					failedTests[key] = true
					pkgFailedTests[e.Package]++
				case "skip":
					c.skipped++
				}
				continue
			}
			status := map[string]string{"pass": "ok  ", "fail": "FAIL", "skip": "?   "}[e.Action]
			pkgLines = append(pkgLines, fmt.Sprintf("%s %s %.1fs", status, e.Package, e.Elapsed))
			if e.Action == "fail" && pkgFailedTests[e.Package] == 0 {
				badPackages++
				if b := output[key]; b != nil {
					fmt.Fprintf(w, "--- package %s failed:\n%s", e.Package, b.String())
				}
			}
		}
	}
	keys := make([]string, 0, len(failedTests))
	for k := range failedTests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		// Print only the innermost failures' output once: a parent test's
		// output already contains its subtests' lines.
		if hasFailedChild(k, failedTests) {
			continue
		}
		out := ""
		if b := output[k]; b != nil {
			out = b.String()
		}
		fmt.Fprintf(w, "--- FAIL %s\n%s", k, out)
	}
	for _, l := range pkgLines {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintf(w, "%s: %d passed, %d failed, %d skipped\n", label, c.passed, c.failed, c.skipped)
	return c, badPackages
}

func hasFailedChild(k string, failed map[string]bool) bool {
	for other := range failed {
		if strings.HasPrefix(other, k+"/") {
			return true
		}
	}
	return false
}
