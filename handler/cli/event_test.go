package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// An event saved with a UTF-8 byte-order mark, from a file or stdin, is
// read as the event.
func TestEventWithByteOrderMark(t *testing.T) {
	event := "\xEF\xBB\xBF" + string(testfix.Read(t, "..", "..", "events", "oss-put.json"))
	file := filepath.Join(t.TempDir(), "bom.json")
	if err := os.WriteFile(file, []byte(event), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []wantCall{{"File", []string{"https://video.example.com/videos/2026/launch.mp4", "https://video-backup.example.com/videos/2026/launch.mp4"}}}
	for name, r := range map[string]run{
		"file":  runCLI(t, sampleEnv, "", "invoke", file),
		"stdin": runCLI(t, sampleEnv, event, "invoke", "-"),
	} {
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		checkCalls(t, r.stdout, true, want)
	}
}

// An HTTP trigger event that the function answers 400 or more exits 1,
// with the answer on stdout and its status on stderr.
func TestInvokeHTTPAnswerSetsExitCode(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"signed, in the window", []string{"--replay-window", "87600h", "../../events/http-ghost.json"}, 0, `"statusCode":202`, "dry run"},
		{"signed too long ago", []string{"../../events/http-ghost.json"}, 1, `"statusCode":401`, "the HTTP trigger answered 401 Unauthorized: "},
		{"bearer token", []string{"../../events/http-strapi.json"}, 0, `"statusCode":202`, "dry run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, serveEnv(t), "", append([]string{"invoke"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stdout %s, stderr %s; want %d, %s, %s", r.code, r.stdout, r.stderr, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}
