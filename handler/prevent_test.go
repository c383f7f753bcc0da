package handler

import (
	"context"
	"strings"
	"testing"
)

// countingRefresher counts calls and always succeeds.
type countingRefresher struct{ calls int }

func (c *countingRefresher) Refresh(context.Context, string, []string) (RefreshReply, error) {
	c.calls++
	return RefreshReply{TaskIDs: []string{"1"}, RequestID: "r"}, nil
}

// What the API would reject as MissingParameter,
// InvalidObjectType.ValueNotSupported or InvalidObjectPath.Malformed is
// stopped before it is sent.
func TestPreventedBeforeSending(t *testing.T) {
	tests := []struct {
		name  string
		batch Batch
		code  string
		why   string
	}{
		{"no paths", Batch{TypeFile, nil}, "MissingParameter", "ObjectPath: is required"},
		{"bad object type", Batch{"Regex", []string{"https://v.example.com/a"}}, "InvalidObjectType.ValueNotSupported", "ObjectType"},
		{"no scheme", Batch{TypeFile, []string{"v.example.com/a.png"}}, "InvalidObjectPath.Malformed", "ObjectPath[0]"},
		{"white space", Batch{TypeFile, []string{"https://v.example.com/a b.png"}}, "InvalidObjectPath.Malformed", "white space"},
		{"line break smuggles a second path", Batch{TypeFile, []string{"https://v.example.com/a\nhttps://evil.example.net/"}}, "InvalidObjectPath.Malformed", "white space"},
		{"empty path", Batch{TypeFile, []string{"https://v.example.com/a", ""}}, "InvalidObjectPath.Malformed", "ObjectPath[1]"},
		{"directory without slash", Batch{TypeDirectory, []string{"https://v.example.com/a"}}, "InvalidObjectPath.Malformed", `must end with "/"`},
		{"too many", Batch{TypeFile, strings.Split(strings.Repeat("https://v.example.com/a,", 1001), ",")[:1001]}, "InvalidObjectPath.Malformed", "at most 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &countingRefresher{}
			calls := submit(context.Background(), r, []Batch{tt.batch}, DefaultBackoff)
			if r.calls != 0 {
				t.Fatalf("%d calls reached the API", r.calls)
			}
			c := calls[0]
			if c.Sent || c.Error == nil || c.Error.Code != tt.code || c.Error.Outcome != Prevented || c.Attempts != 0 {
				t.Fatalf("call %+v, error %+v", c, c.Error)
			}
			if !strings.Contains(c.Error.Message, tt.why) {
				t.Errorf("message %q does not mention %q", c.Error.Message, tt.why)
			}
		})
	}
	r := &countingRefresher{}
	if calls := submit(context.Background(), r, []Batch{{TypeDirectory, []string{"https://v.example.com/a/"}}}, DefaultBackoff); !calls[0].Sent || r.calls != 1 {
		t.Errorf("a good batch was not sent: %+v", calls[0])
	}
}
