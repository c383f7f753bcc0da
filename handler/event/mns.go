package event

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// mnsMessage is an MNS queue message as the FC MNS queue trigger hands it
// over: the data of its CloudEvent, or the whole element when the trigger
// pushes RawData (fc-runtime-go-sdk events.MnsQueueEvent and its Data).
type mnsMessage struct {
	RequestID   *string    `json:"requestId"`
	MessageID   *string    `json:"messageId"`
	MessageBody *rawString `json:"messageBody"` // judged where it stands, before it is copied
}

// Limits on what an MNS message may hold. MNS itself caps a message at
// 64 KiB; an OSS event in it is a few KiB. A message body may not hold
// further messages (maxDepth), and no event is read through more than
// maxNest envelopes (MNS messages and FC destination records): the
// deepest that is read is a message holding a destination record, or a
// destination record holding a message.
const (
	maxMessageBody = 256 << 10
	maxDepth       = 1
	maxNest        = 2
)

// Rejection is an MNS message whose body could not be read. The other
// messages of its batch are read and refreshed all the same. Refused: it
// is refused for good (Err wraps ErrRefused): it is reported, and does not
// fail the invocation, since no retry can read it.
type Rejection struct {
	MessageID string
	Err       error
	Refused   bool
}

// isMNS reports whether a CloudEvent comes from an MNS queue trigger.
func isMNS(e *envelope) bool {
	return e.Type == "mns:Queue:SendMessage" || strings.HasPrefix(e.Source, "MNS-Function-")
}

// mns reads one message's body: the OSS event that an EventBridge rule's
// MNS target wrote (the complete CloudEvent as JSON text), a native OSS
// notification, or an ApsaraVideo VOD event notification (VOD's MNS
// callback), any of them possibly base64. A body that is neither is
// a Rejection that names the message; it does not stop the batch.
func (r *reader) mns(m *mnsMessage) error {
	if m.MessageID == nil || *m.MessageID == "" {
		return fmt.Errorf("%w: an MNS message without a messageId", ErrUnknownEvent)
	}
	id := *m.MessageID
	if r.depth >= maxDepth {
		return fmt.Errorf("%w: %w: MNS message %s inside another message", ErrUnknownEvent, ErrRefused, id)
	}
	if r.nest >= maxNest {
		return fmt.Errorf("%w: %w: MNS message %s nested more than %d envelopes deep", ErrUnknownEvent, ErrRefused, id, maxNest)
	}
	// A message inside a destination record is still the failed
	// invocation's event: whatever it holds may hold no destination record.
	sub := &reader{depth: r.depth + 1, nest: r.nest + 1, message: id, original: r.original}
	if err := sub.body(m.MessageBody); err != nil {
		r.rejected = append(r.rejected, Rejection{MessageID: id, Err: err, Refused: errors.Is(err, ErrRefused)})
		return nil
	}
	r.rejected = append(r.rejected, sub.rejected...)
	for _, ev := range sub.records {
		ev.Index = len(r.records)
		r.records = append(r.records, ev)
	}
	r.vod = append(r.vod, sub.vod...)
	return nil
}

// body reads a message body into r's records.
func (r *reader) body(body *rawString) error {
	if body == nil {
		return errors.New("the message has no messageBody")
	}
	// Too long, or not UTF-8 (which JSON decoding would turn into U+FFFD,
	// and so into other keys): refused for good, before it is copied.
	text, err := body.text("the message body", maxMessageBody)
	if err != nil {
		return err
	}
	p := bytes.TrimSpace([]byte(text))
	if len(p) == 0 {
		return errors.New("the body is empty")
	}
	if p[0] != '{' && p[0] != '[' {
		dec, err := base64.StdEncoding.DecodeString(string(p))
		if err != nil {
			return errors.New("the body is neither JSON nor base64")
		}
		if p = bytes.TrimSpace(dec); len(p) == 0 || (p[0] != '{' && p[0] != '[') {
			return errors.New("the body is base64, but not of JSON")
		}
		if !utf8.Valid(p) {
			return &Refusal{What: "the message body", Why: "is base64 of text that is not valid UTF-8"}
		}
	}
	if isVOD(p) {
		r.vod = append(r.vod, VODMessage{MessageID: r.message, Body: p})
		return nil
	}
	shape, err := r.read(p)
	if err == nil && shape == ShapeHTTP {
		err = fmt.Errorf("%w: the body is an HTTP trigger event", ErrUnknownEvent)
	}
	return err
}

// rejectedError reports the messages that could not be read, by ID; nil
// when there are none. Those refused for good are not in it: a retry
// cannot read them either.
func rejectedError(rejected []Rejection) error {
	parts := make([]string, 0, len(rejected))
	for _, rj := range rejected {
		if !rj.Refused {
			parts = append(parts, fmt.Sprintf("message %s: %v", rj.MessageID, rj.Err))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d MNS messages could not be read (the others were refreshed): %s",
		ErrUnknownEvent, len(parts), strings.Join(parts, "; "))
}
