package function

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// At start-up, the function warns about each rule whose keys the OSS
// trigger's filter (as s.yaml passes it) leaves out.
func TestStartUpWarnsAboutTheTriggerFilter(t *testing.T) {
	for _, tt := range []struct {
		bucket, prefix string
		warned         []string // rules named in warnings
	}{
		{"media-bucket", "videos/", []string{"oss[1]", "oss[2]"}},
		{"media-bucket", "", nil},
		{"", "videos/", nil}, // not deployed through s.yaml: nothing to compare
	} {
		var logs bytes.Buffer
		env := map[string]string{"REFRESH_CONFIG_FILE": "../../events/refresh.yaml", "OSS_TRIGGER_BUCKET": tt.bucket, "OSS_TRIGGER_PREFIX": tt.prefix}
		_, err := FromEnv(func(k string) string { return env[k] }, Options{DryRun: true, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(tt.warned) == 0 {
			if logs.Len() > 0 {
				t.Errorf("bucket %q, prefix %q: logged %s", tt.bucket, tt.prefix, logs.String())
			}
			continue
		}
		if len(lines) != len(tt.warned) {
			t.Fatalf("bucket %q, prefix %q: logged %s", tt.bucket, tt.prefix, logs.String())
		}
		for i, rule := range tt.warned {
			if !strings.Contains(lines[i], `"level":"WARN"`) || !strings.Contains(lines[i], `"problem":"`+rule+` `) {
				t.Errorf("line %d does not warn about %s: %s", i, rule, lines[i])
			}
		}
	}
}
