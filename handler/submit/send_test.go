package submit

import (
	"context"
	"testing"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

var noWait = vod.Backoff{Attempts: 3}

// files and folders are batches as the planner makes them: checked.
func files(paths ...string) refresh.Batch   { return checked("File", paths) }
func folders(paths ...string) refresh.Batch { return checked("Directory", paths) }

func checked(objectType string, paths []string) refresh.Batch {
	b := refresh.Batch{ObjectType: objectType, Paths: paths}
	b.Stop = refresh.Check(b)
	return b
}

// A batch that the API would reject as malformed never reaches it; the
// others are sent.
func TestSubmitStopsMalformedBatches(t *testing.T) {
	c := &vodmem.Client{}
	calls := sendBatches(context.Background(), c, []refresh.Batch{
		files("https://v.example.com/a b.png"),
		files("https://v.example.com/a.png"),
		folders("https://v.example.com/a"),
	}, noWait)
	if n := c.Calls("RefreshVodObjectCaches"); n != 1 {
		t.Fatalf("%d calls reached the API, want 1", n)
	}
	if e := calls[0].Error; calls[0].Sent || e == nil || e.Outcome != vod.Prevented || e.Code != "InvalidObjectPath.Malformed" || calls[0].Attempts != 0 {
		t.Errorf("call 0: %+v %+v", calls[0], e)
	}
	if !calls[1].Sent || calls[1].Attempts != 1 || len(calls[1].TaskIDs) != 1 {
		t.Errorf("call 1: %+v", calls[1])
	}
	if e := calls[2].Error; e == nil || e.Outcome != vod.Prevented {
		t.Errorf("call 2: %+v", calls[2])
	}
}

// When the URL quota runs out, the remaining File calls are not made, but
// directories still are.
func TestSubmitQuotaStopsOneType(t *testing.T) {
	c := &vodmem.Client{Remain: vod.Quota{URLRemain: 1, DirRemain: 5}}
	calls := sendBatches(context.Background(), c, []refresh.Batch{
		files("https://v.example.com/a.png", "https://v.example.com/b.png"),
		files("https://v.example.com/c.png"),
		folders("https://v.example.com/d/"),
	}, noWait)
	if calls[0].Error == nil || calls[0].Error.Outcome != vod.QuotaExhausted || calls[0].Attempts != 1 {
		t.Errorf("call 0: %+v", calls[0])
	}
	if calls[1].Error == nil || calls[1].Error.Code != vod.CodeNotSent || calls[1].Attempts != 0 {
		t.Errorf("call 1: %+v", calls[1])
	}
	if !calls[2].Sent {
		t.Errorf("call 2: %+v", calls[2])
	}
	if got := c.Calls("RefreshVodObjectCaches"); got != 2 {
		t.Errorf("%d calls, want 2", got)
	}
}

// Throttling is retried up to the attempts allowed, then stops every call
// after it.
func TestSubmitThrottled(t *testing.T) {
	c := &vodmem.Client{Fail: func(vodmem.Call) error {
		return &vod.APIError{Action: "RefreshVodObjectCaches", Code: "Throttling", HTTPStatus: 400}
	}}
	calls := sendBatches(context.Background(), c, []refresh.Batch{
		files("https://v.example.com/a.png"), folders("https://v.example.com/d/"),
	}, noWait)
	if calls[0].Attempts != 3 || calls[0].Error.Outcome != vod.Retry {
		t.Errorf("call 0: %+v", calls[0])
	}
	if calls[1].Error == nil || calls[1].Error.Code != vod.CodeNotSent {
		t.Errorf("call 1: %+v", calls[1])
	}
	if got := c.Calls("RefreshVodObjectCaches"); got != 3 {
		t.Errorf("%d calls, want 3", got)
	}
}
