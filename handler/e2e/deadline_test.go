package e2e

import (
	"encoding/json"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/vodfake"
)

// A VOD that does not answer never makes the function miss its deadline:
// the answer reaches the runtime API before it, with the quota read cut
// short and the refresh sent in the time left.
func TestAnswersBeforeTheDeadline(t *testing.T) {
	r := newRig(t, config, nil)
	r.vod.Script("DescribeVodRefreshQuota", vodfake.Reply{Delay: 10 * time.Second})
	o := r.invoke(t, ossEvent("images/slow.png"), fcemu.Invocation{Timeout: 2 * time.Second})
	if !o.Answered.Before(o.Deadline) {
		t.Errorf("answered %s after the deadline", o.Answered.Sub(o.Deadline))
	}
	var res struct {
		Calls []struct {
			Sent bool `json:"sent"`
		} `json:"calls"`
		Quota struct {
			Source string `json:"source"`
		} `json:"quota"`
	}
	if o.Error != nil || json.Unmarshal(o.Response, &res) != nil || len(res.Calls) != 1 || !res.Calls[0].Sent || res.Quota.Source != "unavailable" {
		t.Errorf("outcome %+v %s, want the refresh sent with the quota unavailable", o.Error, o.Response)
	}
}
