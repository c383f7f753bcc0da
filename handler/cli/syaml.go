package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"vodrefresh/handler/config"
)

// passedEnv reads the environment variables that s.yaml at path passes to
// the function (props.environmentVariables of its resources), and the line
// where they are listed. found is false when there is no such file.
func passedEnv(path string) (names map[string]bool, line int, found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	var doc struct {
		Resources map[string]struct {
			Props struct {
				Env yaml.Node `yaml:"environmentVariables"`
			} `yaml:"props"`
		} `yaml:"resources"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, 0, true, fmt.Errorf("%s: %w", path, err)
	}
	names = map[string]bool{}
	for _, r := range doc.Resources {
		n := r.Props.Env
		if n.Kind != yaml.MappingNode {
			continue
		}
		line = n.Line
		for i := 0; i+1 < len(n.Content); i += 2 {
			names[n.Content[i].Value] = true
		}
	}
	return names, line, true, nil
}

// unpassed lists each variable the configuration reads (a route's secret,
// a notice sink's URL and secret) that s.yaml does not pass to the
// function: check passes there, and the route answers 503 once deployed.
// Each names the configuration's file and line, and s.yaml's.
func unpassed(cfg *config.Config, env Env, syaml string) []string {
	passed, line, found, err := passedEnv(syaml)
	switch {
	case err != nil:
		return []string{err.Error()}
	case !found:
		return nil
	}
	file := env.Getenv(config.EnvConfigFile)
	text := ""
	if b, err := os.ReadFile(file); err == nil {
		text = string(b)
	}
	var problems []string
	need := func(where, name string) {
		if name == "" || passed[name] {
			return
		}
		at := "the configuration"
		if file != "" {
			at = file
			if n := lineOf(text, name); n > 0 {
				at = fmt.Sprintf("%s:%d", file, n)
			}
		}
		problems = append(problems, fmt.Sprintf("%s: %s (%s) is not passed to the function by %s (environmentVariables, line %d): add %s: ${env('%s', '')} there, or the function never sees it",
			where, name, at, syaml, line, name, name))
	}
	for i, w := range cfg.Webhooks {
		need(fmt.Sprintf("webhooks[%d] (%s)", i, w.Path), w.SecretEnv)
		need(fmt.Sprintf("webhooks[%d] (%s)", i, w.Path), w.SecretEnvPrevious)
	}
	for i, s := range cfg.Notify.Sinks {
		need(fmt.Sprintf("notify.sinks[%d] (%s)", i, s.Kind), s.URLEnv)
		need(fmt.Sprintf("notify.sinks[%d] (%s)", i, s.Kind), s.SecretEnv)
	}
	return problems
}

// lineOf returns the first line of text that names the variable name, or
// 0.
func lineOf(text, name string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, name) && !strings.HasPrefix(strings.TrimSpace(l), "#") {
			return i + 1
		}
	}
	return 0
}
