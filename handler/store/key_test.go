package store

import (
	"crypto/sha256"
	"strings"
	"testing"
)

func TestKeyOf(t *testing.T) {
	sum := sha256.Sum256([]byte("event\x00/a/b.mp4"))
	var want Key
	copy(want[:], sum[:16])
	if got := KeyOf("event", "/a/b.mp4"); got != want {
		t.Errorf("KeyOf(event, /a/b.mp4) = %s, want %s", got, want)
	}
	if KeyOf("ab", "c") == KeyOf("a", "bc") {
		t.Error("KeyOf(ab, c) == KeyOf(a, bc): the separator is missing")
	}
	if KeyOf() != KeyOf("") {
		t.Error("KeyOf() != KeyOf(\"\"): both hash no bytes")
	}
	long := strings.Repeat("x", 2000)
	sum = sha256.Sum256([]byte(long + "\x00" + long))
	copy(want[:], sum[:16])
	if got := KeyOf(long, long); got != want {
		t.Errorf("KeyOf of 4,001 bytes = %s, want %s", got, want)
	}
	if s := KeyOf("a").String(); len(s) != 32 {
		t.Errorf("Key.String() = %q, want 32 hex digits", s)
	}
}

func TestKeyOfAllocations(t *testing.T) {
	parts := []string{"delivery-id-0123456789", "https://example.com/path/to/video.mp4"}
	if n := testing.AllocsPerRun(100, func() { _ = KeyOf(parts...) }); n != 0 {
		t.Errorf("KeyOf of short parts allocates %v times, want 0", n)
	}
}
