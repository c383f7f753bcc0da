package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// problemPath matches the field path that begins a problem, such as
// oss[0].urls[1] or batch.files, and the colon after it. It and hasLine
// are compiled on first use, off the cold-start path.
var problemPath = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*(?:\[\d+\])*(?:\.[A-Za-z][A-Za-z0-9]*(?:\[\d+\])*)*): `)
})

// hasLine matches a problem that already names its line.
var hasLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(line \d+\)$`) })

// WithLines returns the problems of e with the line of doc that each one's
// field is on, as the problems of the document's shape have theirs: a
// problem found after decoding (a value out of range, a template that does
// not compile) names the field by its path alone. A problem whose field is
// not in doc, or that names its line already, is left as it is.
func WithLines(doc []byte, e *Error) *Error {
	var root yaml.Node
	if yaml.Unmarshal(doc, &root) != nil || len(root.Content) == 0 {
		return e
	}
	out := &Error{Problems: make([]string, len(e.Problems))}
	for i, p := range e.Problems {
		out.Problems[i] = p
		if hasLine().MatchString(p) {
			continue
		}
		m := problemPath().FindStringSubmatch(p)
		if m == nil {
			continue
		}
		if n := lookup(root.Content[0], m[1]); n != nil {
			out.Problems[i] = fmt.Sprintf("%s (line %d)", p, n.Line)
		}
	}
	return out
}

// lookup follows path (fields separated by dots, each with any [i]
// indexes) from n, and returns the node it names, or nil.
func lookup(n *yaml.Node, path string) *yaml.Node {
	for _, seg := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(seg, "[")
		n = field(n, name)
		for rest != "" && n != nil {
			idx, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(idx)
			if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
			rest = strings.TrimPrefix(after, "[")
		}
		if n == nil {
			return nil
		}
	}
	return n
}

// field returns the value of key name in the mapping n, or nil.
func field(n *yaml.Node, name string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name {
			return n.Content[i+1]
		}
	}
	return nil
}
