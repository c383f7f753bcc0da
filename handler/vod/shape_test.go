package vod

import (
	"strings"
	"testing"
)

// Each field's rule, on values VOD sends and on values it never does. A
// refused value is never quoted in the error, which names the field.
func TestAnswerShapes(t *testing.T) {
	const token, sig = "CAIS-shape-token-0001-abcdefghijklmnop", "k3Jd9+/sigsigsigsigsigsig="
	red := NewRedactor("secret-0001", token).With(sig)
	tests := []struct {
		field string
		value string
		read  func(a *answer, s string)
		ok    bool
	}{
		{"RefreshTaskId", "70422123452904", func(a *answer, s string) { a.taskIDs("RefreshTaskId", s) }, true},
		{"RefreshTaskId", "1, 2,3", func(a *answer, s string) { a.taskIDs("RefreshTaskId", s) }, true},
		{"RefreshTaskId", "", func(a *answer, s string) { a.taskIDs("RefreshTaskId", s) }, true},
		{"RefreshTaskId", "1,,2", func(a *answer, s string) { a.taskIDs("RefreshTaskId", s) }, false},
		{"RefreshTaskId", "12a", func(a *answer, s string) { a.taskIDs("RefreshTaskId", s) }, false},
		{"RefreshTaskId", token, func(a *answer, s string) { a.taskIDs("RefreshTaskId", s) }, false},
		{"UrlRemain", "2000", func(a *answer, s string) { a.number("UrlRemain", s) }, true},
		{"UrlRemain", "-1", func(a *answer, s string) { a.number("UrlRemain", s) }, false},
		{"UrlRemain", "12345678901", func(a *answer, s string) { a.number("UrlRemain", s) }, false},
		{"UrlRemain", sig, func(a *answer, s string) { a.number("UrlRemain", s) }, false},
		{"ObjectPath", "https://video.example.com/a%20b.mp4", func(a *answer, s string) { a.path("ObjectPath", s) }, true},
		{"ObjectPath", "https://video.example.com/视频.mp4", func(a *answer, s string) { a.path("ObjectPath", s) }, true},
		{"ObjectPath", "https://video.example.com/a b.mp4", func(a *answer, s string) { a.path("ObjectPath", s) }, false},
		{"ObjectPath", "https://video.example.com/\x01", func(a *answer, s string) { a.path("ObjectPath", s) }, false},
		{"ObjectPath", "https://x/" + strings.Repeat("a", maxPathLen), func(a *answer, s string) { a.path("ObjectPath", s) }, false},
		{"ObjectPath", "https://x/" + token, func(a *answer, s string) { a.path("ObjectPath", s) }, false},
		{"ObjectPath", "https://x/" + sig, func(a *answer, s string) { a.path("ObjectPath", s) }, false},
		{"ObjectPath", "https://x/?SecurityToken=abc", func(a *answer, s string) { a.path("ObjectPath", s) }, false},
		{"Status", "Complete", func(a *answer, s string) { a.oneOf("Status", s, taskStatuses, false) }, true},
		{"Status", "complete", func(a *answer, s string) { a.oneOf("Status", s, taskStatuses, false) }, false},
		{"ObjectType", "File", func(a *answer, s string) { a.oneOf("ObjectType", s, taskTypes, true) }, true},
		{"ObjectType", "regexp", func(a *answer, s string) { a.oneOf("ObjectType", s, taskTypes, true) }, false},
		{"MediaRefreshJobId", "41d465e31957abcd", func(a *answer, s string) { a.match("MediaRefreshJobId", s, idForm, false) }, true},
		{"MediaRefreshJobId", "a=b", func(a *answer, s string) { a.match("MediaRefreshJobId", s, idForm, false) }, false},
		{"Process", "100%", func(a *answer, s string) { a.match("Process", s, processForm, true) }, true},
		{"CreationTime", "2026-01-02T03:04:05Z", func(a *answer, s string) { a.match("CreationTime", s, timeForm, true) }, true},
		{"CreationTime", "x" + token, func(a *answer, s string) { a.match("CreationTime", s, timeForm, true) }, false},
	}
	for _, tt := range tests {
		a := newAnswer("Action", 200, "D61E4801-EAFF-4A63-0000-FBF6CE1CFD1C", red)
		tt.read(a, tt.value)
		if a.ok() != tt.ok {
			t.Errorf("%s %q: ok %v, want %v", tt.field, tt.value, a.ok(), tt.ok)
			continue
		}
		if a.ok() {
			continue
		}
		msg := a.err.Error()
		if !strings.Contains(msg, "VOD answered "+tt.field+" in an unexpected form") || a.err.Code != CodeMalformedAnswer {
			t.Errorf("%s %q: error %q", tt.field, tt.value, msg)
		}
		if tt.value != "" && strings.Contains(msg, tt.value) {
			t.Errorf("%s: the error quotes the value: %q", tt.field, msg)
		}
	}
}

func TestAnswerRequestID(t *testing.T) {
	for id, ok := range map[string]bool{
		"D61E4801-EAFF-4A63-0000-FBF6CE1CFD1C": true,
		"":                                     true,
		"R1":                                   false,
		"D61E4801-EAFF-4A63--FBF6CE1CFD1C":     false,
		strings.Repeat("A", maxRequestIDLen+1): false,
		"SecurityToken=abc":                    false,
	} {
		a := newAnswer("Action", 200, id, nil)
		if a.ok() != ok || (ok && a.requestID != id) || (!ok && a.requestID != "") {
			t.Errorf("RequestId %q: ok %v (kept %q), want %v", id, a.ok(), a.requestID, ok)
		}
	}
	if f := Classify(&APIError{Code: CodeMalformedAnswer, HTTPStatus: 200}); f.Outcome != Defer {
		t.Errorf("a malformed answer is %s, want %s", f.Outcome, Defer)
	}
}
