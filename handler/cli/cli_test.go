package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

type run struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{
		Getenv:    func(k string) string { return env[k] },
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Stdin:     strings.NewReader(stdin),
		Stdout:    &out,
		Stderr:    &errb,
	})
	return run{code, out.String(), errb.String()}
}

var sampleEnv = map[string]string{"REFRESH_CONFIG_FILE": "../../events/refresh.yaml"}

func TestInvokeDryRunSamples(t *testing.T) {
	tests := []struct {
		file  string
		calls []wantCall
	}{
		{"oss-put.json", []wantCall{{"File", []string{
			"https://video.example.com/videos/2026/launch.mp4",
			"https://video-backup.example.com/videos/2026/launch.mp4",
		}}}},
		{"oss-delete.json", []wantCall{{"File", []string{"https://img.example.com/images/banners/old-banner.png"}}}},
		{"oss-batch.json", []wantCall{
			{"File", []string{
				"https://video.example.com/videos/2026/launch.mp4",
				"https://video-backup.example.com/videos/2026/launch.mp4",
				"https://img.example.com/images/thumbs/launch.jpg",
			}},
			{"Directory", []string{"https://video.example.com/hls/launch/720p/"}},
		}},
		{"oss-unicode.json", []wantCall{{"File", []string{
			"https://video.example.com/videos/%E6%96%B0%E5%B9%B4%20%E7%89%B9%E8%BE%91/%E7%AC%AC1%E9%9B%86%20%23final%3F.mp4",
			"https://video-backup.example.com/videos/%E6%96%B0%E5%B9%B4%20%E7%89%B9%E8%BE%91/%E7%AC%AC1%E9%9B%86%20%23final%3F.mp4",
			"https://img.example.com/images/summer%20sale%2050%25+off%20(v2)~*.png",
			"https://img.example.com/images/folder/",
		}}}},
		{"eventbridge.json", []wantCall{{"File", []string{
			"https://video.example.com/videos/2026/trailer.mp4",
			"https://video-backup.example.com/videos/2026/trailer.mp4",
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := runCLI(t, sampleEnv, "", "invoke", "../../events/"+tt.file)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "dry run") {
				t.Errorf("stderr does not say it is a dry run: %q", r.stderr)
			}
			checkCalls(t, r.stdout, true, tt.calls)
		})
	}
}

type wantCall struct {
	objectType string
	paths      []string
}

func checkCalls(t *testing.T, stdout string, dryRun bool, want []wantCall) {
	t.Helper()
	var res struct {
		DryRun bool `json:"dryRun"`
		Calls  []struct {
			ObjectType string   `json:"objectType"`
			Paths      []string `json:"paths"`
			Sent       bool     `json:"sent"`
		} `json:"calls"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not the result JSON: %v\n%s", err, stdout)
	}
	if res.DryRun != dryRun {
		t.Errorf("dryRun = %v", res.DryRun)
	}
	if len(res.Calls) != len(want) {
		t.Fatalf("calls = %+v, want %d", res.Calls, len(want))
	}
	for i, c := range res.Calls {
		if c.ObjectType != want[i].objectType || strings.Join(c.Paths, "\n") != strings.Join(want[i].paths, "\n") || c.Sent == dryRun {
			t.Errorf("call %d = %+v, want %+v", i, c, want[i])
		}
	}
}

func TestInvokeStdinAndFlagsAfterFile(t *testing.T) {
	env := map[string]string{"REFRESH_CONFIG_FILE": "../../events/refresh.yaml", "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret"}
	event := `{"events":[{"eventName":"ObjectRemoved:DeleteObject","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/x y.png"}}}]}`
	r := runCLI(t, env, event, "invoke", "-", "--timeout", "5s")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	checkCalls(t, r.stdout, true, []wantCall{{"File", []string{"https://img.example.com/images/x%20y.png"}}})
}

func TestInvokeFailures(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"no command", sampleEnv, "", nil, 2, "usage"},
		{"unknown command", sampleEnv, "", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"no event", sampleEnv, "", []string{"invoke"}, 2, "usage"},
		{"bad timeout", sampleEnv, "", []string{"invoke", "--timeout", "0s", "-"}, 2, "--timeout"},
		{"missing file", sampleEnv, "", []string{"invoke", "nope.json"}, 1, "nope.json"},
		{"malformed event", sampleEnv, `{"events": [`, []string{"invoke", "-"}, 1, "malformed JSON"},
		{"unknown event", sampleEnv, `{"Records": []}`, []string{"invoke", "-"}, 1, "unrecognised event"},
		{"record without key", sampleEnv, `{"events":[{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{}}}]}`, []string{"invoke", "-"}, 1, "missing oss.object.key"},
		{"no config", map[string]string{}, "{}", []string{"invoke", "-"}, 1, "REFRESH_CONFIG_FILE"},
		{"bad config", map[string]string{"REFRESH_CONFIG": "domains: [ftp://x]\noss: []"}, "{}", []string{"invoke", "-"}, 1, "domains[0]"},
		{"config typo", map[string]string{"REFRESH_CONFIG": "domains: [https://x.example.com]\noss:\n  - bucket: media-bucket\n    urls: [\"https://x.example.com/{key}\"]\n    objectTyp: File"}, "{}", []string{"invoke", "-"}, 1, "oss[0].objectTyp: unknown field; did you mean objectType?"},
		{"every problem of a configuration", map[string]string{"REFRESH_CONFIG_FILE": "testdata/every-problem.yaml"}, "{}", []string{"invoke", "-"}, 1, "unknown placeholder {kee}"},
		{"bad endpoint", map[string]string{"REFRESH_CONFIG_FILE": "../../events/refresh.yaml", "VOD_ENDPOINT": "http://vod.example.com"}, "{}", []string{"invoke", "-"}, 1, "loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tt.stderr)
			}
			if tt.code != 0 && r.stdout != "" {
				t.Errorf("a failure printed a result: %q", r.stdout)
			}
		})
	}
}

// invoke indents its output for a person at a terminal, and prints it on
// one line for a program; either way it is the function's JSON.
func TestInvokeOutputForTerminal(t *testing.T) {
	for _, terminal := range []bool{false, true} {
		var out, errb bytes.Buffer
		code := Run(context.Background(), []string{"invoke", "../../events/oss-put.json"}, Env{
			Getenv: func(k string) string { return sampleEnv[k] }, Stdin: strings.NewReader(""),
			Stdout: &out, Stderr: &errb, StdoutIsTerminal: terminal,
		})
		lines := strings.Count(out.String(), "\n")
		if code != 0 || !json.Valid(out.Bytes()) || (lines == 1) == terminal {
			t.Errorf("terminal %v: exit %d, %d lines: %s%s", terminal, code, lines, out.String(), errb.String())
		}
		if terminal && !strings.Contains(out.String(), "\n  \"calls\": [\n") {
			t.Errorf("not indented: %s", out.String())
		}
	}
}

// invoke says a failed invocation's error once, in plain text (the log's
// summary line leaves it out); says nothing of a dry run before the event
// is read; and warns only about the route the event hits.
func TestInvokeSaysEachThingOnce(t *testing.T) {
	webhooks := serveEnv(t)
	for _, tt := range []struct {
		name    string
		env     map[string]string
		stdin   string
		args    []string
		code    int
		once    []string // said exactly once on stderr
		notSaid []string
	}{
		{"a failed invocation", sampleEnv, `{"Records": []}`, []string{"invoke", "-"}, 1, []string{"unrecognised event", "dry run"}, nil},
		{"no such file", sampleEnv, "", []string{"invoke", "nope.json"}, 1, []string{"nope.json"}, []string{"dry run"}},
		{"a route whose secret is fine", webhooks, "", []string{"invoke", "--replay-window", "87600h", "../../events/http-ghost.json"}, 0, nil, []string{"GITHUB_WEBHOOK_SECRET"}},
		{"the route whose secret holds a space", webhooks, "", []string{"invoke", "--replay-window", "87600h", "../../events/http-github-style.json"}, 0, []string{"GITHUB_WEBHOOK_SECRET holds white space"}, nil},
		{"an OSS event, which hits no route", webhooks, "", []string{"invoke", "../../events/oss-put.json"}, 0, []string{"dry run"}, []string{"GITHUB_WEBHOOK_SECRET"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.stdin, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d: %s", r.code, tt.code, r.stderr)
			}
			for _, s := range tt.once {
				if n := strings.Count(r.stderr, s); n != 1 {
					t.Errorf("stderr says %q %d times:\n%s", s, n, r.stderr)
				}
			}
			for _, s := range tt.notSaid {
				if strings.Contains(r.stderr, s) {
					t.Errorf("stderr says %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}
