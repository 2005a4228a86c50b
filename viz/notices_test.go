package viz

import (
	"strconv"
	"testing"
)

// Panels, bands and chips sit at the same place whether notices are shown
// or not: a notice that comes or expires must not move a cell under the
// pointer between two clicks.
func TestNoticesNeverMoveThePanels(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Frame
		kv   []string
	}{
		{"1280x800", Frame{W: 1280, H: 800, Scale: 1}, nil},
		{"1024x768 presenting", Frame{W: 1024, H: 768, Scale: 1}, []string{"present", "1"}},
		{"800x600 causal", Frame{W: 800, H: 600, Scale: 1}, []string{"mask", "causal"}},
		{"2560x1600 scale 2", Frame{W: 2560, H: 1600, Scale: 2}, nil},
	} {
		a := appWith(t, 6, tc.f, tc.kv...)
		before := a.L.Rects()
		if a.L.NoticeRows != 0 {
			t.Fatalf("%s: %d notice rows before any notice", tc.name, a.L.NoticeRows)
		}
		for n := 1; n <= 6; n++ {
			a.Notify("notice " + strconv.Itoa(n))
			a.Sync()
			if want := min(n, 4); a.L.NoticeRows != want || a.L.NoticeArea.H <= float64(want)*a.L.Line {
				t.Errorf("%s: %d notices: %d rows in %+v, want %d", tc.name, n, a.L.NoticeRows, a.L.NoticeArea, want)
			}
			sameRects(t, tc.name+" with "+strconv.Itoa(n)+" notices", before, a.L.Rects())
		}
		for i := 0; i < noticeTicks; i++ {
			a.Tick()
		}
		a.Sync()
		if a.L.NoticeRows != 0 || len(a.Notices()) != 0 {
			t.Errorf("%s: notices %q did not expire", tc.name, a.Notices())
		}
		sameRects(t, tc.name+" after the notices expired", before, a.L.Rects())
	}
}

func sameRects(t *testing.T, name string, want, got map[string]Rect) {
	t.Helper()
	for k, r := range want {
		if got[k] != r {
			t.Errorf("%s: %s moved from %+v to %+v", name, k, r, got[k])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d rects, want %d", name, len(got), len(want))
	}
}

// A click on the notices clears them instead of reaching the panel they
// cover; a click elsewhere leaves them.
func TestClickOnNoticesDismissesThem(t *testing.T) {
	a := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1})
	for i := 0; i < 3; i++ {
		a.Notify("notice " + strconv.Itoa(i))
	}
	a.Sync()
	r := a.L.NoticeArea
	if h := a.L.HitTest(r.X+r.W/2, r.Y+r.H-2); h.Kind != HitNotice {
		t.Fatalf("hit on the notices' last line: %+v", h)
	}
	mask := a.L.Panel("mask", -1)
	a.Click(mask.Grid.X+1, mask.Grid.Y+mask.Grid.H-1, 1)
	a.Sync()
	if len(a.Notices()) < 3 {
		t.Fatalf("a click on the mask cleared the notices: %q", a.Notices())
	}
	a.Click(r.X+r.W/2, r.Y+r.H-2, 1)
	a.Sync()
	for _, n := range a.Notices() {
		if len(n) > 7 && n[:7] == "notice " {
			t.Errorf("notice %q left after clicking the notices", n)
		}
	}
}
