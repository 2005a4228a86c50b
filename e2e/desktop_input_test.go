//go:build linux

package e2e

import (
	"encoding/json"
	"fmt"
	"image"
	"maps"
	"math"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attnviz/attnviz/core"
)

// These tests drive the real desktop window under Xvfb as a person does:
// xdotool sends real X key and mouse events (XTEST) to the focused window,
// and the app's -state file says what the app made of them; ImageMagick's
// import shows what the window drew.

// keyHold is how long a key or mouse button is held down, as a person holds
// it (a click lasts about 100 to 150 ms). Ebiten reads the desktop keyboard
// and mouse buttons as states once per Update, so a press released before
// the next Update is not seen. Under Xvfb every frame is drawn by Mesa's
// software rasterizer (about 40 ms of CPU for a full redraw, measured
// with perf: 70% in llvmpipe's shaders, 4% in Go), so with the machine busy
// a frame can outlast an 80 ms press, and this test lost one in about three
// full runs at 80 ms.
const keyHold = 150 * time.Millisecond

// desktopState is the -state file: attnviz.state()'s keys plus what only
// the window shows (see cmd/desktop/internal/statefile).
type desktopState struct {
	pageState
	Tokens   []string `json:"tokens"`
	Editing  bool     `json:"editing"`
	Help     bool     `json:"help"`
	Cursor   int      `json:"cursor"`
	SelToken int      `json:"selToken"`
	Tip      []string `json:"tip"`
	TipPanel string   `json:"tipPanel"`
	CMask    string   `json:"cmask"`
	Layout   layout   `json:"layout"`
	Rects    map[string]struct{ X, Y, W, H float64 }
	raw      string
}

// centre is the middle of the named element (a key of viz.Layout.Rects).
func (s desktopState) centre(t *testing.T, name string) (x, y float64) {
	t.Helper()
	r, ok := s.Rects[name]
	if !ok || r.W <= 0 || r.H <= 0 {
		t.Fatalf("the window has no element %q to point at (rects: %v)", name, slices.Sorted(maps.Keys(s.Rects)))
	}
	return r.X + r.W/2, r.Y + r.H/2
}

// rect is the named element as a pixel rectangle.
func (s desktopState) rect(name string) image.Rectangle {
	r := s.Rects[name]
	return image.Rect(int(r.X), int(r.Y), int(math.Ceil(r.X+r.W)), int(math.Ceil(r.Y+r.H)))
}

// panel is the heatmap panel id (head only for "head-weights").
func (s desktopState) panel(t *testing.T, id string, head int) layoutPanel {
	t.Helper()
	for _, p := range s.Layout.Panels {
		if p.ID == id && (id != "head-weights" || p.Head == head) {
			return p
		}
	}
	t.Fatalf("the layout has no panel %q (head %d)", id, head)
	return layoutPanel{}
}

// decodeDesktopState decodes the -state file, checking the contract's keys.
func decodeDesktopState(raw []byte) (desktopState, error) {
	p, err := decodeState(string(raw))
	if err != nil {
		return desktopState{}, err
	}
	var s desktopState
	if err := json.Unmarshal(raw, &s); err != nil {
		return desktopState{}, fmt.Errorf("-state file: %v: %.300s", err, raw)
	}
	s.pageState, s.raw = p, string(raw)
	return s, nil
}

// desktopWindow is one run of the desktop app in a real X window.
type desktopWindow struct {
	t         *testing.T
	display   string
	xdotool   string
	importBin string
	xwininfo  string
	statePath string
	id        string // X window id (decimal, as xdotool prints it)
	out       *syncBuffer
	exited    chan struct{}
	shots     int
}

