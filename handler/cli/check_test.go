package cli

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"vodrefresh/handler/config"
	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
)

// check passes a configuration that is ready to deploy, and names each
// thing that is not, without sending anything.
func TestCheck(t *testing.T) {
	ready := map[string]string{
		"REFRESH_CONFIG_FILE": "testdata/deploy.yaml", "DEPLOY_WEBHOOK_SECRET": strongKey,
		"OSS_TRIGGER_BUCKET": "media-bucket", "OSS_TRIGGER_PREFIX": "videos/", "OSS_TRIGGER_SUFFIX": ".mp4",
	}
	with := func(k, v string) map[string]string {
		env := map[string]string{}
		for key, val := range ready {
			env[key] = val
		}
		env[k] = v
		return env
	}
	for _, tt := range []struct {
		name   string
		env    map[string]string
		code   int
		output string // stdout when ready, stderr otherwise
	}{
		{"ready", ready, 0, `ready to deploy: 2 OSS rules (trigger: bucket media-bucket, prefix "videos/", suffix ".mp4"), 1 webhook route [/hooks/generic]`},
		{"no configuration", with("REFRESH_CONFIG_FILE", ""), 1, "neither REFRESH_CONFIG_FILE nor REFRESH_CONFIG is set"},
		{"a sample configuration", with("REFRESH_CONFIG_FILE", "../../events/refresh.yaml"), 1, "domains: https://video.example.com is reserved for documentation"},
		{"a missing secret", with("DEPLOY_WEBHOOK_SECRET", ""), 1, "DEPLOY_WEBHOOK_SECRET"},
		{"no trigger bucket", with("OSS_TRIGGER_BUCKET", ""), 1, "OSS_TRIGGER_BUCKET is not set: name the bucket the OSS trigger watches (vars.bucket in s.yaml)"},
		{"another bucket", with("OSS_TRIGGER_BUCKET", "other-bucket"), 1, "oss[0] is for bucket media-bucket, but the OSS trigger watches other-bucket"},
		{"a narrower filter", with("OSS_TRIGGER_PREFIX", "videos/2026/"), 1, `oss[1] (prefix "videos/2025/", suffix ".mp4") covers keys that the OSS trigger's filter (prefix "videos/2026/", suffix ".mp4") leaves out; a filter of prefix "videos/202" and suffix ".mp4" lets every rule's keys through`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			env := credEnv(t, srv.Endpoint())
			for k, v := range tt.env {
				env[k] = v
			}
			r := runCLI(t, env, "", "check")
			out, quiet := r.stderr, r.stdout
			if tt.code == 0 {
				out, quiet = r.stdout, r.stderr
			}
			if r.code != tt.code || !strings.Contains(out, tt.output) || quiet != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", r.code, r.stdout, r.stderr, tt.code, tt.output)
			}
			requireNoRequests(t, srv)
		})
	}
}

