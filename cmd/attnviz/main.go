// Command attnviz is the headless face of attnviz: it prints the full
// attention trace that the visualizer draws, as JSON.
//
//	attnviz trace FILE            run one JSON input (op sdpa, mha, pe or text)
//	attnviz trace -               the same, reading standard input
//	attnviz trace --text "..."    run the text pipeline with flags
//
// Bad input exits with status 2 and one line on standard error.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/attnviz/attnviz/core"
	"github.com/attnviz/attnviz/core/contract"
	"github.com/attnviz/attnviz/core/pipeline"
	"github.com/attnviz/attnviz/core/tokenize"
)

const usage = `attnviz — print what self-attention computes, step by step, as JSON.

Usage:
  attnviz trace FILE        read one JSON input from FILE and print its trace
  attnviz trace -           read the JSON input from standard input
  attnviz trace --text "the cat sat on the mat" [flags]
                            run the whole pipeline: tokens, embeddings,
                            positional encodings, per-head Q, K, V, scores,
                            weights, outputs, concatenation and output
  attnviz help              this text

JSON input ("op" selects the computation; matrices are arrays of rows):
  {"op":"sdpa","q":[[..]],"k":[[..]],"v":[[..]],"mask":[[1,0],..],"causal":true,"pad":[0,1],"scale":0.5}
  {"op":"mha","x":[[..]],"heads":2,"w_q":..,"w_k":..,"w_v":..,"w_o":..,"b_q":[..],...}
  {"op":"pe","kind":"sinusoidal","positions":6,"d_model":8}
  {"op":"text","text":"the cat sat","d_model":16,"heads":4,"mask":"causal",...}
  mask: 1 = may attend, 0 = blocked. pad: 1 = that key is padding (blocked).
  causal aligns lower-right: query i sees key j when j <= i + (T_k - T_q).

Flags for --text:
`

// exitError carries an exit status and a one-line message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status. It never
// lets a panic escape as a trace; an internal error is one line, status 3.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "attnviz: internal error: %v (please report this input)\n", r)
			code = 3
		}
	}()
	err := dispatch(args, stdin, stdout)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "attnviz: "+ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "attnviz: "+oneLine(err.Error()))
	return 2
}

func dispatch(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return &exitError{2, "missing command: try 'attnviz trace --text \"the cat sat\"' or 'attnviz help'"}
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		printUsage(stdout, newTraceFlags())
		return nil
	case "trace":
		return trace(args[1:], stdin, stdout)
	}
	return &exitError{2, fmt.Sprintf("unknown command %q: expected trace or help", args[0])}
}

// traceFlags are the flags of "attnviz trace".
type traceFlags struct {
	fs                  *flag.FlagSet
	text                *string
	heads, dmodel, pad  *int
	seed                *int64
	mask, pe, tokenizer *string
	temperature         *float64
	noScale, indent     *bool
	scale, customMask   *string
}

func newTraceFlags() *traceFlags {
	d := pipeline.DefaultConfig()
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &traceFlags{
		fs:          fs,
		text:        fs.String("text", "", "the text to tokenize and attend over"),
		heads:       fs.Int("heads", d.Heads, "number of heads H (must divide d_model)"),
		dmodel:      fs.Int("dmodel", d.DModel, "token width d_model (1.."+fmt.Sprint(pipeline.MaxDModel)+")"),
		mask:        fs.String("mask", string(d.Mask), "mask: none, causal, padding, causal+padding or custom (with --custom-mask)"),
		pad:         fs.Int("pad", 0, "append <pad> tokens until there are this many tokens (padding mask blocks them)"),
		pe:          fs.String("pe", string(d.PE), "positional encoding: none, sinusoidal, learned or rope"),
		seed:        fs.Int64("seed", d.Seed, "seed for embeddings, weights and learned positions"),
		tokenizer:   fs.String("tokenizer", string(d.Tokenizer), "tokenizer: word or char"),
		temperature: fs.Float64("temperature", d.Temperature, "softmax temperature: scores are divided by it (0.01..100)"),
		noScale:     fs.Bool("no-scale", false, "do not divide scores by √d_k (same as --scale off)"),
		scale:       fs.String("scale", "", "on: divide scores by √d_k (default), off: do not"),
		customMask:  fs.String("custom-mask", "", "with --mask custom: T rows of 0/1 separated by commas, 1 = may attend (e.g. 100,110,111)"),
		indent:      fs.Bool("indent", false, "indent the JSON output"),
	}
	fs.Float64Var(f.temperature, "temp", d.Temperature, "same as --temperature")
	return f
}

