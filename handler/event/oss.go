package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"vodrefresh/handler/plainjson"
)

// ObjectEvent is one OSS object change, whatever envelope carried it.
type ObjectEvent struct {
	Index     int    // position in the invocation's event, from 0
	EventName string // e.g. "ObjectCreated:PutObject", without the "oss:" prefix
	Bucket    string
	Key       string // the object key, decoded when the event's keys are URL-encoded
	RawKey    string // the key as received
	// ID names this change the same way each time it is delivered: the MNS
	// message ID, the EventBridge event ID, or OSS's request ID with the
	// key and ETag; "" when the event carries none of them.
	ID string
	// Message is the ID of the MNS message that carried the record, if any.
	Message string
	// Time is when OSS made the change (the record's eventTime); zero when
	// the record has none, or one that does not parse.
	Time time.Time
	// Change is the kind of change the event name makes (ChangeCreated,
	// ChangeRemoved, ChangeModified), or "" when it changes no served
	// object; NoChange then says why. Both are set when the record is read
	// (see Classify).
	Change, NoChange string
	// Refused, when set, is why the record is refused for good: its key
	// is longer than OSS allows or not UTF-8 (RawKey then holds only its
	// first characters). It plans nothing, and is reported, not retried.
	Refused string
}

// ossRecord is the part of an OSS event record that this function reads.
// The pointers tell a key that is present from one that is not where a
// shape or an error depends on it; a missing bucket and an empty bucket
// name are the same mistake, so the bucket and the object are values (a
// record takes fewer allocations to decode).
type ossRecord struct {
	EventName *string `json:"eventName"`
	EventTime string  `json:"eventTime"`
	OSS       *struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key  *rawString `json:"key"`
			ETag string     `json:"eTag"`
		} `json:"object"`
	} `json:"oss"`
	ResponseElements struct {
		RequestID string `json:"requestId"`
	} `json:"responseElements"`
}

// envelopeData is an envelope's data: an OSS record (EventBridge) or an MNS
// message (the MNS queue trigger).
type envelopeData struct {
	ossRecord
	mnsMessage
}

// envelope decodes every top-level shape in one pass; which fields are set
// tells the shapes apart.
type envelope struct {
	Events *[]ossRecord `json:"events"`

	SpecVersion *string       `json:"specversion"`
	Type        string        `json:"type"`
	Source      string        `json:"source"`
	ID          string        `json:"id"`
	Data        *envelopeData `json:"data"`

	ossRecord
	mnsMessage

	RequestContext *json.RawMessage `json:"requestContext"`
	RawPath        *string          `json:"rawPath"`

	// RequestPayload is the original event of an FC destination record:
	// an asynchronous invocation that failed after its retries.
	RequestPayload *rawString `json:"requestPayload"`
}

// ErrUnknownEvent is wrapped by every error about an event's shape.
var ErrUnknownEvent = errors.New("unrecognised event")

// reader collects the records of one invocation's event, and the MNS
// messages that could not be read.
type reader struct {
	records  []ObjectEvent
	vod      []VODMessage // VOD event notifications from MNS messages
	rejected []Rejection
	depth    int    // 0 for the invocation's event, 1 inside an MNS message
	nest     int    // how many envelopes (MNS messages, destination records) enclose what is read
	message  string // the MNS message being read, if any
	// original: the records being read are a failed invocation's event,
	// from an FC destination record; they keep the identity they had
	// then, so that the retry memory knows what its attempts submitted.
	original bool
}

// read reads an OSS event (native trigger, EventBridge envelope or RawData,
// or MNS queue messages; one or an array). p is trimmed and not empty.
func (r *reader) read(p []byte) (Shape, error) {
	switch p[0] {
	case '{':
		var e envelope
		if err := json.Unmarshal(p, &e); err != nil {
			return "", decodeError(err, &e)
		}
		shape, err := r.envelope(&e)
		if err != nil {
			return "", withKeys(err, p)
		}
		return shape, nil
	case '[':
		var list []envelope
		if err := json.Unmarshal(p, &list); err != nil {
			return "", decodeError(err, &list)
		}
		return r.list(list)
	}
	return "", fmt.Errorf("%w: the event is not a JSON object or array", ErrUnknownEvent)
}

// list reads the elements of an array event: EventBridge events, OSS
// records or MNS messages.
func (r *reader) list(list []envelope) (shape Shape, err error) {
	if len(list) == 0 {
		return "", fmt.Errorf("%w: the event is an empty array", ErrUnknownEvent)
	}
	for i := range list {
		s, err := r.envelope(&list[i])
		if err != nil {
			return "", fmt.Errorf("element %d: %w", i, err)
		}
		if s == ShapeHTTP || s == ShapeOSS {
			return "", fmt.Errorf("element %d: %w: an array may hold EventBridge events, OSS records or MNS messages, not %s", i, ErrUnknownEvent, shapeNames[s])
		}
		if shape == "" {
			shape = s
		} else if shape != s {
			shape = ShapeCloudEvents
		}
	}
	return shape, nil
}

// decodeError says why an event did not decode into v, in words that name
// no Go type: JSON that is not, or a field whose value is of another kind
// than the event's shapes have there.
func decodeError(err error, v any) error {
	var syn *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON event at byte %d: %v", syn.Offset, err)
	case errors.As(err, &te):
		return fmt.Errorf("%w: %s", ErrUnknownEvent, plainjson.Mismatch(te, v, nil, "the event"))
	}
	return fmt.Errorf("%w: the event is not JSON of a known shape", ErrUnknownEvent)
}

