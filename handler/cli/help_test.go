package cli

import (
	"strings"
	"testing"
)

// Every command answers --help (and -h, and "help COMMAND") on stdout with
// exit 0 and a usage line that names its arguments; misuse prints that
// line on stderr and exits 2.
func TestHelp(t *testing.T) {
	tests := []struct {
		args  []string
		usage string // the usage line, for help; a part of stderr, for misuse
		code  int
	}{
		{[]string{"--help"}, "usage: vodrefresh COMMAND [flags] [arguments]", 0},
		{[]string{"help"}, "usage: vodrefresh COMMAND [flags] [arguments]", 0},
		{[]string{"invoke", "--help"}, "usage: vodrefresh invoke [--send] [--timeout 60s] [--replay-window D] EVENT_FILE|-", 0},
		{[]string{"invoke", "-h"}, "usage: vodrefresh invoke [--send] [--timeout 60s] [--replay-window D] EVENT_FILE|-", 0},
		{[]string{"help", "invoke"}, "usage: vodrefresh invoke [--send] [--timeout 60s] [--replay-window D] EVENT_FILE|-", 0},
		{[]string{"serve", "--help"}, "usage: vodrefresh serve [--addr 127.0.0.1:9000] [--send] [--timeout 60s] [--replay-window D]", 0},
		{[]string{"quota", "--help"}, "usage: vodrefresh quota [--timeout ", 0},
		{[]string{"tasks", "--help"}, "usage: vodrefresh tasks (--task-id ID... | --path URL | --status S | --type T) [--wait] [--timeout 10m] [--json]", 0},
		{[]string{"check", "--help"}, "usage: vodrefresh check [--account] [--store] [--s-yaml FILE]\n", 0},
		{[]string{"version", "--help"}, "usage: vodrefresh version\n", 0},
		{[]string{"version", "now"}, "vodrefresh version: takes no arguments, got 1\nusage: vodrefresh version\n", 2},
		{[]string{"invoke"}, "vodrefresh invoke: takes 1, got 0\nusage: vodrefresh invoke [--send]", 2},
		{[]string{"invoke", "a.json", "b.json"}, "takes 1, got 2", 2},
		{[]string{"quota", "now"}, "vodrefresh quota: takes no arguments, got 1\nusage: vodrefresh quota [--timeout ", 2},
		{[]string{"tasks", "--bogus"}, "flag provided but not defined: -bogus\nusage: vodrefresh tasks (--task-id", 2},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`, 2},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, sampleEnv, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", r.code, tt.code, r.stderr)
			}
			if tt.code != 0 {
				if r.stdout != "" || !strings.Contains(r.stderr, tt.usage) {
					t.Errorf("stdout %q, stderr %q; want %q on stderr", r.stdout, r.stderr, tt.usage)
				}
				return
			}
			if r.stderr != "" || !strings.HasPrefix(r.stdout, tt.usage) {
				t.Errorf("stdout %q, stderr %q; want it to start with %q", r.stdout, r.stderr, tt.usage)
			}
		})
	}
}

// Flag help spells every flag with two dashes, as the usage lines do; and
// --version and -v are version.
func TestFlagHelpAndVersionFlags(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{[]string{"invoke", "--help"}, []string{"\n  --send\n", "\n  --timeout duration\n", "(default 1m0s)", "\n  --replay-window duration\n"}, []string{"\n  -send", "\n  -timeout"}},
		{[]string{"serve", "--help"}, []string{"\n  --addr string\n", "(default 127.0.0.1:9000)", "remembers no delivery (dedupe is off), so a\nrequest sent again is answered accepted again"}, []string{"\n  -addr"}},
		{[]string{"send-sample", "--help"}, []string{"usage: vodrefresh send-sample [--addr 127.0.0.1:9000] [--secret-env NAME]", "\n  --secret-env string\n"}, []string{"\n  -secret-env"}},
		{[]string{"tasks", "--help"}, []string{"\n  --task-id value\n", "\n  --wait\n"}, []string{"\n  -wait"}},
		{[]string{"check", "--help"}, []string{"\n  --account\n", "DescribeVodUserDomains", "IllegalOperation"}, []string{"\n  -account"}},
		{[]string{"--help"}, []string{"vodrefresh --version | -v", "vodrefresh send-sample "}, nil},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, nil, "", tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("help does not say %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(r.stdout, w) {
					t.Errorf("help says %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	want := runCLI(t, nil, "", "version")
	for _, flag := range []string{"--version", "-v"} {
		if r := runCLI(t, nil, "", flag); r != want {
			t.Errorf("%s: %+v, want what version gives: %+v", flag, r, want)
		}
	}
}
