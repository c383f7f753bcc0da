package function

import (
	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/submit"
)

// Answer is what an invocation answers, as FC encodes it to JSON: a
// *Result for an event of objects, or an *HTTPResponse for the HTTP
// trigger. The value is handed to FC as it is, so that a large answer is
// encoded once.
type Answer interface{ answer() }

// Result is the answer to an event of objects: every path, the calls that
// carried it, and every record that was skipped, with the reason.
type Result struct{ *submit.Result }

// HTTPResponse is the answer to an HTTP trigger event: the response FC
// sends to the caller.
type HTTPResponse events.HTTPTriggerResponse

func (*Result) answer()       {}
func (*HTTPResponse) answer() {}
