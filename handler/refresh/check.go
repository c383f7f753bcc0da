package refresh

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"

	"vodrefresh/handler/config"
)

// outgoing is one call as the API will receive it, with the rules that the
// API's own validation errors stand for.
type outgoing struct {
	ObjectType string   `json:"ObjectType" validate:"required,oneof=File Directory"`
	ObjectPath []string `json:"ObjectPath" validate:"required,min=1,max=1000,dive,required,httpurl,excludesall= \t\r\n"`
}

// Malformed is a batch that Check stopped: Code is the API error that
// sending it would earn.
type Malformed struct {
	Code   string
	Detail []string
}

func (e *Malformed) Error() string {
	return "stopped before sending: " + strings.Join(e.Detail, "; ")
}

// Check checks a batch before it is sent, so that the API's
// MissingParameter, InvalidObjectType.ValueNotSupported and
// InvalidObjectPath.Malformed never happen: a batch that would earn one is
// not sent, and fails with that code.
func Check(b Batch) *Malformed {
	err := config.Validator().Struct(outgoing{ObjectType: b.ObjectType, ObjectPath: b.Paths})
	code := ""
	var detail []string
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		for _, fe := range verrs {
			switch {
			case fe.Field() == "ObjectType":
				code = "InvalidObjectType.ValueNotSupported"
			case fe.Tag() == "required" && fe.Field() == "ObjectPath":
				code = "MissingParameter"
			case code == "":
				code = "InvalidObjectPath.Malformed"
			}
			detail = append(detail, strings.TrimPrefix(fe.Namespace(), "outgoing.")+": "+config.Describe(fe))
		}
	} else if err != nil {
		code, detail = "InvalidObjectPath.Malformed", []string{err.Error()}
	}
	if code == "" && b.ObjectType == config.TypeDirectory {
		for i, p := range b.Paths {
			if !strings.HasSuffix(p, "/") {
				code = "InvalidObjectPath.Malformed"
				detail = append(detail, fmt.Sprintf("ObjectPath[%d]: a directory must end with \"/\" (got %q)", i, p))
			}
		}
	}
	if code == "" {
		return nil
	}
	return &Malformed{Code: code, Detail: detail}
}
