package function

import (
	"maps"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
)

// replayRefreshes is how many times three sends of one signed sample reach
// VOD, by kind. A sender without a delivery ID is recognised by its
// signature; a bearer token signs no body, so identical requests cannot be
// told from a replay and each one refreshes.
var replayRefreshes = map[string]int{
	"ghost":            1, // X-Ghost-Signature, no delivery ID
	"wordpress":        3, // Authorization: Bearer, the plugin's default
	"wordpress-signed": 1, // X-WP-Webhook-Signature, no delivery ID
	"strapi":           3, // Authorization: Bearer
	"strapi-media":     3,
	"contentful":       1, // x-contentful-signature
	"sanity":           1, // sanity-webhook-signature
	"generic":          1, // webhook-id
	"github-style":     1, // X-GitHub-Delivery
}

// A captured request replayed inside the replay window refreshes once,
// whether or not its sender sends a delivery ID; the same content signed
// anew (a new delivery, a second later) refreshes again, unless the sender
// names its revision and it is the same (Ghost).
func TestReplaysWithoutDeliveryID(t *testing.T) {
	env := sampleEnv(t)
	cfgDoc := string(testfix.Read(t, "..", "..", "events", "webhooks.yaml"))
	now := time.Now()
	later := httpSamples(env, now.Add(time.Second))
	for i, s := range httpSamples(env, now) {
		t.Run(s.kind, func(t *testing.T) {
			h, srv := samplesHandler(t, cfgDoc, env)
			statuses := map[string]int{}
			for range 3 {
				status, reply := invokeHTTP(t, h, s.triggerEventJSON())
				if status != 202 {
					t.Fatalf("%d %+v", status, reply)
				}
				statuses[reply.Status]++
			}
			want := replayRefreshes[s.kind]
			if n := srv.Calls("RefreshVodObjectCaches"); n != want || statuses["accepted"] != want || statuses["duplicate"] != 3-want {
				t.Errorf("3 sends: %d refresh calls, answers %v; want %d accepted", n, statuses, want)
			}
			if s.kind == "sanity" || s.kind == "contentful" {
				if status, reply := invokeHTTP(t, h, later[i].triggerEventJSON()); status != 202 || reply.Status != "accepted" {
					t.Errorf("signed anew: %d %+v", status, reply)
				}
			}
			// Ghost names the post's revision (updated_at): the same
			// revision of the same content signed anew is the same change
			// delivered again (Ghost sends post.unpublished and
			// post.deleted for one deletion), refreshed once.
			if s.kind == "ghost" {
				if status, reply := invokeHTTP(t, h, later[i].triggerEventJSON()); status != 202 || reply.Status != "duplicate" || srv.Calls("RefreshVodObjectCaches") != want {
					t.Errorf("signed anew: %d %+v, %d refresh calls; want a duplicate change, no new call", status, reply, srv.Calls("RefreshVodObjectCaches"))
				}
			}
		})
	}
}

// A captured, signed Ghost delivery replayed with headers the signature
// does not cover (an Idempotency-Key of the attacker's choosing) or with
// its signature header re-spelled (hex in upper case, parameters
// reordered) is the same delivery: answered duplicate, refreshing nothing.
func TestReplaysDodgingDedupe(t *testing.T) {
	env := sampleEnv(t)
	cfgDoc := string(testfix.Read(t, "..", "..", "events", "webhooks.yaml"))
	var ghost httpSample
	for _, s := range httpSamples(env, time.Now()) {
		if s.kind == "ghost" {
			ghost = s
		}
	}
	sig := ghost.headers["X-Ghost-Signature"] // "sha256=<hex>, t=<ms>"
	mac, ts, _ := strings.Cut(sig, ", ")
	respelled := func(change func(map[string]string)) httpSample {
		s := ghost
		s.headers = maps.Clone(ghost.headers)
		change(s.headers)
		return s
	}
	h, srv := samplesHandler(t, cfgDoc, env)
	if status, reply := invokeHTTP(t, h, ghost.triggerEventJSON()); status != 202 || reply.Status != "accepted" {
		t.Fatalf("the delivery: %d %+v", status, reply)
	}
	for i, tt := range []struct {
		name string
		s    httpSample
	}{
		{"Idempotency-Key: attacker-1", respelled(func(h map[string]string) { h["Idempotency-Key"] = "attacker-1" })},
		{"Idempotency-Key: attacker-2", respelled(func(h map[string]string) { h["Idempotency-Key"] = "attacker-2" })},
		{"hex in upper case", respelled(func(h map[string]string) {
			h["X-Ghost-Signature"] = "sha256=" + strings.ToUpper(strings.TrimPrefix(mac, "sha256=")) + ", " + ts
		})},
		{"parameters reordered", respelled(func(h map[string]string) {
			h["X-Ghost-Signature"] = ts + ",sha256=" + strings.TrimPrefix(mac, "sha256=")
		})},
		{"both, and a key", respelled(func(h map[string]string) {
			h["X-Ghost-Signature"] = ts + ", sha256=" + strings.ToUpper(strings.TrimPrefix(mac, "sha256="))
			h["Idempotency-Key"] = "attacker-3"
		})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, reply := invokeHTTP(t, h, tt.s.triggerEventJSON())
			if status != 202 || reply.Status != "duplicate" {
				t.Errorf("replay %d: %d %+v, want 202 duplicate", i, status, reply)
			}
		})
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 1 {
		t.Errorf("%d refresh calls, want the delivery's one", n)
	}
}
