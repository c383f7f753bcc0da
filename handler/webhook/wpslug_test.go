package webhook

import (
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// A slug that WordPress stores percent-encoded is handed over as text, so
// that the planner encodes it once: %E6%96%B0, not %25e6%2596%25b0.
func TestWordPressSlugsAreDecoded(t *testing.T) {
	ch, err := ParseWordPress(testfix.Read(t, "testdata", "wordpress", "trash-non-ascii.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Items) != 1 || ch.Items[0].Slug != "新年" {
		t.Errorf("items %+v, want the slug 新年", ch.Items)
	}
	for in, want := range map[string]string{"%e6%96%b0": "新", "plain-slug": "plain-slug", "100%-off": "100%-off"} {
		if got := wpSlug(in); got != want {
			t.Errorf("wpSlug(%q) = %q, want %q", in, got, want)
		}
	}
}