// openDesktop starts the desktop app at desktopW x desktopH on display with
// args, waits until its window is mapped, drawn and focused and until it
// answers a real mouse move (events sent before that may be lost), and
// ends it when the test ends.
func openDesktop(t *testing.T, display string, args ...string) *desktopWindow {
	t.Helper()
	w := &desktopWindow{
		t: t, display: display, xdotool: lookTool(t, "xdotool"), importBin: lookTool(t, "import"), xwininfo: lookTool(t, "xwininfo"),
		statePath: artifactPath(t, ".state.json"), out: &syncBuffer{}, exited: make(chan struct{}),
	}
	os.Remove(w.statePath)
	start := time.Now()
	args = append([]string{"-width", strconv.Itoa(desktopW), "-height", strconv.Itoa(desktopH), "-state", w.statePath}, args...)
	cmd := exec.Command(desktopApp(t), args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.SysProcAttr = dieWithTest()
	cmd.Stdout, cmd.Stderr = w.out, w.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(w.exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill() // no-op when it already exited
		<-w.exited
		os.WriteFile(artifactPath(t, ".desktop.log"), []byte(w.out.String()), 0o644)
		if panicTrace.MatchString(w.out.String()) {
			t.Errorf("desktop app printed a crash:\n%s", tail(w.out.String()))
		}
	})

	// No X client of ours connects while the app opens its display: Xvfb
	// here refuses now and then a connection made while other clients
	// connect (the app then panics in Ebiten's init: "Failed to open
	// display"). The -state file's first frame says the app is connected and
	// its window drawn.
	var first desktopState
	w.poll("the first frame drawn", 60*time.Second, func() bool {
		first = w.state()
		return first.Version > 0 && first.DrawnVersion == first.Version && first.Layout.Width == desktopW
	})
	pid := strconv.Itoa(cmd.Process.Pid)
	w.poll("the app's window to be mapped", 30*time.Second, func() bool {
		out, err := w.xRun(w.xdotool, "search", "--onlyvisible", "--pid", pid, "--name", "^attnviz")
		if ids := strings.Fields(out); err == nil && len(ids) > 0 {
			w.id = ids[0]
			return true
		}
		time.Sleep(100 * time.Millisecond)
		return false
	})
	// Focus, then prove that input arrives: hover a button until its
	// tooltip shows, and leave it until the tooltip goes.
	tx, ty := first.centre(t, "title")
	w.moveTo(tx, ty)
	w.xdo("windowfocus", "--sync", w.id)
	if got := strings.TrimSpace(w.xdoOut("getwindowfocus")); got != w.id {
		t.Fatalf("the keyboard focus is on window %s, want the app's %s", got, w.id)
	}
	hx, hy := first.centre(t, "button-help")
	nudge := 0.0
	w.poll("a tooltip over the help button (the app answering mouse moves)", 20*time.Second, func() bool {
		nudge = 1 - nudge // a move to where the pointer already is is no move
		w.moveTo(hx+nudge, hy)
		time.Sleep(50 * time.Millisecond)
		return len(w.state().Tip) > 0
	})
	w.moveTo(tx, ty)
	w.waitState("no tooltip over the title", func(s desktopState) bool { return len(s.Tip) == 0 })
	t.Logf("window %s mapped, drawn, focused and answering input after %v", w.id, time.Since(start).Round(time.Millisecond))
	return w
}

// poll calls ok every 25 ms until it reports true; after timeout, or when
// the app has ended, the test fails naming what it waited for.
func (w *desktopWindow) poll(what string, timeout time.Duration, ok func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		select {
		case <-w.exited:
			w.t.Fatalf("the desktop app ended while waiting for %s:\n%s", what, tail(w.out.String()))
		case <-time.After(25 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("waited %v for %s in vain; state: %.600s\napp output:\n%s", timeout, what, w.stateRaw(), tail(w.out.String()))
		}
	}
}

func (w *desktopWindow) stateRaw() string {
	b, _ := os.ReadFile(w.statePath)
	return string(b)
}

