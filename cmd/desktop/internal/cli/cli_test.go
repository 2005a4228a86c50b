package cli

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/attnviz/attnviz/viz"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string // "" = valid
		check   func(o Options) bool
	}{
		{"defaults", nil, "", func(o Options) bool { return o.Width == 1280 && o.Height == 800 && o.Frames == 30 && len(o.Given) == 0 }},
		{"settings given", []string{"-heads", "2", "-text", "a b", "-head", "1"}, "",
			func(o Options) bool {
				return o.Given["heads"] == "2" && o.Given["text"] == "a b" && o.Given["head"] == "1" && len(o.Given) == 3
			}},
		{"invalid setting values are left to the app", []string{"-heads", "abc"}, "", func(o Options) bool { return o.Given["heads"] == "abc" }},
		{"screenshot", []string{"-screenshot", "x.png", "-frames", "5", "-layout", "x.json"}, "",
			func(o Options) bool { return o.Screenshot == "x.png" && o.Frames == 5 && o.Layout == "x.json" }},
		{"state file", []string{"-state", "s.json", "-text", "a"}, "", func(o Options) bool { return o.State == "s.json" && o.Screenshot == "" && len(o.Given) == 1 }},
		{"no state file by default", []string{"-text", "a"}, "", func(o Options) bool { return o.State == "" }},
		{"huge window", []string{"-width", "20000", "-height", "20000"}, "must be 200..8192", nil},
		{"tiny window", []string{"-width", "20"}, "got 20x800", nil},
		{"negative frames", []string{"-frames", "-5", "-screenshot", "x.png"}, "-frames must be at least 1, got -5", nil},
		{"layout without screenshot", []string{"-layout", "x.json"}, "give -screenshot too", nil},
		{"unknown flag", []string{"-bogus"}, "not defined: -bogus (-help lists the flags)", nil},
		{"stray argument", []string{"-heads", "2", "the cat"}, `unexpected argument "the cat"`, nil},
		{"not a number", []string{"-width", "wide"}, "-width", nil},
	} {
		var out bytes.Buffer
		o, err := Parse(tc.args, &out)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "\n")):
			t.Errorf("%s: error %v, want one line with %q", tc.name, err, tc.wantErr)
		case tc.check != nil && !tc.check(o):
			t.Errorf("%s: options %+v", tc.name, o)
		}
		if tc.wantErr != "" && out.Len() > 0 {
			t.Errorf("%s: printed %q besides the error", tc.name, out.String())
		}
	}
}

func TestHelpListsEveryFlag(t *testing.T) {
	for _, arg := range []string{"-help", "-h", "--help"} {
		var out bytes.Buffer
		_, err := Parse([]string{arg}, &out)
		if !errors.Is(err, ErrHelp) {
			t.Errorf("%s: error %v, want ErrHelp", arg, err)
		}
		usage := out.String()
		if !strings.HasPrefix(usage, "Usage: attnviz-desktop") {
			t.Errorf("%s: usage starts %q", arg, usage[:min(len(usage), 40)])
		}
		names := []string{"width", "height", "screenshot", "frames", "layout", "state"}
		for _, s := range Settings {
			names = append(names, s.Name)
		}
		for _, name := range names {
			if !strings.Contains(usage, "\n  -"+name+" ") {
				t.Errorf("%s: usage lacks -%s", arg, name)
			}
		}
	}
}

// The flags are the settings of package viz with its defaults.
func TestSettingsMatchViz(t *testing.T) {
	def := viz.DefaultSettings()
	if len(Settings) != len(viz.SettingNames) {
		t.Fatalf("%d settings flags, viz has %d settings", len(Settings), len(viz.SettingNames))
	}
	for i, s := range Settings {
		if s.Name != viz.SettingNames[i] || s.Default != def.Get(s.Name) || s.Help == "" {
			t.Errorf("flag %d: -%s default %q; viz: %s default %q", i, s.Name, s.Default, viz.SettingNames[i], def.Get(viz.SettingNames[i]))
		}
	}
}

func TestNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	x11 := runtime.GOOS == "linux" // (and the BSDs)
	if why := NoDisplay(); x11 && (why == "" || !strings.Contains(why, "DISPLAY")) || !x11 && why != "" {
		t.Errorf("without DISPLAY: %q", why)
	}
	t.Setenv("DISPLAY", ":99")
	if why := NoDisplay(); why != "" {
		t.Errorf("with DISPLAY: %q", why)
	}
}
