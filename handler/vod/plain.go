package vod

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
)

// plainCall makes one SDK call of req, as sdkCall does, and decodes its
// JSON answer into out with encoding/json, where the SDK's typed response
// would be decoded by json-iterator. On first use json-iterator builds a
// decoder for each response type by reflection (about 2 ms for each of
// the quota's and the refresh's answers: most of a cold invocation's own
// time); the calls every invocation makes take this path. The request is
// built and signed by the SDK as before. It returns the answer's HTTP
// status with the call's redactor.
func plainCall(ctx context.Context, v *SDKClient, action string, req requests.AcsRequest, out any) (int, *Redactor, error) {
	resp, red, err := sdkCall(ctx, v, action, req, func(req requests.AcsRequest) (*responses.CommonResponse, error) {
		resp := responses.NewCommonResponse()
		return resp, v.client.DoAction(req, resp)
	})
	if err != nil {
		return 0, nil, err
	}
	if err := json.Unmarshal(resp.GetHttpContentBytes(), out); err != nil {
		return 0, nil, &APIError{Action: action, Code: CodeBadResponse, HTTPStatus: resp.GetHttpStatus(), Message: "the answer is not the API's JSON"}
	}
	return resp.GetHttpStatus(), red, nil
}

// text is a field of an answer that the API documents as a string, as it
// reads in the answer: a JSON string, or a number as written (the quota's
// figures have been seen both ways). Any other JSON value reads as a text
// that no field's form accepts.
type text string

// notText is what text holds for a JSON value that is neither a string
// nor a number: a control character, which no form accepts.
const notText = "\x00"

// UnmarshalJSON reads a string or a number.
func (t *text) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*t = text(b)
	default:
		*t = notText
	}
	return nil
}