// check reports what it skipped, what it warns about, and every problem
// of a configuration at once.
func TestCheckReports(t *testing.T) {
	for _, tt := range []struct {
		name           string
		env            map[string]string
		code           int
		stdout, stderr []string // parts of each; nil for an empty stream
	}{
		{"no trigger variables: the configuration alone",
			map[string]string{"REFRESH_CONFIG_FILE": "testdata/deploy.yaml", "DEPLOY_WEBHOOK_SECRET": strongKey}, 0,
			[]string{"ready to deploy: 2 OSS rules (trigger: not checked), 1 webhook route [/hooks/generic]",
				"skipped: whether the OSS trigger's filter delivers every key the rules cover, since none of OSS_TRIGGER_BUCKET, OSS_TRIGGER_PREFIX, OSS_TRIGGER_SUFFIX is set",
				`to check by hand: OSS_TRIGGER_BUCKET=media-bucket OSS_TRIGGER_PREFIX="videos/202" OSS_TRIGGER_SUFFIX=".mp4" vodrefresh check`,
				"scarce days are planned per instance: REFRESH_STORE_URL is not set"}, nil},
		{"a shared store: scarce days are the planner's",
			map[string]string{"REFRESH_CONFIG_FILE": "testdata/deploy.yaml", "DEPLOY_WEBHOOK_SECRET": strongKey, "REFRESH_STORE_URL": "redis://127.0.0.1:1/0"}, 0,
			[]string{"ready to deploy"}, nil},
		{"trigger variables set empty, as s.yaml sets them",
			map[string]string{"REFRESH_CONFIG_FILE": "testdata/deploy.yaml", "DEPLOY_WEBHOOK_SECRET": strongKey, "OSS_TRIGGER_BUCKET": "", "OSS_TRIGGER_PREFIX": "", "OSS_TRIGGER_SUFFIX": ""}, 1,
			nil, []string{"OSS_TRIGGER_BUCKET is not set"}},
		{"an http:// domain and a secret with a space",
			map[string]string{"REFRESH_CONFIG_FILE": "testdata/http-domain.yaml", "SPACED_WEBHOOK_SECRET": "It's a Secret"}, 0,
			[]string{"ready to deploy"},
			[]string{"warning: domains[1]: http://video.vodrefresh-demo.cn is http://: refreshing its URLs leaves the https:// copies on the CDN stale; list https://video.vodrefresh-demo.cn as well",
				"warning: webhooks[0] (/hooks/github-style): webhook secret in SPACED_WEBHOOK_SECRET holds white space"}},
		{"every problem at once",
			map[string]string{"REFRESH_CONFIG_FILE": "testdata/every-problem.yaml"}, 1,
			nil, []string{
				`domains[0]: "https://video.vodrefresh-demo.cn/videos" is not a CDN base`,
				`oss[1].bucket: "Media_Bucket" is not an OSS bucket name`,
				`webhooks[0].kind: must be one of`,
				`oss[0].urls[2]: "https://video.vodrefresh-demo.cn/index.m3u8" has no {key}`,
				`oss[0].urls[0]: template "https://video.vodrefresh-demo.cn/{key}?x=1": a refresh URL has no query`,
				`oss[0].urls[1]: template "https://video.vodrefresh-demo.cn/{kee}": unknown placeholder {kee}`}},
		{"a .test domain", map[string]string{"REFRESH_CONFIG_FILE": "testdata/test-domain.yaml"}, 1,
			nil, []string{"domains: https://vod.mysite.test is reserved for testing (RFC 2606, RFC 6761)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "", "check")
			r.expect(t, tt.code, tt.stdout, tt.stderr)
			if _, shared := tt.env["REFRESH_STORE_URL"]; shared && strings.Contains(r.stdout, "per instance") {
				t.Errorf("with a shared store, stdout %q says scarce days are planned per instance", r.stdout)
			}
			if strings.Contains(r.stderr, "ghostt payload") {
				t.Errorf("a route of an unknown kind had its templates checked: %s", r.stderr)
			}
		})
	}
}

