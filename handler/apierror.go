package handler

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
)

// Codes for failures that carry no VOD error code.
const (
	CodeTransport   = "Transport"   // connection refused, reset, TLS, DNS
	CodeTimeout     = "Timeout"     // no answer before the deadline
	CodeBadResponse = "BadResponse" // an answer that is not the API's JSON
)

// APIError is a failed VOD API call. Its text never holds a secret, a
// security token or a signature.
type APIError struct {
	Action     string
	Code       string // VOD error code, or one of CodeTransport, CodeTimeout, CodeBadResponse
	HTTPStatus int    // 0 when no answer came
	RequestID  string
	Message    string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Action, e.Code)
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	return b.String()
}

// NewAPIError classifies an error from the SDK. Transport errors from the
// SDK hold the whole signed URL, so only their cause is kept, redacted.
func NewAPIError(action string, err error, r *Redactor) *APIError {
	e := &APIError{Action: action}
	var se *sdkerrors.ServerError
	var ce *sdkerrors.ClientError
	var ue *url.Error
	switch {
	case errors.As(err, &se):
		e.Code, e.HTTPStatus, e.RequestID = se.ErrorCode(), se.HttpStatus(), se.RequestId()
		e.Message = r.Clean(se.Message())
		if e.Code == "" {
			e.Code = CodeBadResponse
		}
	case errors.As(err, &ue):
		e.Code = CodeTransport
		if ue.Timeout() {
			e.Code = CodeTimeout
		}
		e.Message = r.Clean(ue.Err.Error())
	case errors.As(err, &ce):
		e.Code = CodeBadResponse
		msg := ce.Message()
		if oe := ce.OriginError(); oe != nil {
			var inner *url.Error
			if errors.As(oe, &inner) {
				e.Code = CodeTransport
				oe = inner.Err
			}
			msg += ": " + oe.Error()
		}
		e.Message = r.Clean(msg)
	default:
		e.Code = CodeTransport
		e.Message = r.Clean(err.Error())
	}
	return e
}

// Redactor removes secrets from text that may reach a log or a result.
type Redactor struct {
	secrets []string
}

// NewRedactor returns a Redactor for the given secret values (empty ones are
// ignored).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= 4 {
			r.secrets = append(r.secrets, s, url.QueryEscape(s))
		}
	}
	return r
}

// signedParam matches a signed request's secret parameters; it is compiled
// on first use, off the cold-start path.
var signedParam = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(Signature|SecurityToken|AccessKeySecret|Token)=[^&\s"']*`)
})

// maxMessage bounds how much of an error message is kept.
const maxMessage = 300

// Clean returns s with every known secret and every signature or token
// parameter replaced, cut to a readable length.
func (r *Redactor) Clean(s string) string {
	if r != nil {
		for _, sec := range r.secrets {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	s = signedParam().ReplaceAllString(s, "$1=[redacted]")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxMessage {
		s = s[:maxMessage] + "..."
	}
	return s
}
