package store

import (
	"crypto/sha256"
	"encoding/hex"
)

// KeyOf makes the Key of a fact from the parts that name it: the first 16
// bytes of SHA-256 over the parts joined with a 0 byte between them, so
// that KeyOf("ab", "c") and KeyOf("a", "bc") differ. Parts that hold a 0
// byte themselves can collide with other splits; callers pass text.
//
// Up to 512 bytes of joined parts are hashed from a buffer on the stack:
// KeyOf then allocates nothing. Longer parts cost one allocation.
func KeyOf(parts ...string) Key {
	var stack [512]byte
	buf := stack[:0]
	for i, p := range parts {
		if i > 0 {
			buf = append(buf, 0)
		}
		buf = append(buf, p...)
	}
	sum := sha256.Sum256(buf)
	var k Key
	copy(k[:], sum[:len(k)])
	return k
}

// String is the key in lowercase hex, 32 characters: the form in which
// Redis key names carry it.
func (k Key) String() string {
	return hex.EncodeToString(k[:])
}