// s.yaml ships no configuration, passes every secret that the sample
// webhook configuration names, gives the function the same trigger filter
// as the trigger, checks before it builds, builds with the tag that
// halves the binary, and names its access alias literally.
func TestSYAML(t *testing.T) {
	s := readSYAML(t)
	fn := s.Resources.Vodrefresh
	if s.Vars["configFile"] != "" || s.Vars["bucket"] != "" {
		t.Errorf("s.yaml ships a configuration or bucket: %q, %q", s.Vars["configFile"], s.Vars["bucket"])
	}
	hooks, err := config.Parse(testfix.Read(t, "..", "..", "events", "webhooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range hooks.Webhooks {
		if got, want := fn.Props.Env[w.SecretEnv], "${env('"+w.SecretEnv+"', '')}"; got != want {
			t.Errorf("environmentVariables.%s = %q, want %q", w.SecretEnv, got, want)
		}
	}
	env := fn.Props.Env
	for _, tr := range fn.Props.Triggers {
		if tr.Type != "oss" {
			continue
		}
		key := tr.Config.Filter.Key
		if env["OSS_TRIGGER_PREFIX"] != key.Prefix || env["OSS_TRIGGER_SUFFIX"] != key.Suffix || !strings.HasSuffix(tr.SourceArn, ":"+env["OSS_TRIGGER_BUCKET"]) {
			t.Errorf("the function is told of trigger %s %q %q, the trigger is %s %q %q", env["OSS_TRIGGER_BUCKET"], env["OSS_TRIGGER_PREFIX"], env["OSS_TRIGGER_SUFFIX"], tr.SourceArn, key.Prefix, key.Suffix)
		}
	}
	pre := fn.Actions["pre-deploy"]
	if len(pre) != 1 {
		t.Fatalf("pre-deploy %+v", pre)
	}
	run := pre[0].Run
	checked, built := strings.Index(run, "go run . check &&"), strings.Index(run, "go build")
	for _, want := range []string{"REFRESH_CONFIG= ", "REFRESH_CONFIG_FILE='${vars.configFile}'", "OSS_TRIGGER_BUCKET='" + env["OSS_TRIGGER_BUCKET"] + "'",
		"OSS_TRIGGER_PREFIX='" + env["OSS_TRIGGER_PREFIX"] + "'", "OSS_TRIGGER_SUFFIX='" + env["OSS_TRIGGER_SUFFIX"] + "'"} {
		if i := strings.Index(run, want); i < 0 || i > checked {
			t.Errorf("the check does not run with %s: %s", want, run)
		}
	}
	if checked < 0 || built < checked {
		t.Errorf("pre-deploy does not check before it builds: %s", run)
	}
	if !strings.Contains(run[max(built, 0):], " -tags validator_novalidatefn ") {
		t.Errorf("pre-deploy builds without -tags validator_novalidatefn, which halves the binary: %s", run)
	}
	// s 3.x reads access before it evaluates ${...}: an expression there
	// fails every command with "config('AccountID') not found".
	if s.Access == "" || strings.Contains(s.Access, "${") {
		t.Errorf("access is %q, want a literal alias (another is chosen with s deploy -a NAME)", s.Access)
	}
}

// sYAML is the part of s.yaml that TestSYAML reads.
type sYAML struct {
	Access    string            `yaml:"access"`
	Vars      map[string]string `yaml:"vars"`
	Resources struct {
		Vodrefresh struct {
			Actions map[string][]struct {
				Run string `yaml:"run"`
			} `yaml:"actions"`
			Props struct {
				Env      map[string]string `yaml:"environmentVariables"`
				Triggers []struct {
					Type      string `yaml:"triggerType"`
					SourceArn string `yaml:"sourceArn"`
					Config    struct {
						Filter struct {
							Key struct{ Prefix, Suffix string } `yaml:"key"`
						} `yaml:"filter"`
					} `yaml:"triggerConfig"`
				} `yaml:"triggers"`
			} `yaml:"props"`
		} `yaml:"vodrefresh"`
	} `yaml:"resources"`
}

// readSYAML reads the project's s.yaml.
func readSYAML(t *testing.T) sYAML {
	t.Helper()
	var s sYAML
	if err := yaml.Unmarshal(testfix.Read(t, "..", "..", "s.yaml"), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// strongKey is a Standard Webhooks secret of 32 bytes.
const strongKey = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// check refuses a secret that the function would refuse (the route would
// answer 503 to every request), and warns of one short enough to guess.
func TestCheckSecrets(t *testing.T) {
	for _, tt := range []struct {
		name, secret, token string
		code                int
		stderr              []string // each in stderr; none when empty
	}{
		{"strong", strongKey, "0123456789abcdef0123456789abcdef", 0, nil},
		{"a token with a space", strongKey, "0123456789abcdef 0123456789abcdef", 1, []string{"webhooks[1] (/hooks/strapi): unusable secret", "DEPLOY_WEBHOOK_TOKEN holds white space", "503"}},
		{"a whsec_ key that is not base64", "whsec_???", "0123456789abcdef0123456789abcdef", 1, []string{"webhooks[0] (/hooks/generic): unusable secret", "base64", "503"}},
		{"a 1-byte key", "whsec_QQ==", "0123456789abcdef0123456789abcdef", 0, []string{"warning: webhooks[0] (/hooks/generic): webhook secret in DEPLOY_WEBHOOK_SECRET is weak: 1 bytes"}},
		{"a 1-byte token", strongKey, "a", 0, []string{"warning: webhooks[1] (/hooks/strapi): webhook secret in DEPLOY_WEBHOOK_TOKEN is weak: 1 bytes"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			env := credEnv(t, srv.Endpoint())
			env["REFRESH_CONFIG_FILE"] = "testdata/deploy-token.yaml"
			env["DEPLOY_WEBHOOK_SECRET"], env["DEPLOY_WEBHOOK_TOKEN"] = tt.secret, tt.token
			env["REFRESH_STORE_URL"] = "redis://127.0.0.1:1/0" // a store: a strapi route's refresh can be kept
			r := runCLI(t, env, "", "check")
			if r.code != tt.code || (tt.code == 0) != strings.Contains(r.stdout, "ready to deploy") {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d", r.code, r.stdout, r.stderr, tt.code)
			}
			if len(tt.stderr) == 0 && r.stderr != "" {
				t.Errorf("stderr %q, want none", r.stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr %q lacks %q", r.stderr, want)
				}
			}
			if tt.secret != strongKey && strings.Contains(r.stderr+r.stdout, strings.TrimPrefix(tt.secret, "whsec_")) {
				t.Errorf("the output holds the secret: %s", r.stderr)
			}
			requireNoRequests(t, srv)
		})
	}
}

// A route whose sender never retries (Strapi here) in a deployment with no
// shared store is warned of: a refresh that cannot be submitted at once
// could not be kept.
func TestCheckWarnsOfOneAttemptSenders(t *testing.T) {
	srv := startFake(t)
	env := credEnv(t, srv.Endpoint())
	env["REFRESH_CONFIG_FILE"] = "testdata/deploy-token.yaml"
	env["DEPLOY_WEBHOOK_SECRET"], env["DEPLOY_WEBHOOK_TOKEN"] = strongKey, "0123456789abcdef0123456789abcdef"
	r := runCLI(t, env, "", "check")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: webhooks[1] (/hooks/strapi): strapi never retries a failed delivery") ||
		strings.Contains(r.stderr, "webhooks[0] (/hooks/generic): generic never") {
		t.Errorf("exit %d, stderr %q; want a warning for the strapi route alone", r.code, r.stderr)
	}
}

// A route secret that s.yaml does not pass to the function makes check
// fail, naming the configuration's file and line and s.yaml's: exported
// in the deploying shell, it would pass, and the route answer 503 once
// deployed.
func TestCheckRefusesASecretThatSYAMLDoesNotPass(t *testing.T) {
	env := map[string]string{"REFRESH_CONFIG_FILE": "testdata/deploy.yaml", "DEPLOY_WEBHOOK_SECRET": strongKey}
	r := runCLI(t, env, "", "check", "--s-yaml", "testdata/s-unpassed.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "DEPLOY_WEBHOOK_SECRET (testdata/deploy.yaml:") || !strings.Contains(r.stderr, "testdata/s-unpassed.yaml (environmentVariables, line 9)") {
		t.Errorf("exit %d, stderr %q; want the secret named with both files' lines", r.code, r.stderr)
	}
	// The project's own s.yaml passes every secret of its sample routes.
	env = testfix.ReadEnv(t, "..", "..", "events", "webhooks.env")
	env["REFRESH_CONFIG_FILE"] = "../../events/webhooks.yaml"
	if r := runCLI(t, env, "", "check", "--s-yaml", "../../s.yaml"); strings.Contains(r.stderr, "is not passed to the function") {
		t.Errorf("with the project's s.yaml: %q", r.stderr)
	}
}

// A template in s.yaml's ${...} style is refused with its file and line,
// though the configuration's fields are otherwise valid.
func TestCheckRefusesDollarTemplateWithItsLine(t *testing.T) {
	r := runCLI(t, map[string]string{"REFRESH_CONFIG_FILE": "testdata/template-dollar.yaml"}, "", "check")
	want := "configuration testdata/template-dollar.yaml: invalid configuration:\n  oss[0].urls[0]: template \"https://video.vodrefresh-demo.cn/${key}\": write placeholders as {key}, not ${key}: the configuration expands no variable (line 8)"
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
	}
}

// check --store reports the store: that it answers and takes writes, and
// whether its maxmemory-policy may evict the store's keys; never its
// password.
func TestCheckStore(t *testing.T) {
	const pw = "check-Store-pw"
	keeps := redistest.Start(t, redistest.Password(pw))
	evicts := redistest.Start(t, redistest.Args("--maxmemory", "64mb", "--maxmemory-policy", "volatile-lru"))
	for _, tt := range []struct {
		name           string
		url            string
		code           int
		stdout, stderr []string // parts of each; nil for an empty stream
	}{
		{"no store", "", 0, []string{"ready to deploy", "store: REFRESH_STORE_URL is not set: each instance keeps its own state"}, nil},
		{"a store that keeps its keys", keeps.URL(2), 0,
			[]string{"ready to deploy", "store: redis " + keeps.Addr + " db 2: reachable, writable, maxmemory-policy noeviction, maxmemory 0 (no limit)"}, nil},
		{"a store that may evict", evicts.URL(0), 0,
			[]string{"store: redis " + evicts.Addr + " db 0: reachable, writable, maxmemory-policy volatile-lru, maxmemory 64mb"},
			[]string{"warning: REFRESH_STORE_URL: the server may evict the store's keys (maxmemory-policy volatile-lru, maxmemory 64mb)", "set maxmemory-policy to noeviction"}},
		{"a store that does not answer", "redis://:" + pw + "@127.0.0.1:1/0", 1, nil,
			[]string{"not ready to deploy", "REFRESH_STORE_URL: redis 127.0.0.1:1 db 0: not reachable: store: redis 127.0.0.1:1 db 0: ping:"}},
		{"a bad store URL", "redis://:" + pw + "@127.0.0.1:6379/0?pool_size=-5", 1, nil,
			[]string{"REFRESH_STORE_URL: store: the store URL's option pool_size is \"-5\""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"REFRESH_CONFIG_FILE": "testdata/deploy.yaml", "DEPLOY_WEBHOOK_SECRET": strongKey}
			if tt.url != "" {
				env["REFRESH_STORE_URL"] = tt.url
			}
			r := runCLI(t, env, "", "check", "--store")
			r.expect(t, tt.code, tt.stdout, tt.stderr)
			if strings.Contains(r.stdout+r.stderr, pw) {
				t.Errorf("the output shows the password: stdout %q, stderr %q", r.stdout, r.stderr)
			}
		})
	}
}

// expect checks the exit code and that stdout and stderr each say every
// part of theirs, or are empty when their parts are nil.
func (r run) expect(t *testing.T, code int, stdout, stderr []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d; stdout %q, stderr %q", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range []struct {
		name, got string
		want      []string
	}{{"stdout", r.stdout, stdout}, {"stderr", r.stderr, stderr}} {
		if s.want == nil && s.got != "" {
			t.Errorf("%s %q, want none", s.name, s.got)
		}
		for _, w := range s.want {
			if !strings.Contains(s.got, w) {
				t.Errorf("%s %q does not say %q", s.name, s.got, w)
			}
		}
	}
}
