package refresh

import (
	"fmt"
	"slices"
	"strings"
)

// Template is a URL template such as "https://cdn.example.com/{key}". Each
// {name} is replaced by a value that is already URL-encoded.
type Template struct {
	raw   string
	parts []string // literal, name, literal, name, ..., literal
}

// ParseTemplate parses s and checks that every placeholder is one of names,
// and that the scheme and host are literal (no placeholder before the first
// '/' of the path). The URLs it makes have the scheme and host in lower
// case, as VOD knows a domain; String still returns s as written.
func ParseTemplate(s string, names ...string) (*Template, error) {
	t := &Template{raw: s}
	rest := s
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return nil, fmt.Errorf("template %q has an unmatched '}'", s)
			}
			t.parts = append(t.parts, rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("template %q has an unclosed '{'", s)
		}
		name := rest[i+1 : i+j]
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("template %q: unknown placeholder {%s} (known: {%s})", s, name, strings.Join(names, "}, {"))
		}
		lit := rest[:i]
		if strings.IndexByte(lit, '}') >= 0 {
			return nil, fmt.Errorf("template %q has an unmatched '}'", s)
		}
		t.parts = append(t.parts, lit, name)
		rest = rest[i+j+1:]
	}
	// "${key}" is a shell's or s.yaml's variable, which the configuration
	// does not expand: it would plan ".../$videos/..." and refresh a URL
	// that serves nothing.
	if strings.Contains(s, "${") {
		return nil, fmt.Errorf("template %q: write placeholders as {key}, not ${key}: the configuration expands no variable", s)
	}
	if strings.IndexByte(s, '$') >= 0 {
		return nil, fmt.Errorf("template %q has a '$': a placeholder is written {key}, and a URL of ours has no '$'", s)
	}
	if strings.ContainsAny(s, "?# \t\r\n") {
		return nil, fmt.Errorf("template %q: a refresh URL has no query, fragment or white space", s)
	}
	head := t.parts[0]
	scheme := strings.Index(head, "://")
	// {path} may follow the host directly: its value always starts with '/'.
	pathAfterHost := len(t.parts) > 1 && t.parts[1] == "path" && scheme >= 0 && len(head) > scheme+3
	if scheme < 0 || (strings.IndexByte(head[scheme+3:], '/') < 0 && !pathAfterHost) {
		return nil, fmt.Errorf("template %q: scheme and host must be written out, followed by '/' (or {path}), before any placeholder", s)
	}
	t.parts[0] = lowerBase(head)
	return t, nil
}

// Names returns the placeholders the template uses, in order.
func (t *Template) Names() []string {
	var out []string
	for i := 1; i < len(t.parts); i += 2 {
		out = append(out, t.parts[i])
	}
	return out
}

// String returns the template as written.
func (t *Template) String() string { return t.raw }

// EndsWith reports whether the template ends with the placeholder name.
func (t *Template) EndsWith(name string) bool {
	n := len(t.parts)
	return n >= 3 && t.parts[n-2] == name && t.parts[n-1] == ""
}

// Expand fills the template. values returns the encoded value of each
// placeholder; when it returns false for one, Expand does too.
func (t *Template) Expand(values func(name string) (string, bool)) (string, bool) {
	var b strings.Builder
	b.WriteString(t.parts[0])
	for i := 1; i < len(t.parts); i += 2 {
		v, ok := values(t.parts[i])
		if !ok {
			return "", false
		}
		if t.parts[i] == "path" && strings.HasSuffix(t.parts[i-1], "/") {
			// {path} is absolute: after a '/' ("https://cdn/{path}") its
			// own leading '/' is dropped, as after the host it is kept.
			v = strings.TrimPrefix(v, "/")
		}
		b.WriteString(v)
		b.WriteString(t.parts[i+1])
	}
	return b.String(), true
}

// fill is Expand with one value for every placeholder, built in one
// allocation.
func (t *Template) fill(v string) string {
	n := 0
	for i, part := range t.parts {
		if i%2 == 0 {
			n += len(part)
		} else {
			n += len(v)
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i, part := range t.parts {
		if i%2 == 0 {
			b.WriteString(part)
		} else {
			b.WriteString(v)
		}
	}
	return b.String()
}
