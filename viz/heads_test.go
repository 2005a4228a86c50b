package viz

import (
	"strconv"
	"strings"
	"testing"
)

// The window counts heads from 1 everywhere (button, titles, tooltips,
// keys 1..9); links and the API count from 0, and an out-of-range head
// says how the two relate.
func TestHeadNumbering(t *testing.T) {
	for head := 0; head < 4; head++ {
		a := appWith(t, 3, Frame{W: 1280, H: 800, Scale: 1})
		a.Editing = false
		a.Key(strconv.Itoa(head+1), false) // key N selects "head N"
		a.Sync()
		shown := "head " + strconv.Itoa(head+1)
		if a.S.Head != head || a.S.Get("head") != strconv.Itoa(head) || !strings.Contains(a.S.Query(), "head="+strconv.Itoa(head)) {
			t.Errorf("key %d: head %d, URL %q; want head=%d", head+1, a.S.Head, a.S.Query(), head)
		}
		if got := ButtonLabel("head", a.S); got != shown+" of 4" {
			t.Errorf("head %d: button %q, want %q", head, got, shown+" of 4")
		}
		if p := a.L.Panel("weights", -1); !strings.Contains(p.Title, shown) {
			t.Errorf("head %d: weights title %q lacks %q", head, p.Title, shown)
		}
		if p := a.L.Panel("head-weights", head); p.Title != shown {
			t.Errorf("grid panel of head %d titled %q, want %q", head, p.Title, shown)
		}
		w := a.L.Panel("weights", -1)
		a.Hover(w.Grid.X+w.CellW/2, w.Grid.Y+w.CellH/2)
		if len(a.Tip) == 0 || !strings.HasPrefix(a.Tip[0], shown+" ") {
			t.Errorf("head %d: tooltip %q does not start with %q", head, a.Tip, shown)
		}
	}
	a := appWith(t, 3, Frame{W: 1280, H: 800, Scale: 1})
	err := a.Set("head", "4")
	if err == nil || !strings.Contains(err.Error(), "0..3") || !strings.Contains(err.Error(), `head=0`) || !strings.Contains(err.Error(), `"head 1"`) {
		t.Errorf("head=4 with 4 heads: error %v, want the range 0..3 and how head=0 relates to \"head 1\"", err)
	}
	if a.S.Head != 0 {
		t.Errorf("head=4 changed the head to %d", a.S.Head)
	}
}
