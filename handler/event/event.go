// Package event reads what arrives at the function: it recognises an
// invocation's shape once (Detect) and decodes it into typed values: OSS
// object events from the native trigger or EventBridge, the plain
// request an FC HTTP trigger event carries, or a timer's tick. Object
// keys are decoded here, once, when the configuration says the events
// carry them URL-encoded.
//
// It imports only plainjson, for the words of a decoding error.
package event

import (
	"bytes"
	"fmt"
	"net/url"
	"unicode/utf8"
)

// Shape is the kind of envelope an invocation's event came in.
type Shape string

// The shapes Detect recognises.
const (
	ShapeOSS         Shape = "oss"             // native OSS trigger: {"events":[...]}
	ShapeCloudEvents Shape = "eventbridge"     // EventBridge CloudEvents envelope(s)
	ShapeRawData     Shape = "eventbridge-raw" // EventBridge RawData: bare record(s)
	ShapeHTTP        Shape = "http"            // FC3 HTTP trigger
	ShapeMNS         Shape = "mns"             // MNS queue trigger: CloudEvents of messages that hold OSS events
	ShapeMNSRaw      Shape = "mns-raw"         // MNS queue trigger, RawData: the bare messages
	// ShapeDestination: FC's record of an asynchronous invocation that
	// failed after its retries, sent to its onFailure destination; the
	// original event is read from it.
	ShapeDestination Shape = "fc-destination"
)

var shapeNames = map[Shape]string{
	ShapeOSS:         "an OSS trigger event",
	ShapeCloudEvents: "an EventBridge event",
	ShapeRawData:     "an OSS record",
	ShapeHTTP:        "an HTTP trigger event",
	ShapeMNS:         "an MNS queue message",
	ShapeMNSRaw:      "an MNS queue message",
	ShapeDestination: "an FC destination record",
	ShapeTimer:       "a timer trigger event",
}

// Options say how to read events.
type Options struct {
	// URLEncodedKeys: the events carry object keys percent-encoded once
	// (the configuration's keyEncoding: url); they are decoded.
	URLEncodedKeys bool
	// MaxBody caps an HTTP request's body: a larger one is refused before
	// it is decoded (HTTPErr is a *TooLarge). Zero means no cap.
	MaxBody int
}

// Event is one invocation's event, decoded.
type Event struct {
	Shape   Shape
	Records []ObjectEvent // the OSS shapes' records
	HTTP    *HTTPRequest  // the HTTP trigger's request
	// HTTPErr is why the HTTP request's body could not be read: a
	// *TooLarge, or a body that is not what the event says it is. The
	// request's method, path, query and headers are read all the same.
	HTTPErr error
	// Rejected are the MNS messages of a batch that could not be read; the
	// records of the others are in Records. Unread reports them all, by
	// message ID (nil when there are none): it fails the invocation once
	// the others are refreshed.
	Rejected []Rejection
	Unread   error
	// VOD are the ApsaraVideo VOD event notifications that MNS messages
	// carried (VOD's MNS callback), for the configuration's vod route.
	VOD []VODMessage
	// Timer is the timer trigger's event.
	Timer *Timer
}

// Detect recognises the shape of payload and decodes it. An error wraps
// ErrUnknownEvent, or names the byte where the JSON is malformed.
func Detect(payload []byte, opts Options) (*Event, error) {
	p := bytes.TrimSpace(payload)
	if len(p) == 0 {
		return nil, fmt.Errorf("%w: the event is empty", ErrUnknownEvent)
	}
	max := opts.MaxBody
	if max <= 0 {
		max = len(p)
	}
	if ev, ok := decodeHTTP(p, max); ok {
		return ev, nil
	}
	if ev, ok := decodeTimer(p); ok {
		return ev, nil
	}
	r := &reader{}
	shape, err := r.read(p)
	if err != nil {
		return nil, err
	}
	if shape == ShapeHTTP {
		return nil, httpShapeError(p)
	}
	if opts.URLEncodedKeys {
		if err := decodeKeys(r.records); err != nil {
			return nil, err
		}
	}
	return &Event{Shape: shape, Records: r.records, Rejected: r.rejected, Unread: rejectedError(r.rejected), VOD: r.vod}, nil
}

// decodeKeys decodes the keys of the records that change an object.
func decodeKeys(records []ObjectEvent) error {
	for i := range records {
		r := &records[i]
		if r.Change == "" || r.Refused != "" {
			continue
		}
		k, err := DecodeKey(r.RawKey)
		if err != nil {
			return fmt.Errorf("record %d (bucket %s): %w (keyEncoding is url)", r.Index, r.Bucket, err)
		}
		if !utf8.ValidString(k) {
			// %FF and the like: a key OSS cannot have.
			r.Refused, r.Change = (&Refusal{What: "the object key", Why: "is not valid UTF-8 once percent-decoded"}).Error(), ""
			continue
		}
		r.Key = k
	}
	return nil
}

// DecodeKey undoes one round of percent-encoding of an OSS object key, for
// buckets whose events carry URL-encoded keys (keyEncoding: url). A '+' is
// kept as it is: OSS keys may contain it literally.
func DecodeKey(key string) (string, error) {
	k, err := url.PathUnescape(key)
	if err != nil {
		return "", fmt.Errorf("key %q is not valid percent-encoding: %w", key, err)
	}
	return k, nil
}
