package contract

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzContract feeds arbitrary bytes to the JSON contract: it must never
// panic, every refusal must be a one-line *Error, and every accepted input
// must give a trace that encodes as JSON (which fails on NaN or Inf).
func FuzzContract(f *testing.F) {
	for _, c := range goldenCases(f) {
		f.Add([]byte(c.Input))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return // keep each run small; size limits have their own tests
		}
		res, err := Run(data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("refusal is %T, not *Error: %v", err, err)
			}
			if res != nil {
				t.Fatalf("refusal came with a result")
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("refusal is not one line: %q", err)
			}
			return
		}
		if res == nil {
			t.Fatal("no error and no result")
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("trace does not encode (NaN or Inf?): %v", err)
		}
	})
}
