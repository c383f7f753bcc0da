package event

import (
	"bytes"
	"encoding/json"
	"time"
)

// ShapeTimer is FC's timer trigger: {"triggerTime", "triggerName",
// "payload"}. The function's timer runs the planner of scarce days.
const ShapeTimer Shape = "timer"

// Timer is a timer trigger's event.
type Timer struct {
	Time    time.Time // when the timer fired
	Name    string    // the trigger's name
	Payload string    // the trigger's payload, handed over verbatim
}

// timerEvent is the timer trigger's envelope as FC sends it.
type timerEvent struct {
	TriggerTime *string `json:"triggerTime"`
	TriggerName *string `json:"triggerName"`
	Payload     string  `json:"payload"`
}

// maxTimerEvent bounds the event that is read as a timer's: FC's payload
// is at most 128 KB.
const maxTimerEvent = 132 << 10

// decodeTimer reads p as a timer trigger's event, when it is one: an
// object with triggerTime and triggerName, and none of the other shapes'
// keys.
func decodeTimer(p []byte) (*Event, bool) {
	if len(p) > maxTimerEvent || p[0] != '{' || !bytes.Contains(p, []byte(`"triggerTime"`)) {
		return nil, false
	}
	var t timerEvent
	if json.Unmarshal(p, &t) != nil || t.TriggerTime == nil || t.TriggerName == nil {
		return nil, false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(p, &probe) != nil {
		return nil, false
	}
	for k := range probe {
		if k != "triggerTime" && k != "triggerName" && k != "payload" {
			return nil, false
		}
	}
	at, _ := time.Parse(time.RFC3339, *t.TriggerTime)
	return &Event{Shape: ShapeTimer, Timer: &Timer{Time: at, Name: *t.TriggerName, Payload: t.Payload}}, true
}
