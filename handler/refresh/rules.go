package refresh

import (
	"strings"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
)

// rule is a compiled OSSRule.
type rule struct {
	name       string // "oss[0]", for messages
	bucket     string
	prefix     string
	suffix     string
	objectType string
	templates  []*Template
	floors     []int // per template: the folder depth of the rule's prefix, which coalescing never goes above
	wait       bool
	prefetch   bool
	video      bool // video-aware planning
	urlOnly    bool // a playlist refreshes its own URL, not its folder
}

// ossPlaceholders are the names an OSS URL template may use.
var ossPlaceholders = []string{"key"}

func compileRule(name string, r *config.OSSRule, allow *Allowlist) (*rule, []string) {
	out := &rule{name: name, bucket: r.Bucket, prefix: r.Prefix, suffix: r.Suffix, objectType: r.ObjectType, wait: r.Wait, prefetch: r.Prefetch,
		video: r.VideoAware(), urlOnly: r.Playlist == "url"}
	if out.objectType == "" {
		out.objectType = config.TypeFile
	}
	var problems []string
	if r.Prefetch && out.objectType == config.TypeDirectory {
		problems = append(problems, name+".prefetch: a Directory rule cannot prefetch: prefetching takes URLs")
	}
	var check func(*Template) string
	if out.objectType == config.TypeDirectory {
		check = func(t *Template) string {
			if !t.EndsWith("key") {
				return "a Directory rule's template must end with {key}"
			}
			return ""
		}
	}
	templates, errs := compileTemplates(name+".urls", r.URLs, ossPlaceholders, allow, check)
	problems = append(problems, errs...)
	prefixDir := r.Prefix[:strings.LastIndexByte(r.Prefix, '/')+1]
	for _, t := range templates {
		floorURL, _ := t.Expand(func(string) (string, bool) { return EscapePath(prefixDir), true })
		out.floors = append(out.floors, dirDepth(floorURL))
	}
	out.templates = templates
	return out, problems
}

// matches reports whether the rule covers key in bucket.
func (r *rule) matches(bucket, key string) bool {
	return r.bucket == bucket && strings.HasPrefix(key, r.prefix) && strings.HasSuffix(key, r.suffix)
}

// target returns the encoded value that fills the rule's templates for key,
// one refresh path per template: the key, or for a Directory rule the folder
// that holds the object (the key itself when it ends in '/').
func (r *rule) target(key string) string {
	if r.objectType == config.TypeDirectory {
		return EscapePath(folderOf(key))
	}
	return EscapePath(key)
}

// folderOf returns the folder that holds key, ending in '/' ("" at the top).
func folderOf(key string) string { return key[:strings.LastIndexByte(key, '/')+1] }

// expand fills every template with the encoded target.
func (r *rule) expand(target string) []string {
	enc := EscapePath(target)
	out := make([]string, 0, len(r.templates))
	for _, t := range r.templates {
		out = append(out, t.fill(enc))
	}
	return out
}

// hasDotSegment reports whether key has a "." or ".." segment, which a
// browser resolves away, so no URL reaches that object as it is named.
func hasDotSegment(key string) bool {
	for key != "" {
		seg, rest, _ := strings.Cut(key, "/")
		if seg == "." || seg == ".." {
			return true
		}
		key = rest
	}
	return false
}

// recordSkip is a Skip for an OSS record.
func recordSkip(ev event.ObjectEvent, path, reason string) Skip {
	return Skip{Record: ev.Index, Event: ev.EventName, Bucket: ev.Bucket, Key: ev.RawKey, Path: path, Reason: reason}
}
