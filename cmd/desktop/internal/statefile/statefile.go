// Package statefile writes the desktop app's state to a JSON file (the
// -state flag), so tests and scripts that drive the real window with real
// keys and mouse events can see what the app made of them.
package statefile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/attnviz/attnviz/viz"
)

// Snapshot is the app's state as one JSON object: every key of the page's
// attnviz.state() (drawn is the version of the last drawn frame), plus
// what the window shows that state() leaves out:
//
//	tokens    the token strings (attnviz.tokens())
//	editing   typed letters go to the text (false: they are shortcuts)
//	help      the help overlay is shown
//	cursor    the text cursor (byte offset)
//	selToken  the selected token chip, -1 for none
//	tip       the hover tooltip's lines ([] for none)
//	tipPanel  the panel under the pointer ("" for none)
//	layout    the -layout JSON (heatmap panels and their cells, screen pixels)
//	rects     every named element's rectangle (viz.Layout.Rects: X, Y, W, H
//	          in screen pixels), to point the mouse at
func Snapshot(a *viz.App, drawn int) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a.StateJSON(drawn)), &m); err != nil {
		return nil, err
	}
	tip := a.Tip
	if tip == nil {
		tip = []string{}
	}
	rects := map[string]viz.Rect{}
	if a.L != nil {
		rects = a.L.Rects()
	}
	extra := map[string]any{
		"tokens": json.RawMessage(a.TokensJSON()), "editing": a.Editing, "help": a.Help,
		"cursor": a.Cursor, "selToken": a.SelToken, "tip": tip, "tipPanel": a.TipPanel,
		"layout": json.RawMessage(a.L.JSON()), // an empty layout before the first one
		"rects":  rects,
	}
	for key, v := range extra {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m[key] = b
	}
	return json.Marshal(m)
}

// Writer keeps a file holding the latest snapshot.
type Writer struct {
	Path string
	last []byte
}

// Write replaces the file with b unless b is what it already holds. The
// file is replaced by a rename, so a reader never sees half of it.
func (w *Writer) Write(b []byte) error {
	if w.last != nil && bytes.Equal(b, w.last) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(w.Path), filepath.Base(w.Path)+".*.tmp")
	if err != nil {
		return err
	}
	err = tmp.Chmod(0o644) // as os.WriteFile would make it
	if err == nil {
		_, err = tmp.Write(append(b, '\n'))
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), w.Path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	w.last = append(w.last[:0], b...)
	return nil
}
