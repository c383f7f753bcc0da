package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxKeyBytes is the longest OSS object key: "The name must be encoded in
// UTF-8. The name must be 1 to 1,023 bytes in length" (OSS "Object naming
// conventions", alibabacloud.com/help/en/oss/user-guide/object-naming-conventions;
// OSS refuses a longer or non-UTF-8 name with error 0016-00000002). A
// longer key cannot name an object, so no event of OSS's carries one.
const MaxKeyBytes = 1023

// ErrRefused is wrapped by every refusal of input that can never be
// refreshed, however often it is sent again: a key longer than OSS
// allows, text that is not UTF-8, a destination record nested in another.
// What it refuses is reported, and not retried.
var ErrRefused = errors.New("refused for good")

// rawString is a JSON value as it stands in the payload: a slice of it,
// not a copy (encoding/json hands an Unmarshaler its part of the input).
// Its text method reads it as a string, and refuses one that is too long
// or not UTF-8 before the string is made: a key of 30 MB costs no copy.
type rawString []byte

// UnmarshalJSON keeps the value's text.
func (t *rawString) UnmarshalJSON(b []byte) error {
	*t = b
	return nil
}

// text returns the string t holds. It refuses, with a *Refusal, a
// string longer than max bytes (judged on the text first, so that a long
// one is never decoded) or one that is not UTF-8: raw bytes that are not,
// or an escaped lone surrogate, both of which encoding/json would turn
// silently into U+FFFD, a different string. what names the value.
func (t rawString) text(what string, max int) (string, error) {
	if len(t) == 0 || t[0] != '"' {
		return "", fmt.Errorf("%w: %s is not a string", ErrUnknownEvent, what)
	}
	if least := leastBytes(t); least > max {
		size := fmt.Sprintf("%d bytes or more", least)
		if bytes.IndexByte(t, '\\') < 0 {
			size = fmt.Sprintf("%d bytes", least) // no escapes: measured exactly
		}
		return "", t.refuse(what, fmt.Sprintf("is %s, longer than the %d allowed", size, max))
	}
	if !utf8.Valid(t) {
		return "", t.refuse(what, "is not valid UTF-8")
	}
	if bytes.IndexByte(t, '\\') < 0 {
		// No escapes, and the payload's decoding checked the text: the
		// string is the text between the quotes, as it is.
		return string(t[1 : len(t)-1]), nil
	}
	var s string
	if err := json.Unmarshal(t, &s); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrUnknownEvent, what, err)
	}
	if len(s) > max {
		return "", t.refuse(what, fmt.Sprintf("is %d bytes, longer than the %d allowed", len(s), max))
	}
	if replaced(t, s) {
		return "", t.refuse(what, "is not valid UTF-8 (it escapes a lone surrogate)")
	}
	return s, nil
}

func (t rawString) refuse(what, why string) *Refusal {
	return &Refusal{What: what, Why: why, Prefix: t.prefix()}
}

// Refusal is input refused for good (it wraps ErrRefused): a string
// longer than what can use it (an object key longer than OSS allows, a
// message body over its cap), or text that is not UTF-8. Prefix is the
// string's first few characters, for the log and the result: never the
// whole string.
type Refusal struct {
	What, Why string
	Prefix    string
}

func (e *Refusal) Error() string { return fmt.Sprintf("%s: %s %s", ErrRefused, e.What, e.Why) }

// Unwrap makes a Refusal an ErrRefused.
func (e *Refusal) Unwrap() error { return ErrRefused }

// leastBytes is the fewest bytes the JSON string text t can hold: each
// escape sequence begins with a backslash and takes at most maxEscape
// bytes of text for one byte, so a string with few backslashes is measured
// nearly exactly, and one made of escapes no worse than their worst case.
func leastBytes(t []byte) int {
	n := len(t) - 2
	least := n - (maxEscape-1)*bytes.Count(t, []byte{'\\'})
	return max(least, n/maxEscape)
}

// replaced reports whether encoding/json put U+FFFD into s where the text
// t holds none: an escaped lone surrogate (\ud800) it could not decode.
func replaced(t []byte, s string) bool {
	if !bytes.ContainsRune([]byte(s), utf8.RuneError) {
		return false
	}
	return !bytes.ContainsRune(t, utf8.RuneError) && !bytes.Contains(bytes.ToLower(t), []byte(`\ufffd`))
}

// prefixBytes is how much of a refused string a log line or an answer
// shows.
const prefixBytes = 48

// prefix returns the first characters of the string text t, for a
// message: at most prefixBytes of its text, cut before an escape sequence
// it would split, invalid UTF-8 shown as U+FFFD.
func (t rawString) prefix() string {
	if len(t) < 2 {
		return ""
	}
	body := t[1 : len(t)-1]
	cut := len(body) > prefixBytes
	if cut {
		body = body[:prefixBytes]
		if i := bytes.LastIndexByte(body, '\\'); i >= 0 && i >= len(body)-6 {
			body = body[:i]
		}
	}
	var s string
	if json.Unmarshal(append(append([]byte{'"'}, body...), '"'), &s) != nil {
		s = string(body)
	}
	s = string(bytes.ToValidUTF8([]byte(s), []byte("\uFFFD")))
	if cut {
		s += "…"
	}
	return s
}
