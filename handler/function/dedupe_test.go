package function

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// deliverAll sends event n times at once and returns the answers.
func deliverAll(t *testing.T, h *Handler, event []byte, n int) []events.HTTPTriggerResponse {
	t.Helper()
	outs := make([][]byte, n)
	errs := make([]error, n)
	testfix.Parallel(n, func(i int) { outs[i], errs[i] = invokeJSON(h, context.Background(), event) })
	resps := make([]events.HTTPTriggerResponse, n)
	for i := range n {
		if errs[i] != nil || json.Unmarshal(outs[i], &resps[i]) != nil {
			t.Fatalf("delivery %d: %v %s", i, errs[i], outs[i])
		}
	}
	return resps
}

// statuses counts the answers by status code.
func statuses(resps []events.HTTPTriggerResponse) map[int]int {
	out := map[int]int{}
	for _, r := range resps {
		out[r.StatusCode]++
	}
	return out
}

// Deliveries of one webhook-id that arrive together refresh once: the
// first is handled, the others are told to send again later (409), so that
// none is lost if the first fails.
func TestConcurrentDuplicateDeliveries(t *testing.T) {
	const n = 8
	for _, tt := range []struct {
		name      string
		first     vodfake.Reply
		status    int // the first's answer
		afterward string
	}{
		{"first succeeds", vodfake.Reply{Delay: 300 * time.Millisecond}, 202, "duplicate"},
		{"first fails", vodfake.Reply{Delay: 300 * time.Millisecond, Status: 404, Code: "InvalidDomain.Offline", Message: "offline"}, 502, "accepted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, nil)
			srv.Script("RefreshVodObjectCaches", tt.first)
			h := hookHandler(t, srv, nil)
			body := `{"paths":["https://img.example.com/a.png"]}`
			ev := httpEvent("POST", "/hooks/generic", signedGeneric(t, "msg_together", body, hookNow), []byte(body), false)
			got := statuses(deliverAll(t, h, ev, n))
			if got[tt.status] != 1 || got[409] != n-1 || srv.Calls("RefreshVodObjectCaches") != 1 {
				t.Fatalf("answers %v and %d refresh calls; want one %d, %d × 409 and one call", got, srv.Calls("RefreshVodObjectCaches"), tt.status, n-1)
			}
			// The sender's later retry: a duplicate of a handled delivery,
			// or a new try of a failed one.
			if status, reply := invokeHTTP(t, h, ev); status != 202 || reply.Status != tt.afterward {
				t.Errorf("the retry: %d %+v, want 202 %s", status, reply, tt.afterward)
			}
		})
	}
}
