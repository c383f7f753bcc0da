package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

// genericPayload is the generic form: a list of URLs to refresh.
type genericPayload struct {
	Paths      []string `json:"paths" validate:"required,min=1,max=1000,dive,httpurl"`
	ObjectType string   `json:"objectType" validate:"omitempty,oneof=File Directory"`
}

// genericWants says what the generic payload's fields should be, for
// messages about a body that does not decode.
var genericWants = map[string]string{"paths": "an array of URL strings", "objectType": `"File" or "Directory"`}

var (
	genericOnce     sync.Once
	genericValidate *validator.Validate
)

func genericValidator() *validator.Validate {
	genericOnce.Do(func() {
		v := validator.New()
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			return name
		})
		if err := v.RegisterValidation("httpurl", func(fl validator.FieldLevel) bool {
			return isHTTPURL(fl.Field().String())
		}); err != nil {
			panic(err)
		}
		genericValidate = v
	})
	return genericValidate
}

// ParseGeneric reads {"paths": [...], "objectType": "File"|"Directory"}:
// 1 to maxPaths absolute http(s) URLs; directories end with "/". Unknown
// fields are rejected.
func ParseGeneric(body []byte, maxPaths int) (Change, error) {
	var p genericPayload
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Change{}, bad("generic", jsonProblem(err, &p, genericWants))
	}
	if dec.More() {
		return Change{}, bad("generic", "the body holds more than one JSON value")
	}
	var problems []string
	if err := genericValidator().Struct(&p); err != nil {
		var verrs validator.ValidationErrors
		if !errors.As(err, &verrs) {
			return Change{}, bad("generic", err.Error())
		}
		for _, fe := range verrs {
			problems = append(problems, genericProblem(fe))
		}
	}
	if len(p.Paths) > maxPaths {
		problems = append(problems, fmt.Sprintf("paths: at most %d paths per request (got %d)", maxPaths, len(p.Paths)))
	}
	if p.ObjectType == "Directory" {
		for i, s := range p.Paths {
			if !strings.HasSuffix(s, "/") {
				problems = append(problems, fmt.Sprintf("paths[%d]: a directory must end with \"/\" (got %q)", i, s))
			}
		}
	}
	if len(problems) > 0 {
		return Change{}, bad("generic", problems...)
	}
	return Change{Event: "refresh", URLs: p.Paths, ObjectType: p.ObjectType}, nil
}

func genericProblem(fe validator.FieldError) string {
	field := strings.TrimPrefix(fe.Namespace(), "genericPayload.")
	switch fe.Tag() {
	case "required":
		return field + ": is required"
	case "min":
		return field + ": needs at least one path"
	case "max":
		return fmt.Sprintf("%s: at most %s paths per request", field, fe.Param())
	case "httpurl":
		return fmt.Sprintf("%s: %q is not an absolute http(s) URL", field, fmt.Sprint(fe.Value()))
	case "oneof":
		return fmt.Sprintf("%s: must be File or Directory (got %q)", field, fmt.Sprint(fe.Value()))
	}
	return fmt.Sprintf("%s: fails the %q check", field, fe.Tag())
}
