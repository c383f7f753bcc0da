package handler

import (
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
// anew (a new delivery, a second later) refreshes again.
func TestReplaysWithoutDeliveryID(t *testing.T) {
	env := sampleEnv(t)
	cfgDoc := string(testfix.Read(t, "..", "events", "webhooks.yaml"))
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
			if s.kind == "ghost" || s.kind == "sanity" || s.kind == "contentful" {
				if status, reply := invokeHTTP(t, h, later[i].triggerEventJSON()); status != 202 || reply.Status != "accepted" {
					t.Errorf("signed anew: %d %+v", status, reply)
				}
			}
		})
	}
}
