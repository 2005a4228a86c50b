package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs `bash bench/run.sh --smoke` (what `make bench` runs, on
// tiny sizes and short times) and checks that every section produced its
// rows: the harness builds, drives Chromium, Xvfb, the desktop app and
// PyTorch, and agrees with PyTorch. The figures themselves are not checked.
func TestSmoke(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.md")
	start := time.Now()
	cmd := exec.Command("bash", filepath.Join("..", "..", "run.sh"), "--smoke", "-out", out)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	t.Logf("bench/run.sh --smoke took %s", time.Since(start).Round(time.Second))
	if err != nil {
		t.Fatalf("bench/run.sh --smoke: %v\n%s", err, stdout)
	}
	report, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	md := string(report)
	if string(stdout) != md {
		t.Errorf("the printed table differs from the written report")
	}
	for _, want := range []struct{ what, text string }{
		{"smoke banner", "**Smoke run**"},
		{"core rows", "| 1 | core text→trace T=3 d=8 H=2 |"},
		{"torch agreement", "agree on every shape"},
		{"wasm rows", "| 2 | browser (wasm) vs native T=8 d=16 H=4 |"},
		{"edit-to-frame row", "| 3 | edit to frame, T=16"},
		{"idle rows (browser)", "| 4 | idle CPU in Chromium"},
		{"idle rows (desktop)", "| 4 | idle CPU, desktop app under Xvfb"},
		{"size rows", "| 5 | wasm size, gzip -9 |"},
		{"memory row", "| 6 | Go heap after 200 random edits"},
	} {
		if !strings.Contains(md, want.text) {
			t.Errorf("report has no %s (%q):\n%s", want.what, want.text, md)
		}
	}
	if strings.Contains(md, "not measured") || strings.Contains(md, "failed to run") {
		t.Errorf("a section did not measure:\n%s", md)
	}
}
