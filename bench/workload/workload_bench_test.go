package workload

import (
	"fmt"
	"testing"

	"github.com/attnviz/attnviz/core/pipeline"
)

// BenchmarkRunner times the text-to-trace run of every core shape with a
// reused Runner, as the report does (go test -bench . ./bench/workload).
func BenchmarkRunner(b *testing.B) {
	for _, s := range CoreShapes() {
		for _, reuse := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/reuse=%v", s, reuse), func(b *testing.B) {
				cfg, text := Config(s), Text(s.T)
				r := pipeline.Runner{Reuse: reuse}
				for b.Loop() {
					if _, err := r.Run(cfg, text); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
