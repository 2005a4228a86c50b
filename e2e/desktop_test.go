//go:build linux

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/attnviz/attnviz/viz"
)

// Window and virtual screen sizes of the desktop tests.
const (
	desktopW, desktopH = 1280, 800
	xvfbScreen         = "1600x1000x24"
)

var (
	desktopOnce sync.Once
	desktopBin  string
	desktopErr  error
)

// desktopApp builds cmd/desktop (cgo, GLFW) once per test binary.
func desktopApp(t *testing.T) string {
	t.Helper()
	desktopOnce.Do(func() {
		out := filepath.Join(buildDir, "attnviz-desktop")
		start := time.Now()
		cmd := exec.Command("go", "build", "-o", out, "./cmd/desktop")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
		if b, err := cmd.CombinedOutput(); err != nil {
			desktopErr = fmt.Errorf("go build ./cmd/desktop: %v\n%s\n(the desktop build needs the X11/GL headers: %s)", err, b, setupHint)
			return
		}
		t.Logf("built cmd/desktop in %v", time.Since(start).Round(time.Millisecond))
		desktopBin = out
	})
	if desktopErr != nil {
		t.Fatal(desktopErr)
	}
	return desktopBin
}

// startXvfb starts Xvfb on the first free display in :90..:120 and stops it
// in t.Cleanup. It returns the DISPLAY value.
func startXvfb(t *testing.T) string {
	t.Helper()
	xvfb := lookTool(t, "Xvfb")
	logPath := artifactPath(t, ".xvfb.log")
	for n := 90; n <= 120; n++ {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		lock := fmt.Sprintf("/tmp/.X%d-lock", n)
		if exists(sock) || exists(lock) {
			continue
		}
		logFile, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(xvfb, fmt.Sprintf(":%d", n), "-screen", "0", xvfbScreen, "-nolisten", "tcp")
		cmd.Stdout, cmd.Stderr = logFile, logFile
		cmd.SysProcAttr = dieWithTest()
		if err := cmd.Start(); err != nil {
			logFile.Close()
			t.Fatalf("start Xvfb: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		ready := false
	wait:
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
			select {
			case <-exited: // lost a race for this display; try the next
				break wait
			case <-time.After(50 * time.Millisecond):
				// Ours only if the lock file names our process: another
				// test may have taken this display a moment earlier.
				if exists(sock) && lockOwner(lock) == cmd.Process.Pid {
					ready = true
					break wait
				}
			}
		}
		if !ready {
			cmd.Process.Kill()
			logFile.Close()
			continue
		}
		t.Cleanup(func() {
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
			logFile.Close()
		})
		return fmt.Sprintf(":%d", n)
	}
	t.Fatalf("no free X display in :90..:120 (or Xvfb would not start; see %s)", logPath)
	return ""
}

// dieWithTest makes the kernel kill a child (Xvfb, the app) if the test
// binary dies without running its cleanups, e.g. on a -timeout panic.
func dieWithTest() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// lockOwner returns the process id an X server wrote into its lock file
// (/tmp/.X<n>-lock), or 0.
func lockOwner(lock string) int {
	b, err := os.ReadFile(lock)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runResult is one finished run of the desktop app.
type runResult struct {
	code     int
	output   string // stdout and stderr
	duration time.Duration
}

// runDesktop runs the app on display with args and waits (2 min at most).
func runDesktop(t *testing.T, display string, args ...string) runResult {
	t.Helper()
	bin := desktopApp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.SysProcAttr = dieWithTest()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := runResult{output: out.String(), duration: time.Since(start)}
	os.WriteFile(artifactPath(t, ".desktop.log"), out.Bytes(), 0o644)
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("desktop app still running after 2 min: %v\n%s", args, tail(res.output))
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run desktop app: %v", err)
	}
	return res
}

func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}

