// Package torchref runs attnviz's text-to-trace computation in PyTorch
// (bench/torch_ref.py, float64 on the CPU) on weights and embeddings exported
// from Go, so the two can be checked against each other and timed on the
// same inputs.
package torchref

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/attnviz/attnviz/bench/workload"
	"github.com/attnviz/attnviz/core/pipeline"
)

// Python is the interpreter with torch: Debian's, not a pyenv one on PATH.
const Python = "/usr/bin/python3"

// Case is one exported input: the text, the seeded weights and the
// embedding of every distinct token, as attnviz computed them.
type Case struct {
	Name       string      `json:"name"`
	Text       string      `json:"text"`
	DModel     int         `json:"dmodel"`
	Heads      int         `json:"heads"`
	Scale      float64     `json:"scale"`
	Vocab      []string    `json:"vocab"`
	Embeddings [][]float64 `json:"embeddings"` // len(Vocab) x d_model
	Wq         [][]float64 `json:"wq"`         // d_model x d_model
	Wk         [][]float64 `json:"wk"`
	Wv         [][]float64 `json:"wv"`
	Wo         [][]float64 `json:"wo"`
}

// Export builds the Case of a shape from attnviz's own seeded tables.
func Export(s workload.Shape) (Case, error) {
	cfg := workload.Config(s)
	text := workload.Text(s.T)
	tr, err := pipeline.Run(cfg, text)
	if err != nil {
		return Case{}, err
	}
	if tr.Config.PE != pipeline.PESinusoidal || tr.Config.Mask != pipeline.MaskNone {
		return Case{}, fmt.Errorf("torchref: the reference implements sinusoidal positions without mask only")
	}
	w := tr.Weights
	if w.Bq != nil || w.Bk != nil || w.Bv != nil || w.Bo != nil {
		return Case{}, fmt.Errorf("torchref: the reference assumes zero biases")
	}
	c := Case{
		Name: s.String(), Text: text, DModel: s.DModel, Heads: s.Heads, Scale: cfg.Scale(),
		Wq: rows(w.Wq), Wk: rows(w.Wk), Wv: rows(w.Wv), Wo: rows(w.Wo),
	}
	seen := map[string]bool{}
	for i, tok := range tr.Tokens {
		if !seen[tok.Text] {
			seen[tok.Text] = true
			c.Vocab = append(c.Vocab, tok.Text)
			c.Embeddings = append(c.Embeddings, append([]float64(nil), tr.Embeddings.RawRowView(i)...))
		}
	}
	return c, nil
}

func rows(m *mat.Dense) [][]float64 {
	r, _ := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = append([]float64(nil), m.RawRowView(i)...)
	}
	return out
}

type request struct {
	Threads    int     `json:"threads"`
	Mode       string  `json:"mode"`
	MinSeconds float64 `json:"min_seconds"`
	Cases      []Case  `json:"cases"`
}

// Result is one PyTorch variant's answer: per-head weights (H x T x T) and
// the final output (T x d_model).
type Result struct {
	Weights [][][]float64 `json:"weights"`
	Output  [][]float64   `json:"output"`
}

// CheckResult holds both PyTorch variants for one case.
type CheckResult struct {
	Name   string `json:"name"`
	Manual Result `json:"manual"` // step by step, as attnviz does it
	MHA    Result `json:"mha"`    // torch.nn.functional.multi_head_attention_forward
}

// Timing is PyTorch's time per text-to-trace run.
type Timing struct {
	Name     string  `json:"name"`
	ManualNs float64 `json:"manual_ns"`
	MHANs    float64 `json:"mha_ns"`
}

// Info says what ran.
type Info struct {
	Torch   string `json:"torch"`
	BLAS    string `json:"blas"`
	Threads int    `json:"threads"`
}

// Check runs the cases through PyTorch and returns its outputs.
func Check(script string, threads int, cases []Case) (Info, []CheckResult, error) {
	var out struct {
		Info
		Results []CheckResult `json:"results"`
	}
	err := run(script, request{Threads: threads, Mode: "check", Cases: cases}, &out)
	return out.Info, out.Results, err
}

