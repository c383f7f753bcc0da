package event

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// mnsMessage is an MNS queue message as the FC MNS queue trigger hands it
// over: the data of its CloudEvent, or the whole element when the trigger
// pushes RawData (fc-runtime-go-sdk events.MnsQueueEvent and its Data).
type mnsMessage struct {
	RequestID   *string `json:"requestId"`
	MessageID   *string `json:"messageId"`
	MessageBody *string `json:"messageBody"`
}

// Limits on what an MNS message may hold. MNS itself caps a message at
// 64 KiB; an OSS event in it is a few KiB.
const (
	maxMessageBody = 256 << 10
	maxDepth       = 1 // a message's body may not hold further messages
)

// Rejection is an MNS message whose body could not be read. The other
// messages of its batch are read and refreshed all the same.
type Rejection struct {
	MessageID string
	Err       error
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
		return fmt.Errorf("%w: MNS message %s inside another message", ErrUnknownEvent, id)
	}
	sub := &reader{depth: r.depth + 1, message: id}
	if err := sub.body(m.MessageBody); err != nil {
		r.rejected = append(r.rejected, Rejection{MessageID: id, Err: err})
		return nil
	}
	for _, ev := range sub.records {
		ev.Index = len(r.records)
		r.records = append(r.records, ev)
	}
	r.vod = append(r.vod, sub.vod...)
	return nil
}

// body reads a message body into r's records.
func (r *reader) body(body *string) error {
	if body == nil {
		return errors.New("the message has no messageBody")
	}
	if len(*body) > maxMessageBody {
		return fmt.Errorf("the body is larger than %d bytes", maxMessageBody)
	}
	p := bytes.TrimSpace([]byte(*body))
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
// when there are none.
func rejectedError(rejected []Rejection) error {
	if len(rejected) == 0 {
		return nil
	}
	parts := make([]string, 0, len(rejected))
	for _, rj := range rejected {
		parts = append(parts, fmt.Sprintf("message %s: %v", rj.MessageID, rj.Err))
	}
	return fmt.Errorf("%w: %d MNS messages could not be read (the others were refreshed): %s",
		ErrUnknownEvent, len(rejected), strings.Join(parts, "; "))
}
