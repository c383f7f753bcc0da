package vod

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Every field of VOD's answers is checked for its shape where the SDK's
// response is read, before anything uses it: an identifier, a count or a
// status that is not of its form makes an error that names the field and
// never quotes it, and free text (a task's description, a job's error
// message) passes the redactor. A field that passes cannot carry a
// security token or a signature, so nothing taken from an answer needs
// redacting on its way to a result, a log line or the command line. The
// rules are in the README's "What VOD's answers may hold".

// CodeMalformedAnswer is the code of an answer that VOD sent as a success
// but with a field of an unexpected form (shapeError).
const CodeMalformedAnswer = "MalformedAnswer"

// Bounds of the fields that are not identifiers.
const (
	maxPathLen  = 4096  // an object path or a play URL
	maxIDs      = 10000 // task IDs or media IDs in one field
	maxQuotaLen = 10    // digits of a quota figure
)

// form is the form a field must have. The forms are plain loops, not
// regular expressions: compiled at start-up they cost a millisecond of
// every cold start, and the bounded repetitions ({1,64}) most of it.
type form func(string) bool

// MatchString reports whether s has the form.
func (f form) MatchString(s string) bool { return f(s) }

var (
	// requestIDForm is a request ID: hex digits in dash-separated groups,
	// as D61E4801-EAFF-4A63-****-FBF6CE1CFD1C.
	requestIDForm = form(func(s string) bool {
		for _, g := range strings.Split(s, "-") {
			if !runOf(g, 1, len(g), isHex) {
				return false
			}
		}
		return true
	})
	// taskIDForm is one refresh or preload task ID.
	taskIDForm = form(func(s string) bool { return runOf(s, 1, 20, isDigit) })
	// idForm is a media ID or a media refresh job ID.
	idForm = form(func(s string) bool {
		return runOf(s, 1, 64, func(c byte) bool { return isAlnum(c) || c == '_' || c == '-' })
	})
	// codeForm is an error code, as Throttling or InvalidDomain.NotFound.
	codeForm = form(func(s string) bool {
		return runOf(s, 1, 64, func(c byte) bool { return isAlnum(c) || c == '.' || c == '_' || c == '-' })
	})
	// wordForm is a media job's status, which the API does not enumerate.
	wordForm = form(func(s string) bool { return runOf(s, 1, 32, isLetter) })
	// processForm is a task's progress, as 100% or 99.5%.
	processForm = form(func(s string) bool {
		num, ok := strings.CutSuffix(s, "%")
		whole, frac, dot := strings.Cut(num, ".")
		return ok && runOf(whole, 1, 3, isDigit) && (!dot || runOf(frac, 1, 2, isDigit))
	})
	// timeForm is a time as the API writes it, as 2026-01-02T03:04:05Z.
	timeForm = form(func(s string) bool {
		return s != "" && isDigit(s[0]) && runOf(s[1:], 0, 39, func(c byte) bool { return isDigit(c) || strings.IndexByte("TZ:.+ -", c) >= 0 })
	})
	// quotaForm is a quota figure, which the API sends as a string.
	quotaForm = form(func(s string) bool { return runOf(s, 1, len(s), isDigit) })
)

// runOf reports whether s is min to max bytes, each of them ok.
func runOf(s string, min, max int, ok func(byte) bool) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// maxRequestIDLen bounds a request ID (a UUID is 36 characters).
const maxRequestIDLen = 64

// taskStatuses are the statuses DescribeVodRefreshTasks reports; Pending is
// in older documentation.
var taskStatuses = []string{"Complete", "Refreshing", "Failed", "Pending"}

// taskTypes are the object types DescribeVodRefreshTasks reports, in any
// case.
var taskTypes = []string{"file", "directory", "preload"}

// validRequestID reports whether s is of a request ID's form; an empty one
// (the field is missing) passes.
func validRequestID(s string) bool {
	return s == "" || (len(s) <= maxRequestIDLen && requestIDForm.MatchString(s))
}

// validCode reports whether s is of an error code's form.
func validCode(s string) bool { return codeForm.MatchString(s) }

// answer reads the fields of one successful answer of action, checking
// each for its shape. The first field of the wrong form is kept as err;
// the values read after it are zero. r redacts free text: the client's
// secrets and the request's signature.
type answer struct {
	action    string
	status    int
	requestID string
	r         *Redactor
	err       *APIError
}

// newAnswer starts reading an answer with its request ID, which it checks
// first.
func newAnswer(action string, status int, requestID string, r *Redactor) *answer {
	a := &answer{action: action, status: status, r: r}
	if !validRequestID(requestID) {
		a.fail("RequestId")
		return a
	}
	a.requestID = requestID
	return a
}

// fail records that field was of an unexpected form, unless an earlier
// field was.
func (a *answer) fail(field string) {
	if a.err == nil {
		a.err = &APIError{Action: a.action, Code: CodeMalformedAnswer, HTTPStatus: a.status, RequestID: a.requestID,
			Message: "VOD answered " + field + " in an unexpected form"}
	}
}

// ok reports whether every field read so far had its form.
func (a *answer) ok() bool { return a.err == nil }

// match returns s when form matches it; else it records field and returns
// "". optional lets an empty s pass.
func (a *answer) match(field, s string, form form, optional bool) string {
	if (optional && s == "") || form.MatchString(s) {
		return s
	}
	a.fail(field)
	return ""
}

// list splits a comma-separated list of which each item has form (spaces
// around items are dropped); an empty s is no item. An empty item, or more
// than maxIDs of them, is of the wrong form.
func (a *answer) list(field, s string, item func(string) bool) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxIDs {
		a.fail(field)
		return nil
	}
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if !item(p) {
			a.fail(field)
			return nil
		}
		out = append(out, p)
	}
	return out
}

// taskIDs reads a comma-separated list of task IDs, digits each.
func (a *answer) taskIDs(field, s string) []string {
	return a.list(field, s, taskIDForm.MatchString)
}

// ids reads a comma-separated list of media IDs.
func (a *answer) ids(field, s string) []string { return a.list(field, s, idForm.MatchString) }

// urls reads a comma-separated list of play URLs, each a path.
func (a *answer) urls(field, s string) []string { return a.list(field, s, a.validPath) }

// path reads an object path: printable, no white space, bounded, and free
// of every secret and signed parameter the redactor knows.
func (a *answer) path(field, s string) string {
	if !a.validPath(s) {
		a.fail(field)
		return ""
	}
	return s
}

func (a *answer) validPath(s string) bool {
	if s == "" || len(s) > maxPathLen || !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if !unicode.IsGraphic(c) || unicode.IsSpace(c) {
			return false
		}
	}
	return !a.r.Carries(s)
}

// number reads a quota figure: digits alone (spaces around them are
// dropped), at most maxQuotaLen of them.
func (a *answer) number(field, s string) int {
	s = strings.TrimSpace(s)
	if len(s) > maxQuotaLen || !quotaForm.MatchString(s) {
		a.fail(field)
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		a.fail(field)
		return 0
	}
	return n
}

// oneOf reads a value of a known set; fold compares in any case.
func (a *answer) oneOf(field, s string, set []string, fold bool) string {
	for _, v := range set {
		if s == v || (fold && strings.EqualFold(s, v)) {
			return s
		}
	}
	a.fail(field)
	return ""
}

// text returns free text with every secret and signed parameter redacted,
// cut to a readable length.
func (a *answer) text(s string) string { return a.r.Clean(s) }
