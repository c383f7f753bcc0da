package config

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	"go.yaml.in/yaml/v3"
)

// checkShape compares a document with the Config type before it is decoded,
// so that a mistake is named by the field's path in the document (such as
// oss[1].objectTyp), never by a Go type. It reports every key that the
// configuration does not have, with the nearest valid name, and every value
// of the wrong kind, in document order.
func checkShape(doc *yaml.Node) []string {
	var problems []string
	walkShape(doc, reflect.TypeFor[Config](), "", &problems)
	return problems
}

var durationType = reflect.TypeFor[time.Duration]()

// walkShape checks node n against type t; path names n in the document.
func walkShape(n *yaml.Node, t reflect.Type, path string, problems *[]string) {
	for n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // a field left empty keeps its zero value
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		walkFields(n, t, path, problems)
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			walkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), problems)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkShape(n.Content[i+1], t.Elem(), fmt.Sprintf("%s[%s]", path, n.Content[i].Value), problems)
		}
	case t.Kind() == reflect.Struct, t.Kind() == reflect.Slice, t.Kind() == reflect.Map, n.Kind != yaml.ScalarNode:
		*problems = append(*problems, fmt.Sprintf("%s: must be %s, not %s (line %d)", name(path), kindOf(t), nodeKind(n), n.Line))
	default:
		// The YAML decoder reads a number with a fraction into a whole-number
		// field without an error, cutting the fraction off: denseFolder: 1.5
		// would make every folder of one changed file a directory.
		fraction := t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64 && t != durationType && n.ShortTag() == "!!float"
		if err := n.Decode(reflect.New(t).Interface()); err != nil || fraction {
			*problems = append(*problems, fmt.Sprintf("%s: must be %s, not %q (line %d)", name(path), kindOf(t), n.Value, n.Line))
		}
	}
}

// walkFields checks a mapping's keys against the struct type t's fields.
func walkFields(n *yaml.Node, t reflect.Type, path string, problems *[]string) {
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		if key.Value == "<<" { // a YAML merge key: its mapping is checked where it is written
			continue
		}
		f, ok := fields[key.Value]
		if !ok {
			*problems = append(*problems, fmt.Sprintf("%s: unknown field%s (line %d)", join(path, key.Value), suggest(key.Value, t), key.Line))
			continue
		}
		walkShape(value, f.Type, join(path, key.Value), problems)
	}
}

// yamlFields maps the YAML names of t's fields to the fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := make(map[string]reflect.StructField, t.NumField())
	for _, f := range reflect.VisibleFields(t) {
		if name := yamlName(f); f.IsExported() && name != "" {
			out[name] = f
		}
	}
	return out
}

// yamlName is the field's name in the document, "" for none.
func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// suggest names the valid field nearest to key, when one is near enough
// to be the one meant; otherwise it lists the valid fields.
func suggest(key string, t reflect.Type) string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if name := yamlName(f); name != "" && f.IsExported() {
			names = append(names, name)
		}
	}
	if best, ok := nearest(key, names); ok {
		return "; did you mean " + best + "?"
	}
	return "; the fields here are " + strings.Join(names, ", ")
}

// nearest returns the name nearest to key, ignoring case, and whether it
// is near enough to be the one meant.
func nearest(key string, names []string) (string, bool) {
	best, bestDist := "", -1
	for _, name := range names {
		if d := levenshtein.ComputeDistance(strings.ToLower(key), strings.ToLower(name)); bestDist < 0 || d < bestDist {
			best, bestDist = name, d
		}
	}
	return best, bestDist >= 0 && (bestDist <= 2 || 3*bestDist <= len(key))
}

// kindOf says in words what a value of type t looks like.
func kindOf(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 1.5s, 5m or 24h"
	case t.Kind() == reflect.Struct:
		return "a mapping of fields"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Map:
		return "a mapping"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "a whole number"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	}
	return "a single value"
}

// nodeKind says in words what a node is.
func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// join appends a field name to a path.
func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// name is a path as a message shows it; the root is "the document".
func name(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}
