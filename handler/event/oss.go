package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ObjectEvent is one OSS object change, whatever envelope carried it.
type ObjectEvent struct {
	Index     int    // position in the invocation's event, from 0
	EventName string // e.g. "ObjectCreated:PutObject", without the "oss:" prefix
	Bucket    string
	Key       string // the object key, decoded when the event's keys are URL-encoded
	RawKey    string // the key as received
}

// ossRecord is the part of an OSS event record that this function reads.
type ossRecord struct {
	EventName *string `json:"eventName"`
	OSS       *struct {
		Bucket *struct {
			Name *string `json:"name"`
		} `json:"bucket"`
		Object *struct {
			Key *string `json:"key"`
		} `json:"object"`
	} `json:"oss"`
}

// envelope decodes every top-level shape in one pass; which fields are set
// tells the shapes apart.
type envelope struct {
	Events *[]ossRecord `json:"events"`

	SpecVersion *string    `json:"specversion"`
	Type        string     `json:"type"`
	Source      string     `json:"source"`
	ID          string     `json:"id"`
	Data        *ossRecord `json:"data"`

	ossRecord

	RequestContext *json.RawMessage `json:"requestContext"`
	RawPath        *string          `json:"rawPath"`
}

// ErrUnknownEvent is wrapped by every error about an event's shape.
var ErrUnknownEvent = errors.New("unrecognised event")

// parseOSS reads the records of an OSS event (native trigger, EventBridge
// envelope, or EventBridge RawData; one or an array). p is trimmed and not
// empty.
func parseOSS(p []byte) (shape Shape, records []ObjectEvent, err error) {
	switch p[0] {
	case '{':
		var e envelope
		if err := json.Unmarshal(p, &e); err != nil {
			return "", nil, decodeError(err)
		}
		shape, records, err = e.records(0, records)
		if err != nil {
			return "", nil, withKeys(err, p)
		}
		return shape, records, nil
	case '[':
		var list []envelope
		if err := json.Unmarshal(p, &list); err != nil {
			return "", nil, decodeError(err)
		}
		if len(list) == 0 {
			return "", nil, fmt.Errorf("%w: the event is an empty array", ErrUnknownEvent)
		}
		for i := range list {
			var s Shape
			s, records, err = list[i].records(len(records), records)
			if err != nil {
				return "", nil, fmt.Errorf("element %d: %w", i, err)
			}
			if s == ShapeHTTP || s == ShapeOSS {
				return "", nil, fmt.Errorf("element %d: %w: an array may hold EventBridge events or OSS records, not %s", i, ErrUnknownEvent, shapeNames[s])
			}
			if shape == "" {
				shape = s
			} else if shape != s {
				shape = ShapeCloudEvents
			}
		}
		return shape, records, nil
	}
	return "", nil, fmt.Errorf("%w: the event is not a JSON object or array", ErrUnknownEvent)
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("malformed JSON event at byte %d: %v", syn.Offset, err)
	}
	return fmt.Errorf("%w: %v", ErrUnknownEvent, err)
}

// records appends the envelope's records, numbered from base.
func (e *envelope) records(base int, out []ObjectEvent) (Shape, []ObjectEvent, error) {
	switch {
	case e.Events != nil:
		for i := range *e.Events {
			ev, err := (*e.Events)[i].event(base+i, "")
			if err != nil {
				return "", nil, err
			}
			out = append(out, ev)
		}
		return ShapeOSS, out, nil
	case e.SpecVersion != nil || e.Data != nil:
		if e.Source != "acs.oss" {
			return "", nil, fmt.Errorf("%w: an EventBridge event from source %q (type %q); only acs.oss events are handled", ErrUnknownEvent, e.Source, e.Type)
		}
		if e.Data == nil {
			return "", nil, fmt.Errorf("%w: EventBridge event %q has no data", ErrUnknownEvent, e.ID)
		}
		ev, err := e.Data.event(base, strings.TrimPrefix(e.Type, "oss:"))
		if err != nil {
			return "", nil, err
		}
		return ShapeCloudEvents, append(out, ev), nil
	case e.EventName != nil || e.OSS != nil:
		ev, err := e.ossRecord.event(base, "")
		if err != nil {
			return "", nil, err
		}
		return ShapeRawData, append(out, ev), nil
	case e.RequestContext != nil || e.RawPath != nil:
		return ShapeHTTP, out, nil
	}
	return "", nil, fmt.Errorf("%w: not an OSS trigger event, an EventBridge event, an OSS record or an HTTP trigger event", ErrUnknownEvent)
}

