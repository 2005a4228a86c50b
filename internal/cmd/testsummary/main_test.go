package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name        string
		stream      string
		want        counts
		wantBad     int
		wantInOuput string
	}{
		{
			name: "pass and skip",
			stream: `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"skip","Package":"p","Test":"TestB"}
{"Action":"pass","Package":"p"}`,
			want: counts{passed: 1, skipped: 1}, wantInOuput: "ok   p",
		},
		{
			name: "failed subtest prints its output once",
			stream: `{"Action":"output","Package":"p","Test":"TestA/x","Output":"boom happened\n"}
{"Action":"fail","Package":"p","Test":"TestA/x"}
{"Action":"fail","Package":"p","Test":"TestA"}
{"Action":"fail","Package":"p"}`,
			want: counts{failed: 2}, wantInOuput: "--- FAIL p/TestA/x\nboom happened",
		},
		{
			name: "build failure counts as a bad package",
			stream: `{"ImportPath":"q","Action":"build-output","Output":"q/x.go:1: syntax error\n"}
{"Action":"output","Package":"q","Output":"FAIL\tq [build failed]\n"}
{"Action":"fail","Package":"q"}`,
			wantBad: 1, wantInOuput: "syntax error",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			got, bad := summarize(strings.NewReader(tc.stream), &out, "x")
			if got != tc.want || bad != tc.wantBad {
				t.Fatalf("got %+v bad=%d, want %+v bad=%d\n%s", got, bad, tc.want, tc.wantBad, out.String())
			}
			if !strings.Contains(out.String(), tc.wantInOuput) {
				t.Fatalf("output lacks %q:\n%s", tc.wantInOuput, out.String())
			}
		})
	}
}