// Time times the cases in PyTorch, each for about minSeconds.
func Time(script string, threads int, minSeconds float64, cases []Case) (Info, []Timing, error) {
	var out struct {
		Info
		Results []Timing `json:"results"`
	}
	err := run(script, request{Threads: threads, Mode: "time", MinSeconds: minSeconds, Cases: cases}, &out)
	return out.Info, out.Results, err
}

func run(script string, req request, out any) error {
	in, err := json.Marshal(req) // one line: the script reads the request from its first line
	if err != nil {
		return err
	}
	cmd := exec.Command(Python, script)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), fmt.Sprintf("OMP_NUM_THREADS=%d", req.Threads),
		fmt.Sprintf("OPENBLAS_NUM_THREADS=%d", req.Threads))
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("torchref: %s %s: %v: %s", Python, script, err, lastLine(stderr.String()))
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return fmt.Errorf("torchref: reading %s output: %v", script, err)
	}
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// MaxDiff returns the largest absolute difference between attnviz's trace
// of a case (per-head weights and final output) and a PyTorch result, and
// an error when the shapes differ.
func MaxDiff(tr *pipeline.Trace, r Result) (float64, error) {
	a := tr.Attention
	if a == nil {
		return 0, fmt.Errorf("empty trace")
	}
	if len(r.Weights) != len(a.Heads) {
		return 0, fmt.Errorf("torch gave %d heads, attnviz %d", len(r.Weights), len(a.Heads))
	}
	worst := 0.0
	for h, head := range a.Heads {
		d, err := diff(head.Weights, r.Weights[h])
		if err != nil {
			return 0, fmt.Errorf("head %d weights: %v", h, err)
		}
		worst = math.Max(worst, d)
	}
	d, err := diff(a.Output, r.Output)
	if err != nil {
		return 0, fmt.Errorf("output: %v", err)
	}
	return math.Max(worst, d), nil
}

func diff(m *mat.Dense, want [][]float64) (float64, error) {
	r, c := m.Dims()
	if len(want) != r {
		return 0, fmt.Errorf("torch gave %d rows, attnviz %d", len(want), r)
	}
	worst := 0.0
	for i, row := range want {
		if len(row) != c {
			return 0, fmt.Errorf("row %d: torch gave %d columns, attnviz %d", i, len(row), c)
		}
		for j, v := range row {
			d := math.Abs(m.At(i, j) - v)
			if math.IsNaN(d) {
				d = math.Inf(1)
			}
			worst = math.Max(worst, d)
		}
	}
	return worst, nil
}

// Server is a running torch_ref.py in "serve" mode: it times one case per
// call, so a caller can take turns with its own timing shape by shape.
type Server struct {
	Info
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	stderr *bytes.Buffer
}

// Serve starts torch_ref.py on the cases.
func Serve(script string, threads int, cases []Case) (*Server, error) {
	req, err := json.Marshal(request{Threads: threads, Mode: "serve", Cases: cases})
	if err != nil {
		return nil, err
	}
	s := &Server{cmd: exec.Command(Python, script), stderr: &bytes.Buffer{}}
	s.cmd.Env = append(os.Environ(), fmt.Sprintf("OMP_NUM_THREADS=%d", threads), fmt.Sprintf("OPENBLAS_NUM_THREADS=%d", threads))
	s.cmd.Stderr = s.stderr
	if s.in, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.out = bufio.NewScanner(stdout)
	s.out.Buffer(make([]byte, 1<<20), 1<<20)
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	if _, err := s.in.Write(append(req, '\n')); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.read(&s.Info); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) read(v any) error {
	if !s.out.Scan() {
		return fmt.Errorf("torchref: %s ended: %s", Python, lastLine(s.stderr.String()))
	}
	return json.Unmarshal(s.out.Bytes(), v)
}

// Time times case i for about minSeconds.
func (s *Server) Time(i int, minSeconds float64) (Timing, error) {
	var t Timing
	if _, err := fmt.Fprintf(s.in, "{\"case\": %d, \"min_seconds\": %g}\n", i, minSeconds); err != nil {
		return t, err
	}
	err := s.read(&t)
	return t, err
}

// Close ends the script.
func (s *Server) Close() error {
	s.in.Close()
	return s.cmd.Wait()
}