// envelope reads one top-level object or array element.
func (r *reader) envelope(e *envelope) (Shape, error) {
	switch {
	case e.Events != nil:
		return ShapeOSS, r.native(*e.Events)
	case e.RequestPayload != nil:
		return ShapeDestination, r.destination(e.RequestPayload)
	case isMNS(e):
		if e.Data == nil {
			return "", fmt.Errorf("%w: MNS event %q has no data", ErrUnknownEvent, e.ID)
		}
		return ShapeMNS, r.mns(&e.Data.mnsMessage)
	case e.SpecVersion != nil || e.Data != nil:
		return ShapeCloudEvents, r.cloudEvent(e)
	case e.MessageID != nil || e.MessageBody != nil:
		return ShapeMNSRaw, r.mns(&e.mnsMessage)
	case e.EventName != nil || e.OSS != nil:
		return ShapeRawData, r.add(&e.ossRecord, "", "")
	case e.RequestContext != nil || e.RawPath != nil:
		return ShapeHTTP, nil
	}
	return "", fmt.Errorf("%w: not an OSS trigger event, an EventBridge event, an OSS record, an MNS message or an HTTP trigger event", ErrUnknownEvent)
}

// native reads the records of an OSS trigger event.
func (r *reader) native(records []ossRecord) error {
	r.records = slices.Grow(r.records, len(records))
	for i := range records {
		id := ""
		if r.message != "" && len(records) > 1 && !r.original {
			id = fmt.Sprintf("mns:%s#%d", r.message, i)
		}
		if err := r.add(&records[i], "", id); err != nil {
			return err
		}
	}
	return nil
}

// cloudEvent reads an EventBridge event from OSS.
func (r *reader) cloudEvent(e *envelope) error {
	if e.Source != "acs.oss" {
		return fmt.Errorf("%w: an EventBridge event from source %q (type %q); only acs.oss events are handled", ErrUnknownEvent, e.Source, e.Type)
	}
	if e.Data == nil {
		return fmt.Errorf("%w: EventBridge event %q has no data", ErrUnknownEvent, e.ID)
	}
	id := ""
	if e.ID != "" && r.message == "" {
		id = "eventbridge:" + e.ID
	}
	return r.add(&e.Data.ossRecord, strings.TrimPrefix(e.Type, "oss:"), id)
}

// add checks one record and appends it. fallbackName is the event name
// from an envelope, used when the record has none; id is the record's
// identity when the envelope gives it one.
func (r *reader) add(rec *ossRecord, fallbackName, id string) error {
	ev, err := rec.event(len(r.records), fallbackName)
	if err != nil {
		return err
	}
	ev.Message = r.message
	switch {
	case id != "":
		ev.ID = id
	case r.message != "" && !r.original:
		ev.ID = "mns:" + r.message
	case rec.ResponseElements.RequestID != "":
		ev.ID = "oss:" + strings.Join([]string{rec.ResponseElements.RequestID, ev.EventName, ev.Bucket, ev.RawKey, rec.OSS.Object.ETag}, "\n")
	}
	r.records = append(r.records, ev)
	return nil
}

// event checks one record and returns it; fallbackName is the event name
// from an envelope, used when the record has none.
func (rec *ossRecord) event(i int, fallbackName string) (ObjectEvent, error) {
	ev := ObjectEvent{Index: i, EventName: fallbackName}
	if rec.EventTime != "" {
		if t, err := time.Parse(time.RFC3339Nano, rec.EventTime); err == nil {
			ev.Time = t
		}
	}
	if rec.EventName != nil && *rec.EventName != "" {
		ev.EventName = strings.TrimPrefix(*rec.EventName, "oss:")
	}
	var missing []string
	if ev.EventName == "" {
		missing = append(missing, "eventName")
	}
	if rec.OSS == nil || rec.OSS.Bucket.Name == "" {
		missing = append(missing, "oss.bucket.name")
	} else {
		ev.Bucket = rec.OSS.Bucket.Name
	}
	if rec.OSS == nil || rec.OSS.Object.Key == nil || string(*rec.OSS.Object.Key) == `""` {
		missing = append(missing, "oss.object.key")
	} else {
		// The key is judged where it stands in the payload: one longer
		// than OSS allows, or not UTF-8, is never copied.
		k, err := rec.OSS.Object.Key.text("the object key", MaxKeyBytes)
		var refused *Refusal
		switch {
		case errors.As(err, &refused):
			ev.Refused, ev.RawKey = refused.Error(), refused.Prefix
		case err != nil:
			return ev, fmt.Errorf("record %d: %w", i, err)
		default:
			ev.Key, ev.RawKey = k, k
		}
	}
	if len(missing) > 0 {
		return ev, fmt.Errorf("record %d: %w: missing %s", i, ErrUnknownEvent, strings.Join(missing, ", "))
	}
	if ev.Refused == "" {
		ev.Change, ev.NoChange = Classify(ev.EventName)
	}
	return ev, nil
}

// withKeys adds the event's top-level keys to a shape error, so the message
// names what was there.
func withKeys(err error, p []byte) error {
	var m map[string]rawString // slices of p, not copies
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

// Classify returns the kind of change an OSS event name makes
// ("ObjectCreated", "ObjectRemoved", "ObjectModified"), or "" and why,
// for an event that changes no served object. A name that is not in the
// list but starts with ObjectCreated:, ObjectRemoved: or ObjectModified:
// counts as that kind: a needless refresh costs less than a stale object.
func Classify(name string) (change, why string) {
	if c, ok := ossChanges[name]; ok {
		return c, ""
	}
	if why, ok := ossNoChange[name]; ok {
		return "", fmt.Sprintf("event %s does not change an object: %s", name, why)
	}
	kind, _, _ := strings.Cut(name, ":")
	switch kind {
	case ChangeCreated, ChangeRemoved, ChangeModified:
		return kind, ""
	}
	return "", fmt.Sprintf("event %s does not change an object", name)
}
