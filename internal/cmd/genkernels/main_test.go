package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedKernelsUpToDate checks that web/kernels.wasm is what this
// generator writes now (regenerate: go generate ./core/internal/linalg).
func TestCommittedKernelsUpToDate(t *testing.T) {
	path := filepath.Join("..", "..", "..", "web", "kernels.wasm")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := kernels(); !bytes.Equal(got, want) {
		t.Fatalf("%s (%d bytes) differs from the generator's output (%d bytes); run go generate ./core/internal/linalg", path, len(got), len(want))
	}
}

func TestLEB128(t *testing.T) {
	for _, c := range []struct {
		signed bool
		v      int64
		want   []byte
	}{
		{false, 0, []byte{0}},
		{false, 127, []byte{0x7f}},
		{false, 128, []byte{0x80, 0x01}},
		{false, 0xf0, []byte{0xf0, 0x01}}, // f64x2.add after the 0xfd prefix
		{false, 624485, []byte{0xe5, 0x8e, 0x26}},
		{true, 0, []byte{0}},
		{true, 63, []byte{0x3f}},
		{true, 64, []byte{0xc0, 0x00}},
		{true, -1, []byte{0x7f}},
		{true, -4, []byte{0x7c}},
		{true, -65, []byte{0xbf, 0x7f}},
		{true, -123456, []byte{0xc0, 0xbb, 0x78}},
	} {
		var b bytes.Buffer
		if c.signed {
			sleb(&b, c.v)
		} else {
			uleb(&b, uint64(c.v))
		}
		if !bytes.Equal(b.Bytes(), c.want) {
			t.Errorf("signed=%v %d: % x, want % x", c.signed, c.v, b.Bytes(), c.want)
		}
	}
}

// TestModuleHeader checks the module's framing: magic, version, and the
// sections in the order the spec requires, each with a length that fits.
func TestModuleHeader(t *testing.T) {
	b := kernels()
	if !bytes.HasPrefix(b, []byte{0, 'a', 's', 'm', 1, 0, 0, 0}) {
		t.Fatalf("header % x", b[:8])
	}
	var ids []byte
	for i := 8; i < len(b); {
		id := b[i]
		i++
		n, shift := 0, 0
		for {
			c := b[i]
			i++
			n |= int(c&0x7f) << shift
			shift += 7
			if c < 0x80 {
				break
			}
		}
		if i+n > len(b) {
			t.Fatalf("section %d of %d bytes runs past the end", id, n)
		}
		ids = append(ids, id)
		i += n
	}
	if want := []byte{1, 2, 3, 7, 10}; !bytes.Equal(ids, want) {
		t.Fatalf("sections %v, want %v (type, import, function, export, code)", ids, want)
	}
}
