package viz

import "testing"

func TestShortcutModifier(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		key                   string
		ctrl, meta, alt, altG bool
		want                  bool
	}{
		{"plain letter types", "a", false, false, false, false, false},
		{"Ctrl+V is a shortcut", "v", true, false, false, false, true},
		{"Cmd+V is a shortcut", "v", false, true, false, false, true},
		{"Alt+f (Linux, Windows) is a shortcut", "f", false, false, true, false, true},
		{"macOS Option+a types å", "å", false, false, true, false, false},
		{"macOS Option+2 types ™", "™", false, false, true, false, false},
		{"AltGr+q types @ (Windows: Ctrl+Alt+AltGraph)", "@", true, false, true, true, false},
		{"AltGr+e types € (Linux: AltGraph only)", "€", false, false, false, true, false},
		{"Ctrl+Alt+Delete stays a shortcut", "Delete", true, false, true, false, true},
	} {
		if got := ShortcutModifier(tc.key, tc.ctrl, tc.meta, tc.alt, tc.altG); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
