package statefile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/attnviz/attnviz/viz"
)

// syncedApp is an app laid out in a 1280x800 window, as after a frame.
func syncedApp(text string) *viz.App {
	s := viz.DefaultSettings()
	s.Text = text
	a := viz.New(s, nil)
	a.SetFrame(viz.Frame{W: 1280, H: 800, Scale: 1, Measure: func(s string) float64 { return 0.5 * float64(len(s)) }})
	a.Sync()
	return a
}

func TestSnapshot(t *testing.T) {
	a := syncedApp("the cat sat")
	a.Key("Escape", false) // letters become shortcuts
	a.Key("m", false)      // mask none -> causal
	a.Key("Tab", false)    // select token 0
	a.Sync()
	b, err := Snapshot(a, 7)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Text         string   `json:"text"`
		Mask         string   `json:"mask"`
		DrawnVersion int      `json:"drawnVersion"`
		Tokens       []string `json:"tokens"`
		Editing      *bool    `json:"editing"`
		Help         *bool    `json:"help"`
		Cursor       int      `json:"cursor"`
		SelToken     int      `json:"selToken"`
		Tip          []string `json:"tip"`
		TipPanel     *string  `json:"tipPanel"`
		Layout       struct {
			Width  float64 `json:"width"`
			Panels []struct {
				ID string `json:"id"`
			} `json:"panels"`
		} `json:"layout"`
		Rects map[string]struct{ X, Y, W, H float64 } `json:"rects"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"text", got.Text == "the cat sat"},
		{"mask after m", got.Mask == "causal"},
		{"drawnVersion", got.DrawnVersion == 7},
		{"tokens", len(got.Tokens) == 3 && got.Tokens[2] == "sat"},
		{"editing off after Esc", got.Editing != nil && !*got.Editing},
		{"help off", got.Help != nil && !*got.Help},
		{"cursor after the selected token", got.Cursor == len("the")},
		{"token 0 selected by Tab", got.SelToken == 0},
		{"no tooltip", got.Tip != nil && len(got.Tip) == 0 && got.TipPanel != nil && *got.TipPanel == ""},
		{"layout", got.Layout.Width == 1280 && len(got.Layout.Panels) == len(viz.PanelIDs)+4},
		{"rects", got.Rects["textbox"].W > 0 && got.Rects["chip-2"].W > 0},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: wrong in %s", c.what, b)
		}
	}
}

func TestWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	w := Writer{Path: path}
	steps := []struct {
		write     string
		wantFile  string
		wantMtime bool // the file was rewritten
	}{
		{`{"a":1}`, "{\"a\":1}\n", true},
		{`{"a":1}`, "{\"a\":1}\n", false},
		{`{"a":2}`, "{\"a\":2}\n", true},
	}
	for i, s := range steps {
		os.Chtimes(path, time.Unix(0, 0), time.Unix(0, 0))
		if err := w.Write([]byte(s.write)); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		b, err := os.ReadFile(path)
		if err != nil || string(b) != s.wantFile {
			t.Errorf("step %d: file %q (%v), want %q", i, b, err, s.wantFile)
		}
		st, _ := os.Stat(path)
		if rewritten := st.ModTime().Unix() != 0; rewritten != s.wantMtime {
			t.Errorf("step %d: rewritten %v, want %v", i, rewritten, s.wantMtime)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	bad := Writer{Path: filepath.Join(t.TempDir(), "missing", "state.json")}
	if err := bad.Write([]byte(`{}`)); err == nil {
		t.Error("writing into a missing folder did not fail")
	}
}