// event checks one record and returns it; fallbackName is the event name
// from an envelope, used when the record has none.
func (r *ossRecord) event(i int, fallbackName string) (ObjectEvent, error) {
	ev := ObjectEvent{Index: i, EventName: fallbackName}
	if r.EventName != nil && *r.EventName != "" {
		ev.EventName = strings.TrimPrefix(*r.EventName, "oss:")
	}
	var missing []string
	if ev.EventName == "" {
		missing = append(missing, "eventName")
	}
	if r.OSS == nil || r.OSS.Bucket == nil || r.OSS.Bucket.Name == nil || *r.OSS.Bucket.Name == "" {
		missing = append(missing, "oss.bucket.name")
	} else {
		ev.Bucket = *r.OSS.Bucket.Name
	}
	if r.OSS == nil || r.OSS.Object == nil || r.OSS.Object.Key == nil || *r.OSS.Object.Key == "" {
		missing = append(missing, "oss.object.key")
	} else {
		ev.Key, ev.RawKey = *r.OSS.Object.Key, *r.OSS.Object.Key
	}
	if len(missing) > 0 {
		return ev, fmt.Errorf("record %d: %w: missing %s", i, ErrUnknownEvent, strings.Join(missing, ", "))
	}
	return ev, nil
}

// withKeys adds the event's top-level keys to a shape error, so the message
// names what was there.
func withKeys(err error, p []byte) error {
	var m map[string]json.RawMessage
	if json.Unmarshal(p, &m) != nil || len(m) == 0 {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 12 {
		keys = append(keys[:12], "...")
	}
	return fmt.Errorf("%w (top-level keys: %s)", err, strings.Join(keys, ", "))
}

// Change kinds of an OSS event name.
const (
	ChangeCreated  = "ObjectCreated"
	ChangeRemoved  = "ObjectRemoved"
	ChangeModified = "ObjectModified"
)

// ossChanges classifies the OSS event types that EventBridge lists ("OSS
// events", shared/FACTS.md) by what they do to the object a CDN serves.
// Replication events are the target bucket's own creations, overwrites and
// deletions, so a replica used as the CDN origin is refreshed like any
// other bucket.
var ossChanges = map[string]string{
	"ObjectCreated:PutObject":               ChangeCreated,
	"ObjectCreated:PostObject":              ChangeCreated,
	"ObjectCreated:CopyObject":              ChangeCreated,
	"ObjectCreated:AppendObject":            ChangeCreated,
	"ObjectCreated:PutSymlink":              ChangeCreated,
	"ObjectCreated:CompleteMultipartUpload": ChangeCreated,
	"ObjectRemoved:DeleteObject":            ChangeRemoved,
	"ObjectRemoved:DeleteObjects":           ChangeRemoved,
	"ObjectModified:UpdateObjectMeta":       ChangeModified,
	"ObjectReplication:ObjectCreated":       ChangeCreated,
	"ObjectReplication:ObjectModified":      ChangeModified,
	"ObjectReplication:ObjectRemoved":       ChangeRemoved,
}

// ossNoChange are the OSS event types, from the same list, that change no
// served object, each with the reason its record is skipped. Subscribing to
// oss:ObjectCreated:* delivers the multipart steps too: refreshing them
// would spend one URL per part.
var ossNoChange = map[string]string{
	"ObjectCreated:InitiateMultipartUpload": "it starts a multipart upload; the object appears with CompleteMultipartUpload",
	"ObjectCreated:UploadPart":              "it uploads one part of a multipart upload; the object appears with CompleteMultipartUpload",
	"ObjectCreated:UploadPartCopy":          "it copies one part of a multipart upload; the object appears with CompleteMultipartUpload",
	"ObjectRemoved:AbortMultipartUpload":    "it abandons a multipart upload, which never was an object",
	"ObjectRestore:FinishRestore":           "it makes an archived object readable again; its content is unchanged",
}

// Change returns the kind of change ("ObjectCreated", "ObjectRemoved",
// "ObjectModified"), or "" for an event that changes no served object. A
// name that is not in the list but starts with ObjectCreated:,
// ObjectRemoved: or ObjectModified: counts as that kind: a needless refresh
// costs less than a stale object.
func (e ObjectEvent) Change() string {
	if c, ok := ossChanges[e.EventName]; ok {
		return c
	}
	if _, ok := ossNoChange[e.EventName]; ok {
		return ""
	}
	kind, _, _ := strings.Cut(e.EventName, ":")
	switch kind {
	case ChangeCreated, ChangeRemoved, ChangeModified:
		return kind
	}
	return ""
}

// NoChange says why the event changes no served object, or "" when it does.
func (e ObjectEvent) NoChange() string {
	if e.Change() != "" {
		return ""
	}
	if why, ok := ossNoChange[e.EventName]; ok {
		return fmt.Sprintf("event %s does not change an object: %s", e.EventName, why)
	}
	return fmt.Sprintf("event %s does not change an object", e.EventName)
}