func printUsage(w io.Writer, f *traceFlags) {
	fmt.Fprint(w, usage)
	f.fs.SetOutput(w)
	f.fs.PrintDefaults()
	f.fs.SetOutput(io.Discard)
}

func trace(args []string, stdin io.Reader, stdout io.Writer) error {
	f := newTraceFlags()
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, f)
			return nil
		}
		return &exitError{2, oneLine(err.Error()) + " (see 'attnviz help')"}
	}
	textSet := false
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == "text" {
			textSet = true
		}
	})
	rest := f.fs.Args()
	var result any
	var err error
	switch {
	case textSet && len(rest) > 0:
		return &exitError{2, "give either --text or an input FILE, not both"}
	case textSet:
		cfg := pipeline.DefaultConfig()
		cfg.DModel, cfg.Heads, cfg.PadTo, cfg.Seed = *f.dmodel, *f.heads, *f.pad, *f.seed
		cfg.Mask, cfg.PE = pipeline.MaskKind(*f.mask), pipeline.PEKind(*f.pe)
		cfg.Tokenizer = tokenize.Kind(*f.tokenizer)
		cfg.Temperature, cfg.Scaled = *f.temperature, !*f.noScale
		switch *f.scale {
		case "":
		case "on", "off":
			cfg.Scaled = *f.scale == "on"
		default:
			return &exitError{2, fmt.Sprintf("scale: expected on or off, got %q", *f.scale)}
		}
		if *f.customMask != "" {
			if cfg.Custom, err = parseCustomMask(*f.customMask); err != nil {
				return err
			}
		}
		result, err = contract.TextJSON(cfg, *f.text)
	case len(rest) == 1:
		var data []byte
		data, err = readInput(rest[0], stdin)
		if err == nil {
			result, err = contract.Run(data)
		}
	case len(rest) == 0:
		return &exitError{2, "missing input: give a FILE, - for standard input, or --text \"...\""}
	default:
		return &exitError{2, fmt.Sprintf("expected one input FILE, got %d arguments (flags go before FILE)", len(rest))}
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	if *f.indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(result)
}

// parseCustomMask reads rows of 0/1 digits separated by commas or
// semicolons ("100,110,111"), 1 = may attend.
func parseCustomMask(s string) (*core.BoolMatrix, error) {
	rows := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' })
	if len(rows) == 0 || len(rows) > pipeline.MaxTokens {
		return nil, &exitError{2, fmt.Sprintf("custom-mask: expected 1..%d rows of 0/1 separated by commas", pipeline.MaxTokens)}
	}
	m := core.NewBoolMatrix(len(rows), len(rows), false)
	for i, row := range rows {
		row = strings.TrimSpace(row)
		if len(row) != len(rows) {
			return nil, &exitError{2, fmt.Sprintf("custom-mask: row %d has %d cells, expected %d (a square T x T mask)", i, len(row), len(rows))}
		}
		for j, c := range row {
			if c != '0' && c != '1' {
				return nil, &exitError{2, fmt.Sprintf("custom-mask: row %d cell %d is %q, expected 0 or 1", i, j, c)}
			}
			m.Set(i, j, c == '1')
		}
	}
	return m, nil
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("input: cannot open %s: %v", name, unwrapPath(err))
		}
		defer file.Close()
		r = file
	}
	data, err := io.ReadAll(io.LimitReader(r, contract.MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("input: cannot read: %v", err)
	}
	return data, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
