package cli

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

const purgeVideo = "4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d"

// purgeEnv is the VOD samples' configuration, which has a vod route, with
// its AuthKey.
func purgeEnv(t *testing.T) map[string]string {
	env := testfix.ReadEnv(t, "..", "..", "events", "vod.env")
	env["REFRESH_CONFIG_FILE"] = "../../events/vod.yaml"
	return env
}

func TestPurge(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	want := []string{"https://vod.example.com/" + purgeVideo + "/", "https://vod.example.com/0a1b2c3d4e5f60718293a4b5c6d7e8f9/"}
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
		sent   bool
	}{
		{"dry run", []string{"purge", "--video-id", purgeVideo, "--video-id", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, 0, "would be refreshing 0 URLs and 2 directories", false},
		{"send", []string{"purge", "--send", "--video-id", purgeVideo + ",0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, 0, "--send: refreshing 0 URLs and 2 directories", true},
		{"not an ID", []string{"purge", "--video-id", "https://evil.example.com/"}, 2, "is not a VOD video ID", false},
		{"no ID", []string{"purge"}, 2, "name at least one --video-id", false},
		{"help", []string{"purge", "--help"}, 0, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := purgeEnv(t)
			if tt.sent {
				for k, v := range credEnv(t, srv.Endpoint()) {
					if k != "REFRESH_CONFIG_FILE" {
						env[k] = v
					}
				}
			}
			before := len(srv.Requests())
			r := runCLI(t, env, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Fatalf("exit %d, stderr %s; want %d with %q", r.code, r.stderr, tt.code, tt.stderr)
			}
			var got [][]string
			for _, q := range srv.Requests()[before:] {
				if q.Action == "RefreshVodObjectCaches" {
					if q.ObjectType != "Directory" {
						t.Errorf("refreshed as %s", q.ObjectType)
					}
					got = append(got, q.Paths)
				}
			}
			if tt.sent && (len(got) != 1 || !reflect.DeepEqual(got[0], want)) {
				t.Errorf("VOD received %v, want one call of %v", got, want)
			}
			if !tt.sent && len(got) > 0 {
				t.Errorf("a dry run reached VOD: %v", got)
			}
		})
	}
}

// Without a vod route, purge says exactly what to add, exits 2 and sends
// nothing, with --send or without.
func TestPurgeNeedsVODRoute(t *testing.T) {
	srv := startFake(t)
	for _, args := range [][]string{
		{"purge", "--video-id", purgeVideo},
		{"purge", "--send", "--video-id", purgeVideo},
	} {
		r := runCLI(t, credEnv(t, srv.Endpoint()), "", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "has no vod route") || !strings.Contains(r.stderr, "    kind: vod\n") || !strings.Contains(r.stderr, `urls: ["https://<your VOD domain>/{path}"]`) {
			t.Errorf("%q: exit %d: %s; want 2, naming the route to add", args, r.code, r.stderr)
		}
	}
	requireNoRequests(t, srv)
}
