package viz

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/attnviz/attnviz/core/pipeline"
	"github.com/attnviz/attnviz/core/tokenize"
)

// Settings are the learner's choices: the same names in the URL query, the
// desktop flags and the JavaScript set(name, value) (see notes/viz-contract.md).
type Settings struct {
	Text      string
	DModel    int               // d_model, 1..512
	Heads     int               // H, 1..64, divides d_model
	Mask      pipeline.MaskKind // none, causal, padding, causal+padding, custom
	PE        pipeline.PEKind   // none, sinusoidal, learned, rope
	Seed      int64             // 0..2^53-1
	Tokenizer tokenize.Kind     // word, char
	Scale     bool              // divide scores by √d_k
	Temp      float64           // 0.01..100
	Head      int               // selected head, 0..H-1
	Present   bool              // presentation mode
	CMask     string            // the custom mask as cmask rows ("10,11"; see EncodeMask), "" for none yet
}

// HeadNumbering explains the two ways heads are counted: the window counts
// from 1 ("head 1 of 4"), links, the JS API and the desktop flags count from
// 0 (head=0), as the contract fixes.
const HeadNumbering = `head=0 in links and the API is "head 1" in the window`

// MaxHeads is the most heads the visualizer shows (each gets a panel in the
// head grid); the core computes up to core.MaxHeads.
const MaxHeads = 64

// DefaultText is the sentence a fresh page shows.
const DefaultText = "the cat sat on the mat"

// SettingNames lists every setting in the order they are applied and encoded:
// dmodel before heads before head, so a query like dmodel=32&heads=8&head=7
// is valid whatever the defaults are.
var SettingNames = []string{"text", "dmodel", "heads", "head", "mask", "pe", "seed", "tokenizer", "scale", "temp", "present", "cmask"}

// DefaultSettings returns what attnviz starts with.
func DefaultSettings() Settings {
	c := pipeline.DefaultConfig()
	return Settings{
		Text: DefaultText, DModel: c.DModel, Heads: c.Heads, Mask: c.Mask, PE: c.PE,
		Seed: c.Seed, Tokenizer: c.Tokenizer, Scale: c.Scaled, Temp: c.Temperature,
	}
}

// Config returns the pipeline configuration (without the custom mask).
func (s Settings) Config() pipeline.Config {
	return pipeline.Config{
		DModel: s.DModel, Heads: s.Heads, PE: s.PE, Mask: s.Mask, Scaled: s.Scale,
		Temperature: s.Temp, Seed: s.Seed, Tokenizer: s.Tokenizer,
	}
}

