package event

import (
	"testing"
	"time"
)

func TestDetectTimer(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		timer      bool
	}{
		{"FC's timer event", `{"triggerTime":"2026-11-24T07:49:00Z","triggerName":"planner","payload":"plan"}`, true},
		{"no payload", `{"triggerTime":"2026-11-24T07:49:00Z","triggerName":"planner"}`, true},
		{"an OSS event that names triggerTime", `{"triggerTime":"x","triggerName":"y","events":[]}`, false},
		{"no name", `{"triggerTime":"2026-11-24T07:49:00Z"}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Detect([]byte(tt.body), Options{})
			if got := err == nil && ev.Shape == ShapeTimer; got != tt.timer {
				t.Fatalf("Detect = %+v, %v; timer %v, want %v", ev, err, got, tt.timer)
			}
			if tt.timer && (ev.Timer == nil || !ev.Timer.Time.Equal(time.Date(2026, 11, 24, 7, 49, 0, 0, time.UTC))) {
				t.Errorf("timer = %+v, want its trigger time", ev.Timer)
			}
		})
	}
}
