package vodfake

import "time"

// Reply scripts one answer.
type Reply struct {
	Status  int           // HTTP status; 0 means 200
	Code    string        // error code for the JSON error body
	Message string        // error message; each "{}" is replaced by the value of the request's parameter Echo
	Echo    string        // a request parameter that Message echoes, e.g. "Signature"
	Body    string        // raw body; overrides Code and Message
	Delay   time.Duration // wait before answering
	Drop    bool          // close the connection without answering
	Serve   bool          // answer as the service would (after Delay): script a failure after successes
	// Field, when set, names a field of the answer whose value is replaced
	// by what Inject names: dotted for a nested one (Tasks.Task.ObjectPath),
	// every element of an array on the way. Without Code or Body the answer
	// is otherwise the service's (a success); with Code, the error's.
	Field string
	// Inject is a request parameter whose value Field takes (SecurityToken,
	// Signature), or QueryString for the whole query string as signed.
	Inject string
}

// QueryString is the Inject (and Echo) value that stands for the request's
// whole query string, every signed parameter included.
const QueryString = "*"

// Tampered is a success answered as the service would, but with field
// holding the request's inject (a parameter, or QueryString): an answer
// that a proxy or a gateway echoing the request might give.
func Tampered(field, inject string) Reply { return Reply{Field: field, Inject: inject} }

// Injections are what a tampered field may hold: the request's security
// token, its signature, or its whole query string.
var Injections = []string{"SecurityToken", "Signature", QueryString}

// Served is a scripted answer that the fake gives as the service would.
var Served = Reply{Serve: true}

// seedErrors is the seed's error table: code, HTTP status and message.
var seedErrors = []struct {
	code    string
	status  int
	message string
}{
	{"Throttling", 503, "Request was denied due to request throttling."},
	{"IllegalOperation", 403, "Illegal domain operate is not permitted."},
	{"OperationDenied", 403, "Your account does not open VOD service yet."},
	{"OperationDenied.Suspended", 403, "Your VOD service is suspended."},
	{"InvalidDomain.NotFound", 404, "The domain provided does not belong to you."},
	{"InvalidDomain.Offline", 404, "The domain provided is offline."},
	{"QuotaExceeded.Refresh", 400, "You've exceeded the prescribed refresh limits."},
	{"ServiceBusy", 403, "The specified Domain is configuring, please retry later."},
	{"InvalidDomain.Configure_failed", 500, "Failed to configure the provided domain."},
	{"MissingParameter", 400, `The input parameter "ObjectPath" that is mandatory for processing this request is not supplied.`},
	{"InvalidObjectType.ValueNotSupported", 400, `The specified value of "ObjectType" is not supported.`},
	{"InvalidObjectPath.Malformed", 400, "The specific value of parameter ObjectPath is malformed."},
	{"InvalidExtensiveDomain.ValueNotSupported", 400, "Extensive domain not supported."},
	{"QuotaPerMinuteExceeded.Refresh", 400, "You've exceeded the prescribed refresh limits per minute."},
}

// SeedErrorCodes lists the codes of the seed's error table.
func SeedErrorCodes() []string {
	out := make([]string, len(seedErrors))
	for i, e := range seedErrors {
		out[i] = e.code
	}
	return out
}

// ErrorReply returns the answer VOD gives for a code of the seed's table,
// with its HTTP status and message. Other codes are answered with 400.
func ErrorReply(code string) Reply {
	for _, e := range seedErrors {
		if e.code == code {
			return Reply{Status: e.status, Code: e.code, Message: e.message}
		}
	}
	return Reply{Status: 400, Code: code, Message: "error " + code}
}
