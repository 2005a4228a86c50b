// Package early parses the desktop app's command line before Ebiten starts.
// Ebiten's package initialization opens the display and panics without
// one, so -help, a bad flag or a missing display must be handled in an
// earlier init. Go initializes packages whose imports are ready in the
// order of their import paths (Go 1.21+), and this one sorts before
// github.com/hajimehoshi/ebiten and imports only package cli and the
// standard library, so its init runs first. The cmd/desktop main package
// must import it (blank import) and read Parsed.
package early

import (
	"errors"
	"fmt"
	"os"

	"github.com/attnviz/attnviz/cmd/desktop/internal/cli"
)

// Parsed is the command line, read before Ebiten started.
var Parsed cli.Options

func init() {
	o, err := cli.Parse(os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, cli.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, cli.Name+":", err)
		os.Exit(2)
	}
	if why := cli.NoDisplay(); why != "" {
		fmt.Fprintln(os.Stderr, cli.Name+":", why)
		os.Exit(1)
	}
	Parsed = o
}