// Get returns one setting as the string the URL and the JS API use.
func (s Settings) Get(name string) string {
	switch name {
	case "text":
		return s.Text
	case "dmodel":
		return strconv.Itoa(s.DModel)
	case "heads":
		return strconv.Itoa(s.Heads)
	case "head":
		return strconv.Itoa(s.Head)
	case "mask":
		return string(s.Mask)
	case "pe":
		return string(s.PE)
	case "seed":
		return strconv.FormatInt(s.Seed, 10)
	case "tokenizer":
		return string(s.Tokenizer)
	case "scale":
		return onOff(s.Scale)
	case "temp":
		return strconv.FormatFloat(s.Temp, 'g', -1, 64)
	case "present":
		if s.Present {
			return "1"
		}
		return "0"
	case "cmask":
		return s.CMask
	}
	return ""
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Set changes one setting. On error s is unchanged and the error says which
// setting and why, in one line. Changing dmodel to a value the current head
// count does not divide lowers heads to the largest count that fits and says
// so in the returned note.
func (s *Settings) Set(name, value string) (note string, err error) {
	n := *s
	v := strings.TrimSpace(value)
	switch name {
	case "text":
		n.Text = value
	case "dmodel":
		d, err := parseInt(name, v, 1, pipeline.MaxDModel)
		if err != nil {
			return "", err
		}
		n.DModel = int(d)
		if h := fitHeads(n, n.Heads); h != n.Heads {
			if h == 0 {
				return "", errors.New("dmodel: no head count fits d_model = " + v + " with pe = " + string(n.PE))
			}
			note = "heads: " + strconv.Itoa(n.Heads) + " heads do not divide d_model = " + v + "; using " + strconv.Itoa(h)
			n.Heads = h
		}
	case "heads":
		h, err := parseInt(name, v, 1, MaxHeads)
		if err != nil {
			return "", err
		}
		n.Heads = int(h)
	case "head":
		h, err := parseInt(name, v, 0, int64(n.Heads-1))
		if err != nil {
			return "", errors.New(err.Error() + " (" + HeadNumbering + ")")
		}
		n.Head = int(h)
	case "mask":
		if v == "causal padding" { // "causal+padding" typed into a URL by hand
			v = "causal+padding"
		}
		m, err := pipeline.ParseMask(v)
		if err != nil {
			return "", err
		}
		n.Mask = m
	case "pe":
		p, err := pipeline.ParsePE(v)
		if err != nil {
			return "", err
		}
		n.PE = p
	case "seed":
		sd, err := parseInt(name, v, 0, pipeline.MaxSeed)
		if err != nil {
			return "", err
		}
		n.Seed = sd
	case "tokenizer":
		k, err := tokenize.ParseKind(v)
		if err != nil {
			return "", err
		}
		n.Tokenizer = k
	case "scale":
		switch v {
		case "on", "1", "true":
			n.Scale = true
		case "off", "0", "false":
			n.Scale = false
		default:
			return "", errors.New("scale: expected on or off, got " + quote(v))
		}
	case "temp":
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(t) || t < 0.01 || t > 100 {
			return "", errors.New("temp: expected a number 0.01..100, got " + quote(v))
		}
		n.Temp = t
	case "present":
		switch v {
		case "1", "on", "true":
			n.Present = true
		case "0", "off", "false":
			n.Present = false
		default:
			return "", errors.New("present: expected 0 or 1, got " + quote(v))
		}
	case "cmask":
		m, err := DecodeMask(v)
		if err != nil {
			return "", err
		}
		n.CMask = EncodeMask(m)
	default:
		return "", errors.New("unknown setting " + quote(name) + " (known: " + strings.Join(SettingNames, ", ") + ")")
	}
	if err := n.Config().Validate(); err != nil {
		return "", err
	}
	if n.Head >= n.Heads {
		n.Head = n.Heads - 1
	}
	*s = n
	return note, nil
}

// fitHeads returns the largest head count <= want that makes a valid config
// with s's other settings, or 0.
func fitHeads(s Settings, want int) int {
	for h := min(want, MaxHeads); h >= 1; h-- {
		s.Heads = h
		if s.Config().Validate() == nil {
			return h
		}
	}
	return 0
}

func parseInt(name, v string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, errors.New(name + ": expected a whole number " + strconv.FormatInt(lo, 10) + ".." + strconv.FormatInt(hi, 10) + ", got " + quote(v))
	}
	return n, nil
}

// quote shows a user's value in a message, shortened if long.
func quote(v string) string {
	r := []rune(v)
	if len(r) > 24 {
		v = string(r[:24]) + "…"
	}
	return strconv.Quote(v)
}

// ParseQuery reads settings from a URL query ("text=the+cat&heads=2", with or
// without the leading "?"), starting from the defaults. Every invalid or
// unknown parameter is ignored and produces one notice.
func ParseQuery(raw string) (Settings, []string) {
	s := DefaultSettings()
	raw = strings.TrimPrefix(raw, "?")
	vals, err := url.ParseQuery(raw)
	var notices []string
	if err != nil {
		notices = append(notices, "URL: some parameters could not be read ("+err.Error()+")")
	}
	return s, append(notices, s.Apply(vals)...)
}

// Apply sets every named value (URL parameters or desktop flags) in the
// order of SettingNames and returns the notices: one per rejected value,
// plus the notes of accepted ones.
func (s *Settings) Apply(vals url.Values) []string {
	var notices []string
	known := map[string]bool{}
	for _, name := range SettingNames {
		known[name] = true
		vs, ok := vals[name]
		if !ok || len(vs) == 0 {
			continue
		}
		note, err := s.Set(name, vs[len(vs)-1])
		if err != nil {
			notices = append(notices, err.Error()+"; ignored")
			continue
		}
		if note != "" && !(name == "dmodel" && vals.Has("heads")) {
			notices = append(notices, note)
		}
	}
	var unknown []string
	for name := range vals {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sortStrings(unknown)
		notices = append(notices, "unknown parameter "+strings.Join(unknown, ", ")+"; ignored")
	}
	return notices
}

// Query encodes every setting as a URL query in SettingNames order, so a
// shared link reproduces the exact view; cmask only with the custom mask
// (its commas stay readable: they need no escaping in a query).
func (s Settings) Query() string {
	var b strings.Builder
	for i, name := range SettingNames {
		if name == "cmask" {
			if s.Mask == pipeline.MaskCustom && s.CMask != "" {
				b.WriteString("&cmask=" + s.CMask)
			}
			continue
		}
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(s.Get(name)))
	}
	return b.String()
}

func sortStrings(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
