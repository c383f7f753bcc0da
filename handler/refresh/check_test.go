package refresh

import (
	"strings"
	"testing"

	"vodrefresh/handler/config"
)

// What the API would reject as MissingParameter,
// InvalidObjectType.ValueNotSupported or InvalidObjectPath.Malformed is
// stopped before it is sent.
func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		batch Batch
		code  string
		why   string
	}{
		{"no paths", Batch{ObjectType: config.TypeFile, Paths: nil}, "MissingParameter", "ObjectPath: is required"},
		{"bad object type", Batch{ObjectType: "Regex", Paths: []string{"https://v.example.com/a"}}, "InvalidObjectType.ValueNotSupported", "ObjectType"},
		{"no scheme", Batch{ObjectType: config.TypeFile, Paths: []string{"v.example.com/a.png"}}, "InvalidObjectPath.Malformed", "ObjectPath[0]"},
		{"white space", Batch{ObjectType: config.TypeFile, Paths: []string{"https://v.example.com/a b.png"}}, "InvalidObjectPath.Malformed", "white space"},
		{"line break smuggles a second path", Batch{ObjectType: config.TypeFile, Paths: []string{"https://v.example.com/a\nhttps://evil.example.net/"}}, "InvalidObjectPath.Malformed", "white space"},
		{"empty path", Batch{ObjectType: config.TypeFile, Paths: []string{"https://v.example.com/a", ""}}, "InvalidObjectPath.Malformed", "ObjectPath[1]"},
		{"directory without slash", Batch{ObjectType: config.TypeDirectory, Paths: []string{"https://v.example.com/a"}}, "InvalidObjectPath.Malformed", `must end with "/"`},
		{"too many", Batch{ObjectType: config.TypeFile, Paths: strings.Split(strings.Repeat("https://v.example.com/a,", 1001), ",")[:1001]}, "InvalidObjectPath.Malformed", "at most 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Check(tt.batch)
			if m == nil || m.Code != tt.code {
				t.Fatalf("Check = %+v, want code %s", m, tt.code)
			}
			if !strings.Contains(m.Error(), tt.why) || !strings.HasPrefix(m.Error(), "stopped before sending") {
				t.Errorf("message %q does not mention %q", m.Error(), tt.why)
			}
		})
	}
	for _, good := range []Batch{
		{ObjectType: config.TypeDirectory, Paths: []string{"https://v.example.com/a/"}},
		{ObjectType: config.TypeFile, Paths: []string{"https://v.example.com/a%20b(1).png", "https://v.example.com/b"}},
	} {
		if m := Check(good); m != nil {
			t.Errorf("Check(%+v) = %v", good, m)
		}
	}
}