// panicTrace matches a Go panic or runtime crash in the app's output.
var panicTrace = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[|SIGSEGV)`)

// layout is the -layout JSON of the contract.
type layout struct {
	Width  int           `json:"width"`
	Height int           `json:"height"`
	Panels []layoutPanel `json:"panels"`
}

type layoutPanel struct {
	ID    string  `json:"id"`
	Head  int     `json:"head"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
	Rows  int     `json:"rows"`
	Cols  int     `json:"cols"`
	CellX float64 `json:"cellX"`
	CellY float64 `json:"cellY"`
	CellW float64 `json:"cellW"`
	CellH float64 `json:"cellH"`
}

// layoutKeys checks that every panel has the contract's keys (a heatmap
// panel also its cell geometry), so a misspelt key is not read as 0.
func layoutKeys(b []byte) error {
	var raw struct {
		Width  *int             `json:"width"`
		Height *int             `json:"height"`
		Panels []map[string]any `json:"panels"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw.Width == nil || raw.Height == nil || raw.Panels == nil {
		return fmt.Errorf("want the keys width, height and panels")
	}
	for _, p := range raw.Panels {
		keys := []string{"id", "head", "x", "y", "w", "h"}
		if p["id"] == "weights" || p["id"] == "head-weights" {
			keys = append(keys, "rows", "cols", "cellX", "cellY", "cellW", "cellH")
		}
		for _, k := range keys {
			if _, ok := p[k]; !ok {
				return fmt.Errorf("panel %v has no %q", p["id"], k)
			}
		}
	}
	return nil
}

func readLayout(t *testing.T, path string) layout {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("layout: %v", err)
	}
	var l layout
	if err := layoutKeys(b); err != nil {
		t.Fatalf("layout %s: %v", path, err)
	}
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatalf("layout %s: %v", path, err)
	}
	return l
}

// near reports whether two colours agree within tol per channel (RGB).
func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

// heatmapReport counts how the cells of one heatmap compared.
type heatmapReport struct {
	checked, blocked, offCentre int
}

// checkHeatmap samples every allowed cell of panel p at its centre and
// compares it with viz.Sequential(w[i][j]) within tol. If text drawn in a
// cell covers the centre, a point a quarter cell away from the centre in
// each direction may stand in; one of the nine must match.
func checkHeatmap(t *testing.T, img image.Image, p layoutPanel, w [][]float64, allowed [][]bool, tol int) heatmapReport {
	t.Helper()
	var r heatmapReport
	T := len(w)
	if p.Rows != T || p.Cols != T {
		t.Errorf("panel %s head %d is %d x %d cells, want T x T = %d x %d", p.ID, p.Head, p.Rows, p.Cols, T, T)
		return r
	}
	if p.CellW < 1 || p.CellH < 1 {
		t.Errorf("panel %s head %d: cells of %g x %g px cannot be sampled", p.ID, p.Head, p.CellW, p.CellH)
		return r
	}
	b := img.Bounds()
	var bad []string
	for i := range T {
		for j := range T {
			if !allowed[i][j] {
				r.blocked++
				continue
			}
			cx, cy := p.CellX+(float64(j)+0.5)*p.CellW, p.CellY+(float64(i)+0.5)*p.CellH
			want := viz.Sequential(w[i][j])
			centre := image.Pt(int(cx), int(cy))
			if !centre.In(b) {
				bad = append(bad, fmt.Sprintf("cell (%d,%d) centre %v is outside the %v screenshot", i, j, centre, b.Size()))
				continue
			}
			got := rgbaAt(img, centre.X, centre.Y)
			r.checked++
			if near(got, want, tol) {
				continue
			}
			found := false
			for _, d := range [][2]float64{{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}} {
				pt := image.Pt(int(cx+d[0]*p.CellW/4), int(cy+d[1]*p.CellH/4))
				if pt.In(b) && near(rgbaAt(img, pt.X, pt.Y), want, tol) {
					found = true
					break
				}
			}
			if found {
				r.offCentre++
				continue
			}
			bad = append(bad, fmt.Sprintf("cell (%d,%d) at (%d,%d): %v, want viz.Sequential(%.4f) = %v", i, j, centre.X, centre.Y, got, w[i][j], want))
		}
	}
	if len(bad) > 0 {
		n := len(bad)
		if n > 6 {
			bad = append(bad[:6], "...")
		}
		t.Errorf("panel %s head %d: %d of %d cells do not show the colormap of the weights:\n  %s", p.ID, p.Head, n, r.checked, strings.Join(bad, "\n  "))
	}
	return r
}

// checkScreenshot checks the -screenshot PNG against the -layout JSON and
// the weights core computes natively for s.
func checkScreenshot(t *testing.T, pngPath, layoutPath string, s settings, w, h int) {
	t.Helper()
	img := readPNG(t, pngPath)
	l := readLayout(t, layoutPath)
	if l.Width != w || l.Height != h {
		t.Errorf("layout is %dx%d, want the -width/-height %dx%d", l.Width, l.Height, w, h)
	}
	if sz := img.Bounds().Size(); sz.X != l.Width || sz.Y != l.Height {
		t.Fatalf("screenshot is %v, layout says %dx%d: the layout's screen pixels must be the PNG's", sz, l.Width, l.Height)
	}
	if d, top := colourStats(img); d < 64 || top > 0.9 {
		t.Errorf("screenshot looks blank: %d colours, top colour %.0f%%", d, 100*top)
	}
	n := computeNative(t, s)
	ids := map[string]int{}
	for _, p := range l.Panels {
		ids[p.ID]++
		if p.X < 0 || p.Y < 0 || p.X+p.W > float64(l.Width)+0.5 || p.Y+p.H > float64(l.Height)+0.5 {
			t.Errorf("panel %s head %d at (%g,%g) %gx%g leaves the %dx%d window", p.ID, p.Head, p.X, p.Y, p.W, p.H, l.Width, l.Height)
		}
	}
	for _, id := range []string{"weights", "head-weights", "scores", "mask", "q", "k", "v", "embeddings", "pe", "x", "output", "concat", "final"} {
		if ids[id] == 0 {
			t.Errorf("layout has no %q panel (contract: ids at least weights, head-weights, scores, mask, q, k, v, embeddings, pe, x, output, concat, final)", id)
		}
	}
	if ids["head-weights"] != s.Heads {
		t.Errorf("layout has %d head-weights panels, want one per head (%d)", ids["head-weights"], s.Heads)
	}
	var total heatmapReport
	seen := map[int]bool{}
	for _, p := range l.Panels {
		head := -2
		switch p.ID {
		case "weights":
			head = s.Head
			if p.Head != -1 && p.Head != s.Head {
				t.Errorf("weights panel has head %d, want -1 (the selected head, %d)", p.Head, s.Head)
			}
		case "head-weights":
			head = p.Head
			if head < 0 || head >= s.Heads || seen[head] {
				t.Errorf("head-weights panel with head %d (H = %d, duplicate %v)", head, s.Heads, seen[head])
				continue
			}
			seen[head] = true
		default:
			continue
		}
		r := checkHeatmap(t, img, p, n.Weights[head], n.Allowed[head], 3)
		total.checked += r.checked
		total.blocked += r.blocked
		total.offCentre += r.offCentre
	}
	if total.checked == 0 {
		t.Errorf("no heatmap cell was checked")
	}
	t.Logf("%s: %d cells matched viz.Sequential(weight) (%d only off-centre, under text), %d blocked cells skipped", filepath.Base(pngPath), total.checked, total.offCentre, total.blocked)
}

// TestDesktopHeatmaps runs the desktop app with settings flags under Xvfb
// and checks that its screenshot shows every head's weights in the
// sequential colormap at the cells the layout names.
func TestDesktopHeatmaps(t *testing.T) {
	freshArtifacts(t)
	display := startXvfb(t)
	shared := contractDefaults()
	shared.Heads, shared.DModel, shared.Mask, shared.PE, shared.Seed, shared.Head = 2, 8, "causal", "learned", 3, 1
	padded := contractDefaults()
	padded.Text, padded.Mask, padded.PE, padded.Seed, padded.Head, padded.Scale, padded.Temp = "the cat sat <pad> <pad>", "padding", "rope", 7, 3, false, 0.5
	chars := contractDefaults()
	chars.Text, chars.Tokenizer, chars.Heads, chars.DModel, chars.Mask = "attention!", "char", 1, 4, "causal"
	presenting := contractDefaults()
	presenting.Present, presenting.Heads, presenting.Head, presenting.Mask = true, 2, 1, "causal"
	tests := []struct {
		name string
		s    settings
		w, h int
	}{
		{"defaults", contractDefaults(), desktopW, desktopH},
		{"shared-link settings", shared, desktopW, desktopH},
		{"padding rope unscaled", padded, desktopW, desktopH},
		{"char tokens", chars, desktopW, desktopH},
		{"presentation mode small window", presenting, 1024, 700},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shot, lay := artifactPath(t, ".png"), artifactPath(t, ".layout.json")
			os.Remove(shot)
			os.Remove(lay)
			args := append([]string{"-width", strconv.Itoa(tc.w), "-height", strconv.Itoa(tc.h), "-screenshot", shot, "-frames", "30", "-layout", lay}, tc.s.flags()...)
			res := runDesktop(t, display, args...)
			t.Logf("desktop app ran %v, exit %d", res.duration.Round(time.Millisecond), res.code)
			if res.code != 0 {
				t.Fatalf("desktop app exited %d, want 0:\n%s", res.code, tail(res.output))
			}
			if panicTrace.MatchString(res.output) {
				t.Fatalf("desktop app printed a crash:\n%s", tail(res.output))
			}
			checkScreenshot(t, shot, lay, tc.s, tc.w, tc.h)
		})
	}
}

// TestDesktopWindow proves a real X window was mapped and drawn: while the
// app runs, xwininfo must list a 1280x800 window and an X-level screenshot
// of the root window (ImageMagick's import) must show its content.
func TestDesktopWindow(t *testing.T) {
	freshArtifacts(t)
	importBin, xwininfo := lookTool(t, "import"), lookTool(t, "xwininfo")
	display := startXvfb(t)
	bin := desktopApp(t)
	shot := artifactPath(t, ".app.png")
	xshot := artifactPath(t, ".x11.png")
	os.Remove(xshot)
	cmd := exec.Command(bin, "-width", strconv.Itoa(desktopW), "-height", strconv.Itoa(desktopH), "-screenshot", shot, "-frames", "600")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.SysProcAttr = dieWithTest()
	var out syncBuffer // read while the app still writes
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{}) // closed when the app has ended; then waitErr is set
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill() // no-op when it already exited
		<-exited
	})

	geometry := regexp.MustCompile(fmt.Sprintf(`%dx%d\+(-?\d+)\+(-?\d+)`, desktopW, desktopH))
	var mapped, captured bool
	var winX, winY int // the window's top-left on the root window
	var xerr string
	start := time.Now()
poll:
	for time.Since(start) < 60*time.Second {
		select {
		case <-exited:
			break poll
		case <-time.After(250 * time.Millisecond):
		}
		if !mapped {
			tree, _ := exec.Command(xwininfo, "-display", display, "-root", "-tree").CombinedOutput()
			if m := geometry.FindStringSubmatch(string(tree)); m != nil {
				mapped = true
				winX, _ = strconv.Atoi(m[1])
				winY, _ = strconv.Atoi(m[2])
				t.Logf("window mapped after %v: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(geometry.FindString(string(tree))))
			}
			continue
		}
		tmp := xshot + ".tmp.png"
		if b, err := exec.Command(importBin, "-display", display, "-window", "root", tmp).CombinedOutput(); err != nil {
			xerr = fmt.Sprintf("import: %v: %s", err, b)
			continue
		}
		img := readPNG(t, tmp)
		if d, _ := colourStats(img); d >= 64 {
			os.Rename(tmp, xshot)
			captured = true
			t.Logf("X screenshot with %d colours after %v: %s", d, time.Since(start).Round(time.Millisecond), xshot)
			break
		}
	}
	if !mapped {
		t.Fatalf("xwininfo never listed a %dx%d window on %s\n%s", desktopW, desktopH, display, tail(out.String()))
	}
	if !captured {
		t.Fatalf("the X screenshot of the root window never showed the app's content (%s)\n%s", xerr, tail(out.String()))
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Fatalf("desktop app: %v, want exit 0\n%s", waitErr, tail(out.String()))
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("desktop app still running 90 s after its window showed (-frames 600)")
	}
	if panicTrace.MatchString(out.String()) {
		t.Fatalf("desktop app printed a crash:\n%s", tail(out.String()))
	}
	// The window on the X screen shows what the app saved with -screenshot.
	app, x11 := readPNG(t, shot), readPNG(t, xshot)
	same, total := 0, 0
	ab := app.Bounds()
	for y := ab.Min.Y; y < ab.Max.Y; y += 2 {
		for x := ab.Min.X; x < ab.Max.X; x += 2 {
			total++
			if near(rgbaAt(app, x, y), rgbaAt(x11, x+winX, y+winY), 3) {
				same++
			}
		}
	}
	t.Logf("X screenshot at the window's place (%d,%d) equals the -screenshot PNG in %.1f%% of sampled pixels", winX, winY, 100*float64(same)/float64(total))
	if float64(same) < 0.95*float64(total) {
		t.Errorf("the window on the X screen and the -screenshot PNG agree in only %d of %d sampled pixels", same, total)
	}
}

// TestDesktopBadFlags gives invalid settings flags: the app must say which
// flag is wrong in one clear line, keep the default, run and exit 0.
func TestDesktopBadFlags(t *testing.T) {
	freshArtifacts(t)
	display := startXvfb(t)
	tests := []struct {
		name string
		args []string
		flag string // the setting the notice must name
	}{
		{"heads 0", []string{"-heads", "0"}, "heads"},
		{"dmodel 99999", []string{"-dmodel", "99999"}, "dmodel"},
		{"heads abc", []string{"-heads", "abc"}, "heads"},
		{"mask diagonal", []string{"-mask", "diagonal"}, "mask"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shot, lay := artifactPath(t, ".png"), artifactPath(t, ".layout.json")
			os.Remove(shot)
			os.Remove(lay)
			args := append([]string{"-width", strconv.Itoa(desktopW), "-height", strconv.Itoa(desktopH), "-screenshot", shot, "-frames", "10", "-layout", lay}, tc.args...)
			res := runDesktop(t, display, args...)
			if panicTrace.MatchString(res.output) {
				t.Fatalf("desktop app printed a crash for %v:\n%s", tc.args, tail(res.output))
			}
			if res.code != 0 {
				t.Fatalf("desktop app exited %d for %v, want 0 (ignore the value with a notice):\n%s", res.code, tc.args, tail(res.output))
			}
			var notice string
			for _, line := range strings.Split(res.output, "\n") {
				if strings.Contains(line, tc.flag) {
					notice = line
					break
				}
			}
			if notice == "" {
				t.Errorf("no output line names %q for %v; output:\n%s", tc.flag, tc.args, tail(res.output))
			} else {
				t.Logf("notice: %s", notice)
			}
			checkScreenshot(t, shot, lay, contractDefaults(), desktopW, desktopH)
		})
	}
}
