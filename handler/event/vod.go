package event

import (
	"encoding/json"
)

// VODMessage is an ApsaraVideo VOD event notification that an MNS message
// carried: VOD writes the JSON it would POST to its HTTP callback as the
// message body (base64 or not). Nothing signs it: whoever can write to the
// queue is trusted as VOD is, and the body is read as the vod webhook kind
// reads a callback's, into the paths of the configuration's vod route.
type VODMessage struct {
	MessageID string
	Body      []byte // the notification's JSON
}

// isVOD reports whether a message body is a VOD event notification: a JSON
// object with an EventType and a VideoId or MediaId, fields no OSS or
// EventBridge event has.
func isVOD(p []byte) bool {
	var probe struct {
		EventType *string `json:"EventType"`
		VideoID   *string `json:"VideoId"`
		MediaID   *string `json:"MediaId"`
	}
	return len(p) > 0 && p[0] == '{' && json.Unmarshal(p, &probe) == nil &&
		probe.EventType != nil && (probe.VideoID != nil || probe.MediaID != nil)
}
