package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"vodrefresh/handler/change"

	"github.com/go-playground/validator/v10"
)

// genericPayload is the generic form: a list of URLs to refresh.
type genericPayload struct {
	Paths      []string `json:"paths" validate:"required_without=VideoIDs,omitempty,min=1,max=1000,dive,httpurl"`
	ObjectType string   `json:"objectType" validate:"omitempty,oneof=File Directory"`
	// VideoIDs name VOD videos whose folders the route's templates refresh
	// ({videoId}, or {path} as "/<id>/"), as Directory.
	VideoIDs []string `json:"videoIds" validate:"omitempty,max=1000,dive,vodid"`
}

// genericWants says what the generic payload's fields should be, for
// messages about a body that does not decode.
var genericWants = map[string]string{"paths": "an array of URL strings", "objectType": `"File" or "Directory"`, "videoIds": "an array of VOD ID strings"}

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
		if err := v.RegisterValidation("vodid", func(fl validator.FieldLevel) bool {
			return change.IsVODID(fl.Field().String())
		}); err != nil {
			panic(err)
		}
		genericValidate = v
	})
	return genericValidate
}

// ParseGeneric reads {"paths": [...], "objectType": "File"|"Directory",
// "videoIds": [...]}: 1 to maxPaths absolute http(s) URLs, directories
// ending with "/", and VOD video IDs (32 lower-case hex characters), whose
// folders the route's templates refresh; paths or videoIds, or both.
// Unknown fields are rejected.
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
	if n := len(p.Paths) + len(p.VideoIDs); n > maxPaths {
		problems = append(problems, fmt.Sprintf("paths: at most %d paths and video IDs per request (got %d)", maxPaths, n))
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
	ch := Change{Event: "refresh", URLs: p.Paths, ObjectType: p.ObjectType}
	for _, id := range p.VideoIDs {
		ch.Items = append(ch.Items, change.VideoFolder(id))
	}
	return ch, nil
}

func genericProblem(fe validator.FieldError) string {
	field := strings.TrimPrefix(fe.Namespace(), "genericPayload.")
	switch fe.Tag() {
	case "required", "required_without":
		return field + ": is required (or videoIds)"
	case "vodid":
		return fmt.Sprintf("%s: %q is not a VOD ID (32 lower-case hex characters); nothing was refreshed", field, fmt.Sprint(fe.Value()))
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
