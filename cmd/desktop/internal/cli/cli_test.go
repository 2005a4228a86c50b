package cli

import (
	"bytes"
	"errors"
	"net"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

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
}

// A DISPLAY that is set but has no X server behind it is refused with one
// line (GLFW would panic with a stack trace); one with a server listening
// is accepted, also when the server starts listening a little late.
func TestNoXServer(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("X11 sockets as on Linux")
	}
	dir := t.TempDir()
	listen := func(n int) net.Listener {
		l, err := net.Listen("unix", filepath.Join(dir, "X"+strconv.Itoa(n)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	}
	listen(7)
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	tcpDisplay := "127.0.0.1:" + strconv.Itoa(tcp.Addr().(*net.TCPAddr).Port-6000)
	for _, tc := range []struct {
		display string
		ok      bool
	}{
		{":7", true},
		{":7.0", true},
		{"unix:7", true},
		{":8", false},
		{"unix:8.1", false},
		{tcpDisplay, true},     // (a port below 6000 is no display number: not checked, also ok)
		{"127.0.0.1:1", false}, // port 6001: nothing listens
		{"/private/tmp/com.apple.launchd.x/org.xquartz:0", true}, // not checked
		{"nonsense", true}, // not checked: GLFW says what it thinks
	} {
		why := noXServer(tc.display, dir, 200*time.Millisecond)
		if tc.ok != (why == "") {
			t.Errorf("DISPLAY=%s: %q (want ok=%v)", tc.display, why, tc.ok)
		}
		if why != "" && (!strings.Contains(why, "DISPLAY="+tc.display) || strings.Contains(why, "\n")) {
			t.Errorf("DISPLAY=%s: message %q should name the display on one line", tc.display, why)
		}
	}
	// A server that starts listening while the check waits.
	late := make(chan net.Listener, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		l, err := net.Listen("unix", filepath.Join(dir, "X9"))
		if err != nil {
			t.Error(err)
		}
		late <- l
	}()
	defer func() {
		if l := <-late; l != nil {
			l.Close()
		}
	}()
	if why := noXServer(":9", dir, 3*time.Second); why != "" {
		t.Errorf("a server that starts after 300 ms: %q", why)
	}
}