// state reads the -state file (the zero state before it exists).
func (w *desktopWindow) state() desktopState {
	w.t.Helper()
	b, err := os.ReadFile(w.statePath)
	if err != nil {
		return desktopState{}
	}
	s, err := decodeDesktopState(b)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

// waitState waits until the drawn state satisfies ok and returns it.
func (w *desktopWindow) waitState(what string, ok func(s desktopState) bool) desktopState {
	w.t.Helper()
	var s desktopState
	w.poll(what, 15*time.Second, func() bool {
		s = w.state()
		return s.raw != "" && s.DrawnVersion == s.Version && ok(s)
	})
	return s
}

// xdo runs xdotool on the test's display.
func (w *desktopWindow) xdo(args ...string) {
	w.t.Helper()
	w.xdoOut(args...)
}

func (w *desktopWindow) xdoOut(args ...string) string {
	w.t.Helper()
	out, err := w.xRun(w.xdotool, args...)
	if err != nil {
		w.t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// cantConnect is what xdotool, xwininfo and import say when the X server
// refused their connection.
var cantConnect = regexp.MustCompile(`(?i)(can't|unable to) open (display|x server)`)

// xRun runs an X client on the test's display and returns its output. It
// tries again when the client could not connect (see openDesktop; Ebiten
// opens short connections of its own, at start and for full screen).
func (w *desktopWindow) xRun(prog string, args ...string) (string, error) {
	var out []byte
	var err error
	for try := 0; try < 5; try++ {
		cmd := exec.Command(prog, args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+w.display)
		out, err = cmd.CombinedOutput()
		if err == nil || !cantConnect.Match(out) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return string(out), err
}

// press presses and releases each key in turn, holding it keyHold (xdotool
// key names: "Escape", "shift+Tab", "ctrl+a", "bracketright", "H").
func (w *desktopWindow) press(keys ...string) {
	w.t.Helper()
	hold := holdArg()
	for _, k := range keys {
		w.xdo("keydown", k, "sleep", hold, "keyup", k, "sleep", hold)
	}
}

func holdArg() string { return strconv.FormatFloat(keyHold.Seconds(), 'f', 3, 64) }

// rightAfterMoves is one xdotool command line that n times moves the
// pointer to the named element's centre (a pixel to the right every other
// time, so each is a move) and at once does act, then waits 200 ms.
func rightAfterMoves(w *desktopWindow, name string, n int, act ...string) []string {
	w.t.Helper()
	x, y := w.state().centre(w.t, name)
	var args []string
	for i := range n {
		args = append(args, "mousemove", "--window", w.id, pixel(x+float64(i%2)), pixel(y))
		args = append(args, act...)
		args = append(args, "sleep", "0.2")
	}
	return args
}

// typeText types s as a person does, one character every 40 ms.
func (w *desktopWindow) typeText(s string) {
	w.t.Helper()
	w.xdo("type", "--delay", "40", s)
}

func pixel(v float64) string { return strconv.Itoa(int(math.Round(v))) }

// moveTo moves the pointer to (x, y) in window pixels.
func (w *desktopWindow) moveTo(x, y float64) {
	w.t.Helper()
	w.xdo("mousemove", "--window", w.id, pixel(x), pixel(y))
}

// click moves to (x, y) and clicks button (1 left, 3 right), holding it.
func (w *desktopWindow) click(x, y float64, button int) {
	w.t.Helper()
	b, hold := strconv.Itoa(button), holdArg()
	w.xdo("mousemove", "--window", w.id, pixel(x), pixel(y), "sleep", "0.05", "mousedown", b, "sleep", hold, "mouseup", b)
}

// alive fails the test unless the app runs and its window is mapped.
func (w *desktopWindow) alive() {
	w.t.Helper()
	select {
	case <-w.exited:
		w.t.Fatalf("the desktop app ended:\n%s", tail(w.out.String()))
	default:
	}
	out, err := w.xRun(w.xwininfo, "-id", w.id)
	if err != nil || !strings.Contains(out, "Map State: IsViewable") {
		w.t.Fatalf("the app's window %s is not mapped: %v\n%s", w.id, err, out)
	}
}

// geometry is the window's size on the X screen.
func (w *desktopWindow) geometry() (width, height int) {
	w.t.Helper()
	out, err := w.xRun(w.xwininfo, "-id", w.id)
	if err != nil {
		w.t.Fatalf("xwininfo: %v\n%s", err, out)
	}
	mw, mh := xwininfoWidth.FindStringSubmatch(out), xwininfoHeight.FindStringSubmatch(out)
	if mw == nil || mh == nil {
		w.t.Fatalf("xwininfo gave no size:\n%s", out)
	}
	width, _ = strconv.Atoi(mw[1])
	height, _ = strconv.Atoi(mh[1])
	return width, height
}

var (
	xwininfoWidth  = regexp.MustCompile(`(?m)^\s*Width: (\d+)$`)
	xwininfoHeight = regexp.MustCompile(`(?m)^\s*Height: (\d+)$`)
)

// screenshot saves what the window shows on the X screen into the artifacts
// folder, once two captures 100 ms apart agree (the last frame is on screen).
func (w *desktopWindow) screenshot(name string) image.Image {
	w.t.Helper()
	w.shots++
	path := artifactPath(w.t, fmt.Sprintf("_%02d_%s.png", w.shots, name))
	var prev image.Image
	deadline := time.Now().Add(10 * time.Second)
	for {
		if out, err := w.xRun(w.importBin, "-window", w.id, path); err != nil {
			w.t.Fatalf("import: %v\n%s", err, out)
		}
		img := readPNG(w.t, path)
		if prev != nil && prev.Bounds() == img.Bounds() && diffIn(prev, img, img.Bounds()) == 0 {
			return img
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("the window kept changing for 10 s (last capture %s)", path)
		}
		prev = img
		time.Sleep(100 * time.Millisecond)
	}
}

// diffIn counts the pixels inside r that differ between a and b.
func diffIn(a, b image.Image, r image.Rectangle) int {
	r = r.Intersect(a.Bounds()).Intersect(b.Bounds())
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if rgbaAt(a, x, y) != rgbaAt(b, x, y) {
				n++
			}
		}
	}
	return n
}

// checkWeightsPanel checks that the window's "weights" panel shows the
// selected head's weights, as core computes them for the state's settings.
func checkWeightsPanel(t *testing.T, img image.Image, s desktopState) {
	t.Helper()
	n := computeNative(t, s.settings())
	head := int(s.Head)
	if head >= len(n.Weights) {
		t.Fatalf("state head %d, core computed %d heads", head, len(n.Weights))
	}
	r := checkHeatmap(t, img, s.panel(t, "weights", -1), n.Weights[head], n.Allowed[head], 3)
	if r.checked == 0 {
		t.Errorf("no cell of the weights panel was checked")
	}
}

// inputStep is one thing a person does, and what the app must show after.
type inputStep struct {
	do   func(w *desktopWindow)
	what string                  // the effect, for messages
	want func(desktopState) bool // must be false before and true after
}

// runSteps runs steps on w: each effect must be absent before its step, so
// a step that does nothing fails.
func runSteps(t *testing.T, w *desktopWindow, steps []inputStep) desktopState {
	t.Helper()
	s := w.state()
	for i, st := range steps {
		if st.want(s) {
			t.Fatalf("step %d (%s): the effect already holds before the step: %.400s", i, st.what, s.raw)
		}
		st.do(w)
		s = w.waitState(fmt.Sprintf("step %d: %s", i, st.what), st.want)
	}
	return s
}

func keys(k ...string) func(w *desktopWindow) { return func(w *desktopWindow) { w.press(k...) } }
func typing(s string) func(w *desktopWindow)  { return func(w *desktopWindow) { w.typeText(s) } }
func noticeHas(s desktopState, sub string) bool {
	return strings.Contains(strings.Join(s.Notices, " | "), sub)
}

// TestDesktopInputTyping types into the real window with X key events and
// checks the text, the tokens and what the window draws.
func TestDesktopInputTyping(t *testing.T) {
	freshArtifacts(t)
	display := startXvfb(t)
	burst := strings.Repeat("ab cd efg ", 10)
	tests := []struct {
		name     string
		args     []string
		steps    []inputStep
		newChips []string // chips that must be drawn where there was none
	}{
		{
			name: "append words",
			args: []string{"-text", "the cat"},
			steps: []inputStep{{typing(" sat on"), `text "the cat sat on" in 4 tokens`, func(s desktopState) bool {
				return s.Text == "the cat sat on" && slices.Equal(s.Tokens, []string{"the", "cat", "sat", "on"})
			}}},
			newChips: []string{"chip-2", "chip-3"},
		},
		{
			name: "edit with Home, arrows, Backspace and Delete",
			args: []string{"-text", "cat sat"},
			steps: []inputStep{
				{keys("Home"), "cursor at 0", func(s desktopState) bool { return s.Cursor == 0 }},
				{typing("the "), `"the " typed at the start`, func(s desktopState) bool { return s.Text == "the cat sat" && s.Cursor == 4 }},
				{keys("End", "Left", "Left", "Left"), `cursor before "sat"`, func(s desktopState) bool { return s.Cursor == len("the cat ") }},
				{keys("BackSpace"), `the space before "sat" deleted`, func(s desktopState) bool { return s.Text == "the catsat" }},
				{keys("Delete"), `the "s" of "sat" deleted`, func(s desktopState) bool { return s.Text == "the catat" && len(s.Tokens) == 2 }},
				{keys("Right", "Right"), "cursor at the end", func(s desktopState) bool { return s.Cursor == len("the catat") }},
			},
		},
		{
			// Ctrl+A shows nothing in the state by itself: the next key does.
			name: "ctrl+a then a key replaces the text",
			args: []string{"-text", "the cat sat on the mat"},
			steps: []inputStep{{func(w *desktopWindow) { w.press("ctrl+a"); w.typeText("w") }, `the text replaced by "w"`, func(s desktopState) bool {
				return s.Text == "w" && slices.Equal(s.Tokens, []string{"w"})
			}}},
		},
		{
			// Letters that are shortcuts after Esc are text while typing.
			name: "shortcut letters are text while typing",
			args: []string{"-text", "a"},
			steps: []inputStep{{typing(" hmpw?"), "the letters in the text, settings as they were", func(s desktopState) bool {
				return s.Text == "a hmpw?" && s.Heads == 4 && s.Mask == "none" && s.PE == "sinusoidal" && s.Tokenizer == "word" && !s.Help
			}}},
		},
		{
			// A key pressed just after another event (here a mouse move) was
			// lost when the frame it woke ran no Update (cmd/desktop: SetTPS).
			name: "Backspace right after a mouse move",
			args: []string{"-text", "the cat sat on"},
			steps: []inputStep{{func(w *desktopWindow) {
				w.xdo(rightAfterMoves(w, "title", 4, "keydown", "BackSpace", "sleep", holdArg(), "keyup", "BackSpace")...)
			}, "4 characters deleted", func(s desktopState) bool {
				return s.Text == "the cat sa"
			}}},
		},
		{
			name: "a burst of 100 characters lands in order",
			args: []string{"-text", "x"},
			steps: []inputStep{{func(w *desktopWindow) { w.xdo("type", "--delay", "5", burst) }, "all 100 characters in order", func(s desktopState) bool {
				return s.Text == "x"+burst
			}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := openDesktop(t, display, tc.args...)
			shot0 := w.screenshot("before")
			start := time.Now()
			s := runSteps(t, w, tc.steps)
			t.Logf("steps took %v; text %q, %d tokens", time.Since(start).Round(time.Millisecond), s.Text, len(s.Tokens))
			w.alive()
			img := w.screenshot("after")
			checkWeightsPanel(t, img, s)
			for _, chip := range tc.newChips {
				if n := diffIn(shot0, img, s.rect(chip)); n < 50 {
					t.Errorf("%s (%v) changed in only %d pixels: the new token's chip is not drawn", chip, s.rect(chip), n)
				}
			}
		})
	}
}

// TestDesktopInputShortcuts presses the README's keyboard shortcuts in the
// real window and checks each one's effect (and that shortcut letters never
// reach the text).
func TestDesktopInputShortcuts(t *testing.T) {
	freshArtifacts(t)
	display := startXvfb(t)
	const text = "the cat sat"
	shortcuts := func(s desktopState) bool { return !s.Editing }
	tests := []struct {
		name  string
		steps []inputStep
		check func(t *testing.T, w *desktopWindow) // more checks after the steps
	}{
		{
			name: "Esc then setting letters, x, Enter",
			steps: []inputStep{
				{keys("Escape"), "letters are shortcuts, with a notice", func(s desktopState) bool { return shortcuts(s) && noticeHas(s, "shortcut") }},
				{keys("h"), "h: more heads (8, dividing d_model 16)", func(s desktopState) bool { return s.Heads == 8 }},
				{keys("H"), "H: fewer heads again", func(s desktopState) bool { return s.Heads == 4 }},
				{keys("d"), "d: d_model 32", func(s desktopState) bool { return s.DModel == 32 }},
				{keys("D"), "D: d_model 16", func(s desktopState) bool { return s.DModel == 16 }},
				{keys("m"), "m: causal mask", func(s desktopState) bool { return s.Mask == "causal" }},
				{keys("M"), "M: no mask", func(s desktopState) bool { return s.Mask == "none" }},
				{keys("p"), "p: learned positions", func(s desktopState) bool { return s.PE == "learned" }},
				{keys("P"), "P: sinusoidal", func(s desktopState) bool { return s.PE == "sinusoidal" }},
				{keys("s"), "s: scaling off", func(s desktopState) bool { return !bool(s.Scale) }},
				{keys("t"), "t: temperature 2", func(s desktopState) bool { return s.Temp == 2 }},
				{keys("T"), "T: temperature 1", func(s desktopState) bool { return s.Temp == 1 }},
				{keys("w"), "w: character tokens", func(s desktopState) bool { return s.Tokenizer == "char" && len(s.Tokens) == len(text) }},
				{keys("r"), "r: seed 2", func(s desktopState) bool { return s.Seed == 2 }},
				{keys("R"), "R: seed 1", func(s desktopState) bool { return s.Seed == 1 }},
				{keys("x"), "x: notices cleared", func(s desktopState) bool { return len(s.Notices) == 0 }},
				{keys("Return"), "Enter: typing again", func(s desktopState) bool { return s.Editing }},
				{typing("!"), "typed text goes to the text", func(s desktopState) bool { return s.Text == text+"!" }},
			},
		},
		{
			name: "heads by number, brackets and arrows",
			steps: []inputStep{
				{keys("Down"), "↓ while typing: head 2 (index 1), still typing", func(s desktopState) bool { return s.Head == 1 && s.Editing }},
				{keys("Up", "Up"), "↑ twice: head 4 (wraps)", func(s desktopState) bool { return s.Head == 3 }},
				{keys("Escape", "3"), "3 after Esc: head 3 (index 2)", func(s desktopState) bool { return s.Head == 2 }},
				{keys("bracketright"), "]: head 4", func(s desktopState) bool { return s.Head == 3 }},
				{keys("bracketright"), "]: head 1 (wraps)", func(s desktopState) bool { return s.Head == 0 }},
				{keys("bracketleft"), "[: head 4 (wraps back)", func(s desktopState) bool { return s.Head == 3 }},
				{keys("9", "1"), "9 (no 9th head) then 1: head 1", func(s desktopState) bool { return s.Head == 0 }},
			},
			check: func(t *testing.T, w *desktopWindow) {
				// The window shows the selected head's weights.
				w.press("2")
				s := w.waitState("head 2 after 2", func(s desktopState) bool { return s.Head == 1 })
				checkWeightsPanel(t, w.screenshot("head2"), s)
			},
		},
		{
			name: "Tab and Shift+Tab select tokens, typing goes on",
			steps: []inputStep{
				{keys("Tab"), "token 1 selected", func(s desktopState) bool { return s.SelToken == 0 && s.Editing }},
				{keys("Tab"), "token 2 selected", func(s desktopState) bool { return s.SelToken == 1 }},
				{keys("shift+Tab", "shift+Tab"), "Shift+Tab twice: the last token (wraps)", func(s desktopState) bool { return s.SelToken == 2 }},
				{typing("s"), "typing after the selected token", func(s desktopState) bool { return s.Text == text+"s" }},
			},
		},
		{
			name: "F1 help overlay blocks typing, Esc closes it",
			steps: []inputStep{
				{keys("F1"), "help shown", func(s desktopState) bool { return s.Help }},
				// k behind the help, then Esc: once the help is closed, k was
				// handled (keys come in order) and must not be in the text.
				{func(w *desktopWindow) { w.typeText("k"); w.press("Escape") }, "help closed, still typing, no k typed", func(s desktopState) bool {
					return !s.Help && s.Editing && s.Text == text
				}},
				{keys("Escape", "question"), "? after Esc: help", func(s desktopState) bool { return s.Help && !s.Editing }},
				{keys("Escape"), "Esc: help closed, letters still shortcuts", func(s desktopState) bool { return !s.Help && !s.Editing }},
			},
			check: func(t *testing.T, w *desktopWindow) {
				shot0 := w.screenshot("no-help")
				w.press("F1")
				w.waitState("help after F1", func(s desktopState) bool { return s.Help })
				help := w.screenshot("help")
				if n := diffIn(shot0, help, help.Bounds()); n < 20000 {
					t.Errorf("F1 changed %d pixels: no help overlay drawn", n)
				}
				w.press("Escape")
				w.waitState("help closed", func(s desktopState) bool { return !s.Help })
				if n := diffIn(shot0, w.screenshot("help-closed"), help.Bounds()); n > 50 {
					t.Errorf("after Esc closed the help, %d pixels differ from before it opened", n)
				}
			},
		},
		{
			name: "F2 and v presentation mode, F11 and f full screen",
			steps: []inputStep{
				{keys("F2"), "presentation mode with larger type", func(s desktopState) bool { return bool(s.Present) }},
				{keys("Escape", "v"), "v: presentation mode off", func(s desktopState) bool { return !bool(s.Present) }},
				{keys("F11"), "F11: the window fills the 1600x1000 Xvfb screen (xvfbScreen)", func(s desktopState) bool { return s.Layout.Width == 1600 && s.Layout.Height == 1000 }},
				{keys("f"), "f: back to 1280x800", func(s desktopState) bool { return s.Layout.Width == desktopW && s.Layout.Height == desktopH }},
			},
			check: func(t *testing.T, w *desktopWindow) {
				if gw, gh := w.geometry(); gw != desktopW || gh != desktopH {
					t.Errorf("after f the window is %dx%d on the X screen, want %dx%d", gw, gh, desktopW, desktopH)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := openDesktop(t, display, "-text", text)
			start := time.Now()
			s := runSteps(t, w, tc.steps)
			t.Logf("%d steps took %v", len(tc.steps), time.Since(start).Round(time.Millisecond))
			if tc.check != nil {
				tc.check(t, w)
				s = w.state()
			}
			if !strings.HasPrefix(s.Text, text) {
				t.Errorf("shortcuts changed the text: %q", s.Text)
			}
			w.alive()
		})
	}
}

// TestDesktopInputMouse clicks and hovers with real X pointer events at the
// places the app's layout names, and checks what the app did.
func TestDesktopInputMouse(t *testing.T) {
	freshArtifacts(t)
	display := startXvfb(t)
	// at is the centre of a named element (a key of the state's rects), or
	// of cell (i, j) of a heatmap panel when the name is "id/head/i/j".
	at := func(w *desktopWindow, name string) (x, y float64) {
		var id string
		var head, i, j int
		if n, _ := fmt.Sscanf(strings.ReplaceAll(name, "/", " "), "%s %d %d %d", &id, &head, &i, &j); n == 4 {
			return cellCentre(w.state().panel(w.t, id, head), 0, 0, i, j)
		}
		return w.state().centre(w.t, name)
	}
	click := func(name string, button int) func(w *desktopWindow) {
		return func(w *desktopWindow) { x, y := at(w, name); w.click(x, y, button) }
	}
	hover := func(name string) func(w *desktopWindow) {
		return func(w *desktopWindow) { x, y := at(w, name); w.moveTo(x, y) }
	}
	tipHas := func(s desktopState, parts ...string) bool {
		tip := strings.Join(s.Tip, "\n")
		for _, p := range parts {
			if !strings.Contains(tip, p) {
				return false
			}
		}
		return true
	}
	tests := []struct {
		name  string
		args  []string
		steps []inputStep
		check func(t *testing.T, w *desktopWindow)
	}{
		{
			name: "click a head in the grid",
			args: []string{"-text", "the cat sat on"},
			steps: []inputStep{
				{click("head-weights/2/0/0", 1), "head 3 (index 2) selected", func(s desktopState) bool { return s.Head == 2 }},
				{click("panel-head-weights-1", 1), "a click on head 2's panel selects it", func(s desktopState) bool { return s.Head == 1 }},
			},
			check: func(t *testing.T, w *desktopWindow) {
				checkWeightsPanel(t, w.screenshot("head2"), w.state())
			},
		},
		{
			name: "buttons step forwards, right-click backwards",
			args: []string{"-text", "the cat sat"},
			steps: []inputStep{
				{click("button-mask", 1), "mask causal", func(s desktopState) bool { return s.Mask == "causal" }},
				{click("button-mask", 3), "right-click: mask none", func(s desktopState) bool { return s.Mask == "none" }},
				{click("button-heads", 1), "heads 8", func(s desktopState) bool { return s.Heads == 8 }},
				{click("button-help", 1), "help shown", func(s desktopState) bool { return s.Help }},
				{click("title", 1), "a click anywhere closes the help", func(s desktopState) bool { return !s.Help }},
			},
		},
		{
			name: "click a chip selects its token",
			args: []string{"-text", "the cat sat"},
			steps: []inputStep{
				{click("chip-1", 1), "token 2 (cat) selected", func(s desktopState) bool { return s.SelToken == 1 }},
				{click("weights/-1/2/0", 1), "a click on row 3 of the weights selects token 3", func(s desktopState) bool { return s.SelToken == 2 }},
			},
		},
		{
			name: "click a mask cell makes a custom mask",
			args: []string{"-text", "the cat sat", "-mask", "causal"},
			steps: []inputStep{
				{click("mask/-1/0/2", 1), "custom mask: causal with (0,2) allowed", func(s desktopState) bool { return s.Mask == "custom" && s.CMask == "101,110,111" }},
				{click("mask/-1/2/0", 1), "(2,0) blocked", func(s desktopState) bool { return s.CMask == "101,110,011" }},
			},
			check: func(t *testing.T, w *desktopWindow) {
				s := w.state()
				m := core.NewBoolMatrix(3, 3, false)
				for i, row := range strings.Split(s.CMask, ",") {
					for j, c := range row {
						m.Set(i, j, c == '1')
					}
				}
				if got := cmaskString(m); got != s.CMask {
					t.Fatalf("cmask %q read back as %q", s.CMask, got)
				}
				want := nativeCustom(t, s.settings(), m, int(s.Head))
				allowed := make([][]bool, 3)
				for i := range allowed {
					allowed[i] = []bool{m.At(i, 0), m.At(i, 1), m.At(i, 2)}
				}
				checkHeatmap(t, w.screenshot("custom-mask"), s.panel(t, "weights", -1), want, allowed, 3)
			},
		},
		{
			name: "a click brings typing back after Esc",
			args: []string{"-text", "the cat"},
			steps: []inputStep{
				{keys("Escape"), "shortcuts on, with a notice", func(s desktopState) bool { return !s.Editing && len(s.Notices) > 0 }},
				{click("notices", 1), "a click on the notices dismisses them and types again", func(s desktopState) bool { return s.Editing && len(s.Notices) == 0 }},
				{typing(" sat"), "typed text appended", func(s desktopState) bool { return s.Text == "the cat sat" }},
			},
		},
		{
			// A click just after a mouse move was lost as keys were (see the
			// typing test "Backspace right after a mouse move").
			name: "clicks right after a mouse move",
			args: []string{"-text", "the cat"},
			steps: []inputStep{{func(w *desktopWindow) {
				w.xdo(rightAfterMoves(w, "button-seed", 6, "mousedown", "1", "sleep", holdArg(), "mouseup", "1")...)
			}, "seed 1 + 6", func(s desktopState) bool { return s.Seed == 7 }}},
		},
		{
			name: "hover tooltip follows the pointer and leaves",
			args: []string{"-text", "the cat sat"},
			steps: []inputStep{
				{hover("weights/-1/1/0"), "tooltip of weights[1][0]: query cat, key the", func(s desktopState) bool {
					return s.TipPanel == "weights" && tipHas(s, "weight[1][0]", `query "cat"`, `key "the"`)
				}},
				{hover("weights/-1/2/1"), "tooltip of weights[2][1]", func(s desktopState) bool {
					return tipHas(s, "weight[2][1]", `query "sat"`, `key "cat"`)
				}},
				{hover("button-mask"), "the mask button's help", func(s desktopState) bool { return tipHas(s, "attention mask") }},
				{hover("title"), "no tooltip", func(s desktopState) bool { return len(s.Tip) == 0 && s.TipPanel == "" }},
			},
			check: func(t *testing.T, w *desktopWindow) {
				// The tooltip is drawn by the pointer and gone after it leaves.
				plain := w.screenshot("no-tooltip")
				x, y := at(w, "weights/-1/1/0")
				w.moveTo(x, y)
				w.waitState("the tooltip again", func(s desktopState) bool { return len(s.Tip) > 0 })
				tip := w.screenshot("tooltip")
				near := image.Rect(int(x)-400, int(y)-200, int(x)+400, int(y)+200)
				if n := diffIn(plain, tip, near); n < 2000 {
					t.Errorf("hovering changed only %d pixels around the pointer (%v): no tooltip drawn", n, near)
				}
				tx, ty := at(w, "title")
				w.moveTo(tx, ty)
				w.waitState("no tooltip", func(s desktopState) bool { return len(s.Tip) == 0 })
				if n := diffIn(plain, w.screenshot("tooltip-gone"), plain.Bounds()); n > 50 {
					t.Errorf("after the pointer left, %d pixels still differ from before the tooltip", n)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := openDesktop(t, display, tc.args...)
			start := time.Now()
			runSteps(t, w, tc.steps)
			t.Logf("%d steps took %v", len(tc.steps), time.Since(start).Round(time.Millisecond))
			if tc.check != nil {
				tc.check(t, w)
			}
			w.alive()
		})
	}
}

// TestDesktopInputEmptyText holds Backspace until the text is gone (and on,
// against the empty text), then presses, clicks and hovers on the empty
// app: it must keep running with its window mapped, say how to go on, and
// show attention again for new text.
func TestDesktopInputEmptyText(t *testing.T) {
	freshArtifacts(t)
	display := startXvfb(t)
	w := openDesktop(t, display, "-text", "ab cd")
	shot0 := w.screenshot("before")
	before := w.state()
	if len(before.Notices) != 0 || len(before.Tokens) != 2 {
		t.Fatalf("want 2 tokens and no notice at the start: %.300s", before.raw)
	}
	// A held key repeats: one press empties the 5 characters, and the
	// repeats go on against the empty text.
	w.xdo("keydown", "BackSpace")
	var s desktopState
	w.poll("held Backspace to empty the text", 15*time.Second, func() bool {
		s = w.state()
		return s.Text == "" && s.DrawnVersion == s.Version
	})
	time.Sleep(time.Second)
	w.xdo("keyup", "BackSpace")
	w.alive()
	s = w.waitState("the empty text's notice", func(s desktopState) bool { return noticeHas(s, "no tokens: type a sentence") })
	if len(s.Tokens) != 0 || s.panel(t, "weights", -1).Rows != 0 {
		t.Errorf("empty text: %d tokens, weights panel with %d rows, want none", len(s.Tokens), s.panel(t, "weights", -1).Rows)
	}
	empty := w.screenshot("empty")
	if d, top := colourStats(empty); d < 64 || top > 0.97 {
		t.Errorf("the empty app's window looks blank: %d colours, top colour %.0f%%", d, 100*top)
	}
	if n := diffIn(shot0, empty, s.rect("notices")); n < 500 {
		t.Errorf("the notice line (%v) changed in only %d pixels: the empty text's notice is not drawn", s.rect("notices"), n)
	}

	// Everything else a person may try on the empty app; ↓ and the click
	// on the head button show that the keys and clicks were handled.
	w.press("Delete", "Left", "Home", "End", "Tab", "shift+Tab", "Down")
	s = w.waitState("head 2 after ↓", func(s desktopState) bool { return s.Head == 1 })
	for _, name := range []string{"panel-weights--1", "heads-title", "chips-more", "textbox"} {
		if r, ok := s.Rects[name]; ok && r.W > 0 && r.H > 0 {
			x, y := s.centre(t, name)
			w.moveTo(x, y)
			w.click(x, y, 1)
		}
	}
	bx, by := s.centre(t, "button-head")
	w.click(bx, by, 1)
	s = w.waitState("head 3 after a click on the head button", func(s desktopState) bool { return s.Head == 2 })
	s = runSteps(t, w, []inputStep{
		{keys("Escape"), "shortcuts on", func(s desktopState) bool { return !s.Editing }},
		{keys("m"), "m: causal mask", func(s desktopState) bool { return s.Mask == "causal" }},
		{keys("w"), "w: character tokens", func(s desktopState) bool { return s.Tokenizer == "char" }},
		{keys("h"), "h: 8 heads", func(s desktopState) bool { return s.Heads == 8 }},
		{keys("x"), "x: only the empty text's notice left", func(s desktopState) bool { return len(s.Notices) == 1 }},
		{keys("F1"), "help", func(s desktopState) bool { return s.Help }},
		{keys("Escape", "Return"), "help closed, typing again", func(s desktopState) bool { return !s.Help && s.Editing }},
	})
	w.alive()
	if s.Text != "" || !noticeHas(s, "no tokens") {
		t.Errorf("after keys on the empty text: text %q, notices %q; want it empty, with its notice", s.Text, s.Notices)
	}

	w.typeText("hi there")
	s = w.waitState("attention for new text", func(s desktopState) bool { return len(s.Tokens) == len("hi there") && !noticeHas(s, "no tokens") })
	checkWeightsPanel(t, w.screenshot("typed-again"), s)
	w.alive()
}
