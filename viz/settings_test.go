package viz

import (
	"net/url"
	"strings"
	"testing"
)

func TestSetValidAndInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		wantErr     string // substring; "" = accepted
		check       func(Settings) bool
	}{
		{"heads", "8", "", func(s Settings) bool { return s.Heads == 8 }},
		{"heads", "0", "heads:", nil},
		{"heads", "abc", "heads:", nil},
		{"heads", "3", "do not divide", nil},
		{"heads", "65", "heads:", nil},
		{"dmodel", "99999", "dmodel:", nil},
		{"dmodel", "32", "", func(s Settings) bool { return s.DModel == 32 && s.Heads == 4 }},
		{"dmodel", "6", "", func(s Settings) bool { return s.DModel == 6 && s.Heads == 3 }},
		{"mask", "causal", "", func(s Settings) bool { return s.Mask == "causal" }},
		{"mask", "diagonal", "mask:", nil},
		{"pe", "rope", "", func(s Settings) bool { return s.PE == "rope" }},
		{"pe", "fourier", "pe:", nil},
		{"seed", "9007199254740991", "", func(s Settings) bool { return s.Seed == 1<<53-1 }},
		{"seed", "-1", "seed:", nil},
		{"seed", "9007199254740992", "seed:", nil},
		{"tokenizer", "char", "", func(s Settings) bool { return s.Tokenizer == "char" }},
		{"tokenizer", "bpe", "tokenizer:", nil},
		{"scale", "off", "", func(s Settings) bool { return !s.Scale }},
		{"scale", "maybe", "scale:", nil},
		{"temp", "0.5", "", func(s Settings) bool { return s.Temp == 0.5 }},
		{"temp", "0", "temp:", nil},
		{"temp", "NaN", "temp:", nil},
		{"temp", "101", "temp:", nil},
		{"head", "3", "", func(s Settings) bool { return s.Head == 3 }},
		{"head", "4", "head:", nil},
		{"present", "1", "", func(s Settings) bool { return s.Present }},
		{"present", "yes", "present:", nil},
		{"text", "", "", func(s Settings) bool { return s.Text == "" }},
		{"colour", "red", "unknown setting", nil},
	} {
		s := DefaultSettings()
		before := s
		_, err := s.Set(tc.name, tc.value)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("Set(%q, %q): unexpected error %v", tc.name, tc.value, err)
		case tc.wantErr == "" && !tc.check(s):
			t.Errorf("Set(%q, %q): settings now %+v", tc.name, tc.value, s)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("Set(%q, %q): error %v, want one containing %q", tc.name, tc.value, err, tc.wantErr)
		case tc.wantErr != "" && s != before:
			t.Errorf("Set(%q, %q) failed but changed the settings to %+v", tc.name, tc.value, s)
		}
	}
}

func TestDModelLowersHeadsAndKeepsHeadInRange(t *testing.T) {
	s := DefaultSettings()
	if _, err := s.Set("heads", "8"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Set("head", "7"); err != nil {
		t.Fatal(err)
	}
	note, err := s.Set("dmodel", "12")
	if err != nil {
		t.Fatal(err)
	}
	if s.Heads != 6 || s.Head != 5 || !strings.Contains(note, "using 6") {
		t.Errorf("dmodel=12 from heads=8: heads %d head %d note %q; want heads 6, head 5 and a note", s.Heads, s.Head, note)
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		query   string
		want    func(Settings) bool
		notices []string // substrings, one per expected notice, in order
	}{
		{"?text=the+cat+sat&heads=4&mask=causal&pe=sinusoidal&seed=3",
			func(s Settings) bool {
				return s.Text == "the cat sat" && s.Heads == 4 && s.Mask == "causal" && s.Seed == 3
			}, nil},
		{"heads=0", func(s Settings) bool { return s.Heads == 4 }, []string{"heads: expected a whole number 1..64, got \"0\"; ignored"}},
		{"heads=abc", func(s Settings) bool { return s.Heads == 4 }, []string{"heads: expected a whole number 1..64, got \"abc\"; ignored"}},
		{"dmodel=99999", func(s Settings) bool { return s.DModel == 16 }, []string{"dmodel: expected a whole number 1..512"}},
		{"dmodel=12&heads=3&head=2", func(s Settings) bool { return s.DModel == 12 && s.Heads == 3 && s.Head == 2 }, nil},
		{"heads=3&dmodel=12", func(s Settings) bool { return s.DModel == 12 && s.Heads == 3 }, nil},
		{"dmodel=10", func(s Settings) bool { return s.DModel == 10 && s.Heads == 2 }, []string{"using 2"}},
		{"pe=rope&dmodel=12&heads=4", func(s Settings) bool { return s.PE == "sinusoidal" && s.DModel == 12 && s.Heads == 4 },
			[]string{"rope needs an even head width"}},
		{"temp=abc&scale=off&tokenizer=char", func(s Settings) bool { return s.Temp == 1 && !s.Scale && s.Tokenizer == "char" }, []string{"temp:"}},
		{"text=%F0%9F%98%80+%D7%A9%D7%9C%D7%95%D7%9D", func(s Settings) bool { return s.Text == "😀 שלום" }, nil},
		{"zoom=3&text=hi", func(s Settings) bool { return s.Text == "hi" }, []string{"unknown parameter zoom"}},
		{"text=%zz", func(s Settings) bool { return s.Text == DefaultText }, []string{"URL: some parameters could not be read"}},
		{"", func(s Settings) bool { return s == DefaultSettings() }, nil},
	} {
		s, notices := ParseQuery(tc.query)
		if !tc.want(s) {
			t.Errorf("ParseQuery(%q) = %+v", tc.query, s)
		}
		if len(notices) != len(tc.notices) {
			t.Errorf("ParseQuery(%q): notices %q, want %d", tc.query, notices, len(tc.notices))
			continue
		}
		for i, sub := range tc.notices {
			if !strings.Contains(notices[i], sub) {
				t.Errorf("ParseQuery(%q): notice %q lacks %q", tc.query, notices[i], sub)
			}
		}
	}
}

func TestQueryRoundTrip(t *testing.T) {
	s := DefaultSettings()
	for _, kv := range [][2]string{{"text", "a&b = c? 😀"}, {"dmodel", "32"}, {"heads", "8"}, {"head", "5"}, {"mask", "causal+padding"},
		{"pe", "learned"}, {"seed", "42"}, {"tokenizer", "char"}, {"scale", "off"}, {"temp", "0.25"}, {"present", "1"}} {
		if _, err := s.Set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	q := s.Query()
	got, notices := ParseQuery(q)
	if got != s || len(notices) != 0 {
		t.Errorf("round trip of %q: got %+v (notices %q), want %+v", q, got, notices, s)
	}
	vals, _ := url.ParseQuery(q)
	if len(vals) != len(SettingNames)-1 { // cmask only with mask=custom (TestCustomMaskLink)
		t.Errorf("query %q has %d parameters, want every setting but cmask (%d)", q, len(vals), len(SettingNames)-1)
	}
}
