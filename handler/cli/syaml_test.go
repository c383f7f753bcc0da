package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"vodrefresh/handler/internal/testfix"
)

// The props of s.yaml's fc3 resource are what the fc3 component accepts:
// testdata/fc3-props.schema.json is that component's schema (devsapp/fc3,
// src/schema.json). Serverless Devs expressions are resolved first, as s
// resolves them: a var to its value, env('X', 'd') to its default d, and
// config('AccountID') to a made-up account ID. A copy that breaks the
// schema shows the check can fail.
func TestSYAMLSchema(t *testing.T) {
	schema := compileFC3Schema(t)
	for _, tt := range []struct {
		file string
		want []string // where the schema refuses the props, sorted
	}{
		{filepath.Join("..", "..", "s.yaml"), nil},
		{filepath.Join("testdata", "s-broken.yaml"), []string{
			"resources.fn.props/memorySize: minimum", // 100, through ${vars.memory}
			"resources.fn.props/memorySize: multipleOf",
			"resources.fn.props/timeout: minimum", // 0
			"resources.fn.props: required",        // no handler for go1
		}},
	} {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			got := fc3Violations(t, schema, testfix.Read(t, tt.file))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("schema violations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// compileFC3Schema compiles testdata/fc3-props.schema.json.
func compileFC3Schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(testfix.Read(t, "testdata", "fc3-props.schema.json")))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("fc3-props.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("fc3-props.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// fc3Violations validates the props of every fc3 resource of the s.yaml
// src, and returns each refusal as "resources.NAME.props/LOCATION: KEYWORD",
// sorted, with the validator's messages logged. It fails the test when src has no fc3
// resource or an expression s could not resolve.
func fc3Violations(t *testing.T, schema *jsonschema.Schema, src []byte) []string {
	t.Helper()
	var doc struct {
		Vars      map[string]any `yaml:"vars"`
		Resources map[string]struct {
			Component string `yaml:"component"`
			Props     any    `yaml:"props"`
		} `yaml:"resources"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	fc3 := 0
	for name, res := range doc.Resources {
		if res.Component != "fc3" {
			continue
		}
		fc3++
		props, err := resolveS(res.Props, doc.Vars)
		if err != nil {
			t.Fatalf("resources.%s.props: %v", name, err)
		}
		// Through JSON, so the validator sees JSON's types.
		b, err := json.Marshal(props)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		err = schema.Validate(inst)
		if err == nil {
			continue
		}
		ve, ok := err.(*jsonschema.ValidationError)
		if !ok {
			t.Fatal(err)
		}
		t.Logf("resources.%s.props: %v", name, ve)
		for _, leaf := range leafErrors(ve) {
			at := fmt.Sprintf("resources.%s.props", name)
			if len(leaf.InstanceLocation) > 0 {
				at += "/" + strings.Join(leaf.InstanceLocation, "/")
			}
			keyword := leaf.ErrorKind.KeywordPath()
			out = append(out, at+": "+keyword[len(keyword)-1])
		}
	}
	if fc3 == 0 {
		t.Fatal("no fc3 resource")
	}
	sort.Strings(out)
	return out
}

// leafErrors returns the errors under e that have no cause of their own.
func leafErrors(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leafErrors(c)...)
	}
	return out
}

var (
	sExpr    = regexp.MustCompile(`\$\{([^}]*)\}`)
	sVar     = regexp.MustCompile(`^vars\.([\w-]+)$`)
	sEnv     = regexp.MustCompile(`^env\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)$`)
	sAccount = regexp.MustCompile(`^config\(\s*'AccountID'\s*\)$`)
)

// resolveS resolves the Serverless Devs expressions in v. A string that is
// one ${vars.x} alone takes x's value and its type (a number stays a
// number), as s does; anything else is put into the string.
func resolveS(v any, vars map[string]any) (any, error) {
	switch v := v.(type) {
	case string:
		if m := sExpr.FindStringSubmatch(v); m != nil && m[0] == v {
			if name := sVar.FindStringSubmatch(strings.TrimSpace(m[1])); name != nil {
				val, ok := vars[name[1]]
				if !ok {
					return nil, fmt.Errorf("${vars.%s} not found", name[1])
				}
				return resolveS(val, vars)
			}
		}
		var failed error
		s := sExpr.ReplaceAllStringFunc(v, func(e string) string {
			r, err := resolveSExpr(strings.TrimSpace(e[2:len(e)-1]), vars)
			if err != nil && failed == nil {
				failed = err
			}
			return r
		})
		return s, failed
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			r, err := resolveS(x, vars)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			r, err := resolveS(x, vars)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = r
		}
		return out, nil
	}
	return v, nil
}

// resolveSExpr resolves the expression e of ${e} inside a string.
func resolveSExpr(e string, vars map[string]any) (string, error) {
	if m := sVar.FindStringSubmatch(e); m != nil {
		val, ok := vars[m[1]]
		if !ok {
			return "", fmt.Errorf("${%s} not found", e)
		}
		r, err := resolveS(val, vars)
		return fmt.Sprint(r), err
	}
	if m := sEnv.FindStringSubmatch(e); m != nil {
		return m[2], nil
	}
	if sAccount.MatchString(e) {
		return "1234567890123456", nil
	}
	return "", fmt.Errorf("${%s}: not an expression this test resolves", e)
}

// Expressions resolve as s resolves them, and one that s would refuse
// fails.
func TestResolveS(t *testing.T) {
	vars := map[string]any{"memory": 256, "on": true, "account": "${config('AccountID')}", "region": "cn-shanghai"}
	got, err := resolveS(map[string]any{
		"memorySize": "${vars.memory}",
		"enable":     "${ vars.on }",
		"arn":        "acs:mns:${vars.region}:${vars.account}:/queues/q",
		"secret":     "${env('NO_SUCH_VARIABLE_SET', 'd')}",
		"list":       []any{"${vars.region}", 3},
	}, vars)
	want := map[string]any{
		"memorySize": 256, "enable": true, "arn": "acs:mns:cn-shanghai:1234567890123456:/queues/q",
		"secret": "d", "list": []any{"cn-shanghai", 3},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("resolved %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"${vars.nope}", "x-${vars.nope}", "${nofn(1)}", "${env('X')}"} {
		if got, err := resolveS(bad, vars); err == nil {
			t.Errorf("%s resolved to %v", bad, got)
		}
	}
}
