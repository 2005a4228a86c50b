// Package cli reads the desktop app's command line. It imports only a few
// standard packages, so that package early can run it before Ebiten's
// package initialization, which opens the display and panics without one.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
)

// Name is the program's name in usage and messages.
const Name = "attnviz-desktop"

// MaxSide bounds -width and -height: larger screens do not fit a GPU
// texture (Ebiten panics "atlas: image too big").
const MaxSide = 8192

// Settings are the settings flags in viz.SettingNames order with the
// defaults of viz.DefaultSettings (a test keeps them equal).
var Settings = []struct{ Name, Default, Help string }{
	{"text", "the cat sat on the mat", "the text to tokenize"},
	{"dmodel", "16", "d_model, 1..512"},
	{"heads", "4", "number of heads, 1..64, divides dmodel"},
	{"head", "0", "selected head, 0..heads-1 (counted from 0: -head 0 is \"head 1\" in the window)"},
	{"mask", "none", "none, causal, padding, causal+padding, custom"},
	{"pe", "sinusoidal", "none, sinusoidal, learned, rope"},
	{"seed", "1", "seed, 0..2^53-1"},
	{"tokenizer", "word", "word or char"},
	{"scale", "on", "on or off (divide scores by √d_k)"},
	{"temp", "1", "softmax temperature, 0.01..100"},
	{"present", "0", "presentation mode, 0 or 1"},
	{"cmask", "", "with -mask custom: the mask's T rows of T digits, 1 = may attend, comma-separated (10,11)"},
}

// Options is the parsed command line.
type Options struct {
	Given      map[string]string // settings flags given, by name (validated later, with notices)
	Width      int
	Height     int
	Screenshot string
	Frames     int
	Layout     string
	State      string // write the app's state JSON here after every frame that changed it
}

// ErrHelp: -h or -help was asked for; the usage was written.
var ErrHelp = flag.ErrHelp

// Parse reads args (without the program name). For -help it writes the
// usage to out and returns ErrHelp; any other error says what is wrong in
// one line.
func Parse(args []string, out io.Writer) (Options, error) {
	fs := flag.NewFlagSet(Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned as one line; usage only for -help
	fs.Usage = func() {}
	vals := map[string]*string{}
	for _, s := range Settings {
		vals[s.Name] = fs.String(s.Name, s.Default, s.Help)
	}
	o := Options{Given: map[string]string{}}
	fs.IntVar(&o.Width, "width", 1280, "window width, 200.."+strconv.Itoa(MaxSide))
	fs.IntVar(&o.Height, "height", 800, "window height, 150.."+strconv.Itoa(MaxSide))
	fs.StringVar(&o.Screenshot, "screenshot", "", "save a PNG of the window to this file after -frames frames, then exit")
	fs.IntVar(&o.Frames, "frames", 30, "frames to wait before the screenshot, at least 1")
	fs.StringVar(&o.Layout, "layout", "", "with -screenshot: also write the layout JSON to this file")
	fs.StringVar(&o.State, "state", "", "write the app's state as JSON to this file after every frame that changed it,\nreplacing the file at once (attnviz.state()'s keys plus tokens, editing, help, cursor,\nselToken, tip, tipPanel, layout and rects); for tests and scripts driving the window")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(out, "Usage: %s [flags]\n\nShows how transformer self-attention is computed, live. Settings flags take\nthe page's URL query names and values; an invalid value is ignored with a notice.\n\n", Name)
			fs.SetOutput(out)
			fs.PrintDefaults()
			return o, ErrHelp
		}
		return o, fmt.Errorf("%v (-help lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (flags only; quote a -text with spaces)", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) {
		if p, ok := vals[f.Name]; ok {
			o.Given[f.Name] = *p
		}
	})
	switch {
	case o.Width < 200 || o.Width > MaxSide || o.Height < 150 || o.Height > MaxSide:
		return o, fmt.Errorf("-width and -height must be 200..%d and 150..%d, got %dx%d", MaxSide, MaxSide, o.Width, o.Height)
	case o.Frames < 1:
		return o, fmt.Errorf("-frames must be at least 1, got %d", o.Frames)
	case o.Layout != "" && o.Screenshot == "":
		return o, errors.New("-layout is written with the screenshot: give -screenshot too")
	}
	return o, nil
}

// NoDisplay says why no window can open here ("" when one can): on X11
// systems without DISPLAY, GLFW cannot start.
func NoDisplay() string {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		if os.Getenv("DISPLAY") == "" {
			return "no display: DISPLAY is not set (run it in a desktop session, or under Xvfb: xvfb-run " + Name + ")"
		}
	}
	return ""
}
