// Package cli reads the desktop app's command line. It imports only a few
// standard packages, so that package early can run it before Ebiten's
// package initialization, which opens the display and panics without one.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
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
// systems, when DISPLAY is not set or no X server answers on it (GLFW
// would panic in Ebiten's package initialization, with a stack trace).
// A server that is still starting gets about two seconds.
func NoDisplay() string {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return noXServer(os.Getenv("DISPLAY"), "/tmp/.X11-unix", 2*time.Second)
	}
	return ""
}

// noXServer is NoDisplay for DISPLAY display, with local servers' sockets
// in socketDir, waiting up to wait for one to answer.
func noXServer(display, socketDir string, wait time.Duration) string {
	if display == "" {
		return "no display: DISPLAY is not set (run it in a desktop session, or under Xvfb: xvfb-run " + Name + ")"
	}
	addrs := xServerAddrs(display, socketDir)
	if addrs == nil {
		return "" // a form this check does not know (GLFW may): let it try
	}
	deadline := time.Now().Add(wait)
	var err error
	for {
		for _, a := range addrs {
			var c net.Conn
			if c, err = net.DialTimeout(a.network, a.address, 500*time.Millisecond); err == nil {
				c.Close()
				return ""
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Sprintf("no display: no X server answers on DISPLAY=%s (%v); start one, or run it under Xvfb: xvfb-run %s", display, err, Name)
}

type netAddr struct{ network, address string }

// xServerAddrs returns where the X server of display ("[host]:n[.screen]")
// listens: for a local one (no host, or "unix") its Unix socket in
// socketDir (and Linux's abstract twin), else TCP port 6000+n on host. nil
// for a form it does not know (a launchd path on macOS, "host/unix:0").
func xServerAddrs(display, socketDir string) []netAddr {
	i := strings.LastIndexByte(display, ':')
	if i < 0 || strings.HasPrefix(display, "/") {
		return nil
	}
	host, num := display[:i], display[i+1:]
	if j := strings.IndexByte(num, '.'); j >= 0 {
		num = num[:j]
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || strings.Contains(host, "/") {
		return nil
	}
	if host == "" || host == "unix" {
		path := filepath.Join(socketDir, "X"+strconv.Itoa(n))
		addrs := []netAddr{{"unix", path}}
		if runtime.GOOS == "linux" {
			addrs = append(addrs, netAddr{"unix", "@" + path})
		}
		return addrs
	}
	return []netAddr{{"tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n))}}
}
