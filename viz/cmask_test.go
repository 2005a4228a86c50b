package viz

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// A link of a view with a custom mask reopens that mask: the cells toggled
// on the mask panel travel in cmask, and the weights come out the same.
func TestCustomMaskLink(t *testing.T) {
	for _, tc := range []struct {
		name    string
		kv      []string
		toggles [][2]int
		want    string // cmask in the link
	}{
		{"from no mask", nil, [][2]int{{0, 1}, {2, 0}}, "1011,1111,0111,1111"},
		{"from causal", []string{"mask", "causal"}, [][2]int{{0, 1}}, "1100,1100,1110,1111"},
		{"from causal, toggled back", []string{"mask", "causal"}, [][2]int{{3, 3}, {3, 3}}, "1000,1100,1110,1111"},
	} {
		a := appWith(t, 4, Frame{W: 1280, H: 800, Scale: 1}, tc.kv...)
		for _, c := range tc.toggles {
			a.ToggleMaskCell(c[0], c[1])
		}
		a.Sync()
		q := a.S.Query()
		if !strings.Contains(q, "mask=custom") || !strings.Contains(q, "&cmask="+tc.want) {
			t.Errorf("%s: link %q lacks mask=custom&cmask=%s", tc.name, q, tc.want)
		}
		s, notices := ParseQuery(q)
		if len(notices) > 0 {
			t.Errorf("%s: reopening %q: notices %q", tc.name, q, notices)
		}
		b := New(s, notices)
		b.SetFrame(a.Frame)
		b.Sync()
		if EncodeMask(b.Custom) != tc.want || b.S != a.S {
			t.Errorf("%s: reopened mask %q settings %+v, want %q %+v", tc.name, EncodeMask(b.Custom), b.S, tc.want, a.S)
		}
		for h := range a.Trace.Attention.Heads {
			if !mat.Equal(a.Trace.Attention.Heads[h].Weights, b.Trace.Attention.Heads[h].Weights) {
				t.Errorf("%s: head %d weights differ after reopening the link", tc.name, h)
			}
		}
	}
}

// A link's cmask also works with its settings in any order, and a bad one
// is ignored with a notice that says what is wrong.
func TestCustomMaskParameter(t *testing.T) {
	for _, tc := range []struct {
		query, want, notice string
	}{
		{"text=a+b&cmask=10,11&mask=custom", "10,11", ""},
		{"text=a+b&mask=custom&cmask=01.11", "01,11", ""},
		{"text=a+b&mask=custom&cmask=1,11", "", "row 0 has 1 cells, expected 2"},
		{"text=a+b&mask=custom&cmask=1x,11", "", "row 0 cell 1"},
		{"text=a+b+c&mask=custom&cmask=01,11", "011,111,111", "the mask given is 2×2 but the text has 3 tokens; the new rows and columns may attend"}, // kept cells, new ones allowed
		{"text=a+b&mask=custom&cmask=010,111,111", "01,11", "the mask given is 3×3 but the text has 2 tokens; the extra rows and columns are dropped"},
		{"text=a+b&cmask=10,11", "", "cmask: used only with mask=custom (the mask now is none)"},
	} {
		s, notices := ParseQuery(tc.query)
		a := New(s, notices)
		a.SetFrame(Frame{W: 1280, H: 800, Scale: 1})
		a.Sync()
		joined := strings.Join(a.Notices(), " | ")
		if tc.notice != "" && !strings.Contains(joined, tc.notice) || tc.notice == "" && strings.Contains(joined, "cmask") {
			t.Errorf("%s: notices %q, want one with %q", tc.query, joined, tc.notice)
		}
		if tc.want != "" && (a.S.Mask != "custom" || EncodeMask(a.Custom) != tc.want) {
			t.Errorf("%s: mask %s %q, want custom %q", tc.query, a.S.Mask, EncodeMask(a.Custom), tc.want)
		}
	}
}
