package event

import (
	"bytes"
	"fmt"
)

// destination reads the original event of an FC destination record: the
// event of an asynchronous invocation that failed after its retries (an
// OSS event, say, when the day's quota ran out), which FC sent to the
// function's onFailure destination, an MNS queue that the function's queue
// trigger reads. Its records, and the VOD event notifications of its
// messages, keep the identity they had in the original invocation. A
// destination record inside another is refused for good, at any depth:
// directly, or through the MNS messages between them (original is
// inherited by every reader below a destination record).
func (r *reader) destination(payload *rawString) error {
	if r.original {
		return fmt.Errorf("%w: %w: an FC destination record inside another", ErrUnknownEvent, ErrRefused)
	}
	if r.nest >= maxNest {
		return fmt.Errorf("%w: %w: an FC destination record nested more than %d envelopes deep", ErrUnknownEvent, ErrRefused, maxNest)
	}
	// An asynchronous invocation's event is at most 128 KB (shared/FACTS.md),
	// so a longer requestPayload is no such event.
	text, err := payload.text("the FC destination record's requestPayload", maxMessageBody)
	if err != nil {
		return err
	}
	p := bytes.TrimSpace([]byte(text))
	if len(p) == 0 {
		return fmt.Errorf("%w: the FC destination record's requestPayload is empty", ErrUnknownEvent)
	}
	sub := &reader{depth: r.depth, nest: r.nest + 1, message: r.message, original: true}
	shape, err := sub.read(p)
	switch {
	case err != nil:
		return fmt.Errorf("the FC destination record's requestPayload: %w", err)
	case shape == ShapeHTTP:
		return fmt.Errorf("%w: the FC destination record holds an HTTP trigger event", ErrUnknownEvent)
	}
	for _, ev := range sub.records {
		ev.Index = len(r.records)
		r.records = append(r.records, ev)
	}
	r.vod = append(r.vod, sub.vod...)
	r.rejected = append(r.rejected, sub.rejected...)
	return nil
}
