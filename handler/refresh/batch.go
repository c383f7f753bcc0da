package refresh

import (
	"fmt"
	"unicode/utf8"

	"vodrefresh/handler/config"
)

// Batch is one RefreshVodObjectCaches call's worth of paths.
type Batch struct {
	ObjectType string
	Paths      []string
	// Stop, when set, is why the call must not be sent: the API would
	// reject it as malformed (see Check).
	Stop *Malformed
	// A Media batch (ObjectType Media) is one RefreshMediaPlayUrls call:
	// Paths are media IDs, Route the playUrls route whose options it
	// sends, and URLs what the quota counts for it.
	Route *config.WebhookRoute
	URLs  int
}

// Batches splits the plan into API calls: files and directories never share
// a call, and no call holds more than the configured number of paths or
// more than the configured bytes of ObjectPath as it travels, percent-
// encoded, in the query string. Each batch is checked before it leaves the
// planner.
func (pl *Planner) Batches(p *Plan) []Batch { return pl.splitter().batches(p) }

// splitter is how plans are split into calls: the configured sizes, as
// plain values, so that a Fitted plan splits its fallbacks without its
// planner.
type splitter struct{ files, dirs, queryBytes int }

func (pl *Planner) splitter() splitter {
	return splitter{files: pl.cfg.FileBatch(), dirs: pl.cfg.DirectoryBatch(), queryBytes: pl.cfg.QueryBytes()}
}

func (s splitter) batches(p *Plan) []Batch {
	var out []Batch
	split := func(objectType string, paths []string, size int) {
		for len(paths) > 0 {
			n := fitBytes(paths[:min(size, len(paths))], s.queryBytes)
			b := Batch{ObjectType: objectType, Paths: paths[:n:n]}
			b.Stop = Check(b)
			if n == 1 && b.Stop == nil {
				if why := tooLong(paths[0], s.queryBytes); why != "" {
					// Planning refuses such a path; should one come here,
					// it is stopped, not sent to be refused and retried.
					b.Stop = &Malformed{Code: "InvalidObjectPath.Malformed", Detail: []string{why}}
				}
			}
			out = append(out, b)
			paths = paths[n:]
		}
	}
	split(config.TypeFile, p.Files, s.files)
	split(config.TypeDirectory, p.Directories, s.dirs)
	return append(out, mediaBatches(p.Media)...)
}

// fitBytes returns how many of paths, joined by line breaks, fit in limit
// bytes once query-escaped; at least one, so that every batch holds a
// path (one longer than the limit is stopped: see tooLong).
func fitBytes(paths []string, limit int) int {
	size := 0
	for i, p := range paths {
		n := queryLen(p)
		if i > 0 {
			n += len("%0A")
		}
		if size+n > limit && i > 0 {
			return i
		}
		size += n
	}
	return len(paths)
}

// queryLen is len(url.QueryEscape(s)) without building the string: every
// byte but the unreserved ones takes three, and a space (as '+') one.
func queryLen(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~', c == ' ':
		default:
			n += 2
		}
	}
	return n
}

// tooLong returns why path cannot be refreshed, when it is longer, as it
// travels query-escaped in ObjectPath, than one call carries (the
// configuration's batch.queryBytes): no call could send it, and a retry
// cannot either. "" when it fits.
func tooLong(path string, limit int) string {
	if n := queryLen(path); n > limit {
		return fmt.Sprintf("the path takes %d bytes of a refresh call's ObjectPath, more than one call carries (%d)", n, limit)
	}
	return ""
}

// tooLong is tooLong with the planner's configured limit.
func (pl *Planner) tooLong(path string) string { return tooLong(path, pl.cfg.QueryBytes()) }

// shortPath is how many bytes of a refused path a skip or an answer shows.
const shortPath = 80

// ShortPath returns path, or its first bytes and its length when it is
// long: what a log line, a skip or an answer shows of a refused path.
func ShortPath(path string) string {
	if len(path) <= shortPath {
		return path
	}
	cut := shortPath
	for cut > 0 && !utf8.RuneStart(path[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", path[:cut], len(path))
}
