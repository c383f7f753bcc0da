package event

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// Input that no retry can make refreshable is refused for good while it is
// decoded: a key longer than OSS allows or not UTF-8 refuses its record,
// a message body too long or not UTF-8 its message, a destination record
// nested in another at any depth its message, or the event. The other
// records and messages are read all the same, and the refusals do not make
// the invocation fail (Unread is nil), so that nobody retries them.
func TestRefusedInput(t *testing.T) {
	for _, tt := range []struct {
		file     string
		keys     []string // the records read, refused ones as ""
		refused  string   // substring of each refused record's reason
		rejected []string // the messages refused for good
		why      string   // substring of each one's error
		event    bool     // the whole event is refused
	}{
		{file: "oss-key-too-long.json", keys: []string{"", "images/covers/ok.jpg"}, refused: "the object key is 1024 bytes, longer than the 1023 allowed"},
		{file: "oss-key-not-utf8.json", keys: []string{"", "images/covers/ok.jpg"}, refused: "the object key is not valid UTF-8"},
		{file: "oss-key-surrogate.json", keys: []string{"", "images/covers/ok.jpg"}, refused: "lone surrogate"},
		{file: "eventbridge-key-too-long.json", keys: []string{"", "images/covers/ok.jpg"}, refused: "longer than the 1023 allowed"},
		{file: "mns-key-too-long.json", keys: []string{"", "images/covers/ok.jpg"}, refused: "longer than the 1023 allowed"},
		{file: "mns-body-not-utf8.json", keys: []string{"images/covers/ok.jpg"}, rejected: []string{"U-0001", "U-0002"}, why: "not valid UTF-8"},
		{file: "mns-body-too-long.json", keys: []string{"images/covers/ok.jpg"}, rejected: []string{"L-0001"}, why: "longer than the 262144 allowed"},
		// Destination records nested 2 deep, directly and through a
		// message, 3 deep, and 2 deep in a message of a queue's batch.
		{file: "fc-destination-in-destination.json", event: true, why: "an FC destination record inside another"},
		{file: "fc-destination-mns-destination.json", rejected: []string{"N-0001"}, why: "an FC destination record inside another"},
		{file: "fc-destination-depth-3.json", rejected: []string{"N-0002"}, why: "an FC destination record inside another"},
		{file: "mns-destination-nested.json", keys: []string{"images/covers/ok.jpg"}, rejected: []string{"N-0010"}, why: "inside another"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := Detect(testfix.Read(t, "testdata", tt.file), Options{})
			if tt.event {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.why) {
					t.Fatalf("error %v, want a refusal for good naming %q", err, tt.why)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, r := range ev.Records {
				keys = append(keys, r.Key)
				if r.Key != "" {
					continue
				}
				if !strings.Contains(r.Refused, tt.refused) || !strings.HasPrefix(r.Refused, "refused for good: ") || r.Change != "" {
					t.Errorf("record %d: refused %q, change %q; want %q", r.Index, r.Refused, r.Change, tt.refused)
				}
				if len(r.RawKey) > 3*prefixBytes+8 {
					t.Errorf("record %d keeps %d bytes of its key", r.Index, len(r.RawKey))
				}
			}
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("records %q, want %q", keys, tt.keys)
			}
			var rejected []string
			for _, rj := range ev.Rejected {
				rejected = append(rejected, rj.MessageID)
				if !rj.Refused || !errors.Is(rj.Err, ErrRefused) || !strings.Contains(rj.Err.Error(), tt.why) {
					t.Errorf("message %s: refused %v, %v; want %q", rj.MessageID, rj.Refused, rj.Err, tt.why)
				}
			}
			if !slices.Equal(rejected, tt.rejected) || ev.Unread != nil {
				t.Errorf("rejected %q, unread %v; want %q and nil", rejected, ev.Unread, tt.rejected)
			}
		})
	}
}

// A key of 30 MB is refused without being copied: its record keeps its
// first characters, and decoding it allocates far less than the key.
func TestLongKeyIsNotCopied(t *testing.T) {
	key := "images/" + strings.Repeat("k", 30<<20)
	payload := []byte(`{"events":[{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"` + key + `"}}}]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ev, err := Detect(payload, Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Records) != 1 || ev.Records[0].Refused == "" || !strings.HasPrefix(ev.Records[0].RawKey, "images/kkk") || len(ev.Records[0].RawKey) > 64 {
		t.Fatalf("records %+v", ev.Records)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("decoding allocated %d bytes for a key of %d", n, len(key))
	}
}

// With keyEncoding: url, a key that percent-decodes to bytes that are not
// UTF-8 is refused for good as well, and the record beside it is read.
func TestEncodedKeyNotUTF8(t *testing.T) {
	payload := []byte(`{"events":[` +
		`{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/caf%E9.jpg"}}},` +
		`{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/caf%C3%A9.jpg"}}}]}`)
	ev, err := Detect(payload, Options{URLEncodedKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	if r := ev.Records[0]; !strings.Contains(r.Refused, "not valid UTF-8 once percent-decoded") || r.Change != "" {
		t.Errorf("record 0: %+v", r)
	}
	if r := ev.Records[1]; r.Refused != "" || r.Key != "images/café.jpg" {
		t.Errorf("record 1: %+v", r)
	}
}
