package vod

import "fmt"

// Outcome is what the function does about a failed call.
type Outcome string

// The outcomes, one per row of the README's error table.
const (
	// Retry: retried in this invocation with backoff; if it outlasts the
	// deadline, the invocation fails so that FC retries it.
	Retry Outcome = "retry"
	// Defer: back off, then fail the invocation so that FC retries it later.
	Defer Outcome = "defer"
	// QuotaExhausted: the day's refresh quota is spent.
	QuotaExhausted Outcome = "quota-exhausted"
	// Permanent: fails after one attempt, with what the operator must do.
	Permanent Outcome = "permanent"
	// Prevented: local validation should have stopped it; seeing it means
	// the request was malformed, so it is not retried.
	Prevented Outcome = "prevented"
)

// Failure is how one error code is handled.
type Failure struct {
	Outcome Outcome
	Action  string // what the operator should do, or why it is retried
}

// failures is the seed's error table (plus the credential errors of every
// POP API), with the decided outcome of each code.
var failures = map[string]Failure{
	"Throttling":                               {Retry, "VOD is throttling requests; retried with backoff"},
	"ServiceBusy":                              {Retry, "the domain is being configured; retried with backoff"},
	"InvalidDomain.Configure_failed":           {Retry, "VOD failed to configure the domain; retried, then left to FC's retries; if it persists, check the domain in the VOD console"},
	"QuotaPerMinuteExceeded.Refresh":           {Defer, "the per-minute refresh limit was hit; retried after a pause, else by FC later"},
	"QuotaExceeded.Refresh":                    {QuotaExhausted, "today's refresh quota is spent; the paths are refreshed when FC retries after the quota resets, or replay the dead-lettered event"},
	"IllegalOperation":                         {Permanent, "the domain may not be refreshed: check that it is a VOD CDN domain of this account"},
	"OperationDenied":                          {Permanent, "ApsaraVideo VOD is not activated for this account: activate it"},
	"OperationDenied.Suspended":                {Permanent, "the VOD service is suspended for overdue payment: add funds"},
	"InvalidDomain.NotFound":                   {Permanent, "the domain does not exist or belongs to another account: fix the config's domains and templates"},
	"InvalidDomain.Offline":                    {Permanent, "the domain is disabled: enable it in the VOD console, then replay the event"},
	"InvalidExtensiveDomain.ValueNotSupported": {Permanent, "wildcard domains cannot be refreshed: use the concrete host"},
	"MissingParameter":                         {Prevented, "ObjectPath was empty; this is a bug in vodrefresh"},
	"InvalidObjectType.ValueNotSupported":      {Prevented, "ObjectType was invalid; this is a bug in vodrefresh"},
	"InvalidObjectPath.Malformed":              {Prevented, "VOD rejected a path as malformed; check the URL templates"},
	"SignatureDoesNotMatch":                    {Permanent, "the request signature was rejected: check the AccessKey secret"},
	"InvalidAccessKeyId.NotFound":              {Permanent, "the AccessKey ID is unknown: check the credentials or the function's role"},
	"InvalidSecurityToken.Expired":             {Defer, "the STS token expired; FC's retry brings fresh credentials"},
	"Forbidden.RAM":                            {Permanent, "the role lacks permission: grant the RAM policy in the README"},
	CodeTransport:                              {Retry, "the connection to VOD failed; retried with backoff"},
	CodeTimeout:                                {Retry, "VOD did not answer in time; retried with backoff"},
	CodeMalformedAnswer:                        {Defer, "VOD answered success with a field of an unexpected form (a proxy or gateway in the way?); the refresh may have been taken: not tried again in this invocation, left to FC's retries, and the quota is read again"},
}

// Classify returns how a failed call is handled. Codes outside the table are
// retried when the status is 5xx (or there was no answer) and otherwise left
// to FC's retries, so that no path is dropped on an unknown error.
func Classify(e *APIError) Failure {
	if f, ok := failures[e.Code]; ok {
		return f
	}
	if e.HTTPStatus >= 500 || e.HTTPStatus == 0 {
		return Failure{Retry, fmt.Sprintf("VOD answered %s with HTTP %d; retried with backoff", e.Code, e.HTTPStatus)}
	}
	return Failure{Defer, fmt.Sprintf("unknown error %s (HTTP %d); left to FC's retries", e.Code, e.HTTPStatus)}
}
