package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	"vodrefresh/handler/change"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// Validator returns the shared validator, which names fields by their YAML
// or JSON keys and knows this package's custom tags: cdnbase, ossbucket,
// httpurl and envname, and the vocabulary of webhook routes, declared in
// change: webhookkind (change.Kinds), webhookauth (change.Schemes) and
// webhookdefault (change.DefaultFields).
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			for _, tag := range []string{"yaml", "json"} {
				if name, _, _ := strings.Cut(f.Tag.Get(tag), ","); name != "" && name != "-" {
					return name
				}
			}
			return f.Name
		})
		must(v.RegisterValidation("cdnbase", func(fl validator.FieldLevel) bool {
			_, err := ParseBase(fl.Field().String())
			return err == nil
		}))
		must(v.RegisterValidation("ossbucket", func(fl validator.FieldLevel) bool {
			return isBucketName(fl.Field().String())
		}))
		must(v.RegisterValidation("httpurl", func(fl validator.FieldLevel) bool {
			s := fl.Field().String()
			return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
		}))
		must(v.RegisterValidation("envname", func(fl validator.FieldLevel) bool {
			return isEnvName(fl.Field().String())
		}))
		registerNames(v)
		validate = v
	})
	return validate
}

// nameTags are the values each name tag accepts.
var nameTags = map[string][]string{
	"webhookkind":    change.Kinds(),
	"webhookauth":    change.Schemes(),
	"webhookdefault": change.DefaultFields(),
}

// registerNames makes each of nameTags a validation tag that accepts
// exactly its names; a value that is not one of them is described with the
// list and the nearest name.
func registerNames(v *validator.Validate) {
	for tag, names := range nameTags {
		must(v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			return slices.Contains(names, fl.Field().String())
		}))
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// FieldErrors turns validator errors into one readable error per field, named
// by its path in the document (e.g. "oss[0].bucket: is required").
func FieldErrors(err error) []string {
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return []string{err.Error()}
	}
	out := make([]string, 0, len(verrs))
	for _, fe := range verrs {
		ns := fe.Namespace()
		if _, rest, ok := strings.Cut(ns, "."); ok {
			ns = rest // drop the root type's name
		}
		out = append(out, ns+": "+Describe(fe))
	}
	return out
}

// Describe says what is wrong with one field.
func Describe(fe validator.FieldError) string {
	value := fmt.Sprint(fe.Value())
	switch fe.Tag() {
	case "min":
		return bound(fe, "needs at least %s entries", "must be at least %s characters", "must be at least %s")
	case "max":
		return bound(fe, "takes at most %s entries", "must be at most %s characters", "must be at most %s")
	case "oneof":
		return oneOf(strings.Fields(fe.Param()), value)
	case "cdnbase":
		_, err := ParseBase(value)
		return fmt.Sprintf("%q is not a CDN base of the form https://host[:port]: %v", value, err)
	case "ossbucket":
		return fmt.Sprintf("%q is not an OSS bucket name (3-63 lower-case letters, digits and hyphens)", value)
	case "httpurl", "url", "http_url":
		return fmt.Sprintf("%q is not an absolute http(s) URL", value)
	case "envname":
		return fmt.Sprintf("%q is not an environment variable name", value)
	case "required_without":
		return "is required when " + docName(fe.Param()) + " is not set"
	case "required_unless":
		field, value, _ := strings.Cut(fe.Param(), " ")
		return "is required unless " + docName(field) + " is " + value
	}
	if names, ok := nameTags[fe.Tag()]; ok {
		return oneOf(names, value)
	}
	if format, ok := paramMessages[fe.Tag()]; ok {
		return fmt.Sprintf(format, fe.Param())
	}
	return fmt.Sprintf("fails the %q check", fe.Tag())
}

// oneOf says that value is not one of names, and which it may have meant.
func oneOf(names []string, value string) string {
	msg := fmt.Sprintf("must be one of %s (got %q)", strings.Join(names, ", "), value)
	if near, ok := nearest(value, names); ok {
		msg += "; did you mean " + near + "?"
	}
	return msg
}

// paramMessages describe the tags whose message names only their parameter.
var paramMessages = map[string]string{
	"required":    "is required%.0s",
	"excludesall": "must not contain white space%.0s",
	"gt":          "must be greater than %s",
	"gte":         "must be at least %s",
	"lte":         "must be at most %s",
	"startswith":  "must start with %q",
}

// bound describes a min or max: of entries, characters or a number.
func bound(fe validator.FieldError, entries, chars, number string) string {
	switch fe.Kind() {
	case reflect.Slice, reflect.Map:
		return fmt.Sprintf(entries, fe.Param())
	case reflect.String:
		return fmt.Sprintf(chars, fe.Param())
	}
	return fmt.Sprintf(number+" (got %v)", fe.Param(), fe.Value())
}

// Validate checks the configuration's fields, then what no struct tag can,
// and reports every problem found, in one pass: the fields' values in the
// order of the fields, then the webhook paths, then the OSS templates.
func (c *Config) Validate() error {
	var problems []string
	if err := Validator().Struct(c); err != nil {
		problems = FieldErrors(err)
	}
	problems = append(problems, c.checkWebhooks()...)
	problems = append(problems, c.checkOSSTemplates()...)
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}

// checkOSSTemplates refuses an OSS template with no placeholder, so no
// {key}: it would refresh one fixed URL for every object the rule covers,
// File or Directory rule alike, which is never what an object's change
// needs. The rest of a template (its syntax, a placeholder other than
// {key}, its domain) is for refresh to check when it compiles the rules.
func (c *Config) checkOSSTemplates() []string {
	var problems []string
	for i, r := range c.OSS {
		for j, u := range r.URLs {
			if u != "" && !strings.Contains(u, "{") {
				problems = append(problems, fmt.Sprintf("oss[%d].urls[%d]: %q has no {key}: it would refresh that one URL for every object the rule covers", i, j, u))
			}
		}
	}
	return problems
}

// docNames maps the Go name of each field of Config, and of the structs it
// holds, to the field's name in the document. A validator tag names a
// sibling field by its Go name (required_without=OSS); messages name it as
// the document spells it (oss).
var docNames = sync.OnceValue(func() map[string]string {
	out, visited := map[string]string{}, map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || visited[t] {
			return
		}
		visited[t] = true
		for _, f := range reflect.VisibleFields(t) {
			if name := yamlName(f); f.IsExported() && name != "" {
				if _, seen := out[f.Name]; !seen {
					out[f.Name] = name
				}
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeFor[Config]())
	return out
})

// docName is the document's name of the field whose Go name is goName.
func docName(goName string) string {
	if name, ok := docNames()[goName]; ok {
		return name
	}
	return goName
}

// isBucketName reports whether s is an OSS bucket name: 3 to 63 lower-case
// letters, digits and hyphens, beginning and ending with a letter or a
// digit.
func isBucketName(s string) bool {
	if len(s) < 3 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isEnvName reports whether s can name an environment variable: a letter
// or an underscore, then letters, digits and underscores.
func isEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
