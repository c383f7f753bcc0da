package handler

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-playground/validator/v10"
)

// outgoing is one call as the API will receive it, with the rules that the
// API's own validation errors stand for.
type outgoing struct {
	ObjectType string   `json:"ObjectType" validate:"required,oneof=File Directory"`
	ObjectPath []string `json:"ObjectPath" validate:"required,min=1,max=1000,dive,required,httpurl,excludesall= \t\r\n"`
}

// prevent checks a batch before it is sent, so that the API's
// MissingParameter, InvalidObjectType.ValueNotSupported and
// InvalidObjectPath.Malformed never happen: a batch that would earn one is
// not sent, and fails with that code.
func prevent(b Batch) *CallError {
	err := validatorInstance().Struct(outgoing{ObjectType: b.ObjectType, ObjectPath: b.Paths})
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
			detail = append(detail, strings.TrimPrefix(fe.Namespace(), "outgoing.")+": "+describe(fe))
		}
	} else if err != nil {
		code, detail = "InvalidObjectPath.Malformed", []string{err.Error()}
	}
	if code == "" && b.ObjectType == TypeDirectory {
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
	f := failures[code]
	return &CallError{Code: code, Outcome: f.Outcome, Action: f.Action,
		Message: "stopped before sending: " + strings.Join(detail, "; ")}
}
