package vod

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
)

// Codes for failures that carry no VOD error code.
const (
	CodeTransport   = "Transport"   // connection refused, reset, TLS, DNS
	CodeTimeout     = "Timeout"     // no answer before the deadline
	CodeBadResponse = "BadResponse" // an answer that is not the API's JSON
	// CodeMalformedAnswer (shape.go): a success whose fields are not of
	// their forms.
)

// signatureCodes are the errors whose message echoes the service's string
// to sign, which holds the security token percent-encoded twice. Their
// message is dropped: the code and the request ID are what support needs.
var signatureCodes = map[string]bool{"SignatureDoesNotMatch": true, "IncompleteSignature": true}

// signatureMessage replaces the service's message for signatureCodes.
const signatureMessage = "the service's message is withheld: it echoes the signed request, security token included"

// APIError is a failed VOD API call. Its text never holds a secret, a
// security token or a signature.
type APIError struct {
	Action     string
	Code       string // VOD error code, or one of CodeTransport, CodeTimeout, CodeBadResponse
	HTTPStatus int    // 0 when no answer came
	RequestID  string
	Message    string
	// Unsent: the call never left the process (no time was left).
	Unsent bool
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
		if signatureCodes[e.Code] {
			e.Message = signatureMessage
		}
		// The code and the request ID are kept as they are, so they must
		// be of their forms: one that is not is named, never quoted.
		var odd []string
		if e.Code != "" && !validCode(e.Code) {
			e.Code, odd = CodeBadResponse, append(odd, "Code")
		}
		if !validRequestID(e.RequestID) {
			e.RequestID, odd = "", append(odd, "RequestId")
		}
		if len(odd) > 0 {
			e.Message = strings.TrimPrefix(e.Message+"; VOD answered "+strings.Join(odd, " and ")+" in an unexpected form", "; ")
		}
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
		if e.Code == CodeBadResponse {
			// The SDK's decoding error quotes the answer and names Go
			// types: neither is for the reader.
			e.Message = "the answer is not the API's JSON"
		}
	default:
		e.Code = CodeTransport
		e.Message = r.Clean(err.Error())
	}
	return e
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	ok := errors.As(err, &ae)
	return ae, ok
}
