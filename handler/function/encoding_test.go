package function

import (
	"context"
	"slices"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// A key with characters that net/url and the encoding rule spell apart
// reaches VOD as one URL, whether an OSS key or a webhook's {path} named it.
func TestOneEncoder(t *testing.T) {
	h, err := New(mustConfig(t, string(testfix.Read(t, "testdata", "one-encoder.yaml"))), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	const want = "https://img.example.com/images/it's%20(1)"
	for _, key := range []string{"images/it's (1)"} {
		res, err := handle(h, context.Background(), nativeEvent([2]string{"ObjectCreated:PutObject", key}))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Calls) != 1 || !slices.Equal(res.Calls[0].Paths, []string{want}) {
			t.Errorf("OSS key %q: calls %+v, want %s", key, res.Calls, want)
		}
	}
	// The CMS spells the page's URL as net/url escapes it, and as a person
	// types it; {path} is filled from either.
	for _, url := range []string{"https://cms.example.org/it%27s%20%281%29", "https://cms.example.org/it's (1)"} {
		body := []byte(`{"_id":"a1","url":"` + url + `"}`)
		status, reply := invokeHTTP(t, h, httpEvent("POST", "/hooks/sanity", nil, body, false))
		if status != 422 || !slices.Contains(reply.Problems, `"https://cms.example.org/it's%20(1)" is not on an allowlisted domain`) {
			t.Fatalf("url %q: %d %+v", url, status, reply)
		}
	}
	for _, url := range []string{"https://img.example.com/it%27s%20%281%29", "https://img.example.com/it's (1)"} {
		body := []byte(`{"_id":"a1","url":"` + url + `"}`)
		status, reply := invokeHTTP(t, h, httpEvent("POST", "/hooks/sanity", nil, body, false))
		if status != 202 || !slices.Contains(reply.Paths, want) || !slices.Contains(reply.Paths, "https://img.example.com/it's%20(1)") {
			t.Errorf("url %q: %d, paths %q, want %s", url, status, reply.Paths, want)
		}
	}
}
