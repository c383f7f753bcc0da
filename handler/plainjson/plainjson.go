// Package plainjson says in plain words why a JSON document did not decode
// into a value: which field, and what it should be, as a sender reads JSON,
// never a Go type. The decoder's own errors name the Go types and structs
// it decodes into ("cannot unmarshal string into Go struct field
// envelope.events of type []event.ossRecord"), which mean nothing to the
// sender of an event or a webhook and leak how the function is written.
//
// It imports nothing of vodrefresh.
package plainjson

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Mismatch says what is wrong with a value of the wrong kind: "events: want
// an array of objects, not a string". v is what the document was decoded
// into; the decoder names embedded structs in a field's path by their Go
// names, which are left out. want names what some fields should be, by
// their JSON path ("paths"); other fields' are said from their type. whole
// names the document itself, for a mismatch at its top ("the body").
func Mismatch(te *json.UnmarshalTypeError, v any, want map[string]string, whole string) string {
	field := path(reflect.TypeOf(v), te.Field)
	what := want[field]
	if field == "" {
		field = whole
	}
	if what == "" {
		what = Describe(te.Type)
	}
	return fmt.Sprintf("%s: want %s, not %s", field, what, withArticle(te.Value))
}

// path returns the decoder's path of a field, field, in a value of type t,
// without the segments that name embedded structs: it follows the path
// through t's fields, so that a JSON key that happens to be spelt as an
// embedded struct's Go name stays.
func path(t reflect.Type, field string) string {
	if field == "" {
		return ""
	}
	var out []string
	for _, seg := range strings.Split(field, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			out, t = append(out, seg), nil
			continue
		}
		next, embedded := fieldOf(t, seg)
		if !embedded {
			out = append(out, seg)
		}
		t = next
	}
	return strings.Join(out, ".")
}

// fieldOf returns the type of the field of struct type t that a decoder's
// path segment seg names, and whether seg names an embedded struct (by its
// Go name) rather than a JSON key; nil when t has no such field.
func fieldOf(t reflect.Type, seg string) (reflect.Type, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous && f.Name == seg {
			return f.Type, true
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name == seg && !f.Anonymous {
			return f.Type, false
		}
	}
	return nil, false
}

// Describe names the JSON that a Go type reads, in words: "a string", "an
// array of objects", ...
func Describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		if e := Describe(t.Elem()); strings.HasPrefix(e, "a ") || strings.HasPrefix(e, "an ") {
			_, noun, _ := strings.Cut(e, " ")
			return "an array of " + noun + "s"
		}
		return "an array"
	}
	return "an object"
}

// withArticle returns a JSON value kind as a sender would read it: "a
// string", "an array", ...
func withArticle(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "":
		return "another value"
	}
	if strings.HasPrefix(kind, "number") {
		return "a number"
	}
	return "a " + kind
}
