package function

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"vodrefresh/handler/refresh"
)

// The result of an event with many records that no rule covers stays
// small: the skips are counted, in all and by reason, and only a sample of
// them is listed.
func TestSkipsAreBounded(t *testing.T) {
	const n, sample = 5000, 100 // sample: refresh.MaxSkipSample
	records := make([][2]string, 0, n+1)
	records = append(records, [2]string{"ObjectCreated:PutObject", "images/a.png"})
	for i := range n {
		records = append(records, [2]string{"ObjectCreated:PutObject", fmt.Sprintf("drafts/%d.txt", i)})
	}
	h, err := New(mustConfig(t, planConfig), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err := invokeJSON(h, context.Background(), nativeEvent(records...))
	if err != nil {
		t.Fatal(err)
	}
	var res struct { // the result as a caller reads it
		Skipped        []refresh.Skip `json:"skipped"`
		SkippedCount   int            `json:"skippedCount"`
		SkippedReasons map[string]int `json:"skippedReasons"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	reason := `no oss rule matches bucket "media-bucket" and this key`
	if len(res.Skipped) != sample || res.SkippedCount != n || res.SkippedReasons[reason] != n || len(res.SkippedReasons) != 1 {
		t.Errorf("skipped: %d listed, %d counted, reasons %v; want %d listed and %d counted under %q",
			len(res.Skipped), res.SkippedCount, res.SkippedReasons, sample, n, reason)
	}
	if res.Skipped[0].Key != "drafts/0.txt" || res.Skipped[0].Record != 1 || res.Skipped[0].Reason != reason {
		t.Errorf("first skip %+v", res.Skipped[0])
	}
	if len(out) > 32<<10 {
		t.Errorf("the result of %d skipped records is %d bytes", n, len(out))
	}
}
