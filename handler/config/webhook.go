package config

import (
	"fmt"
	"slices"
	"time"
)

// WebhookRoute is one HTTP trigger route: a path, the CMS that calls it, how
// calls are authenticated, and how its payloads become URLs.
type WebhookRoute struct {
	// Path is matched exactly against the request path.
	Path string `yaml:"path" validate:"required,startswith=/"`
	// Kind is the sender: one of the kinds that package webhook declares
	// (generic, ghost, wordpress, strapi, contentful, sanity).
	Kind string `yaml:"kind" validate:"required,webhookkind"`
	// Auth overrides the kind's own scheme: one of the schemes that package
	// webhook declares.
	Auth string `yaml:"auth" validate:"omitempty,webhookauth"`
	// SecretEnv names the environment variable that holds the secret or
	// token. Its value is the secret, whole: spaces are part of it.
	SecretEnv string `yaml:"secretEnv" validate:"required_unless=Auth none,omitempty,envname"`
	// SecretEnvPrevious names the environment variable that holds the
	// secret being rotated out, accepted beside the current one; an empty
	// or unset variable means no rotation is under way.
	SecretEnvPrevious string `yaml:"secretEnvPrevious" validate:"omitempty,envname"`
	// HMAC configures auth: hmac-sha256.
	HMAC HMACConfig `yaml:"hmac"`
	// URLs are templates for payloads that carry no URL.
	URLs []string `yaml:"urls" validate:"dive,required"`
	// Related are URLs refreshed with every accepted event besides the
	// content's own: static ones (the home page, a feed, the sitemap) and
	// templates filled from the payload ({tag}, {category}, {author}, ...).
	Related []string `yaml:"related" validate:"dive,required"`
	// Models give, by kind of content (Ghost's post, page and tag;
	// Strapi's and Contentful's model), the URL templates and related
	// pages that replace URLs and Related for that kind: Ghost posts under
	// /blog/ and pages at the root, through one route; a page's change
	// refreshes no list of posts.
	Models map[string]ModelTemplates `yaml:"models" validate:"dive,keys,required,endkeys"`
	// MediaRelated refreshes the related pages for a change to an uploaded
	// file too (Strapi's media.*, Contentful's assets); by default only
	// content changes refresh them.
	MediaRelated bool `yaml:"mediaRelated"`
	// Defaults fill a template field that a payload does not send (a
	// {locale} for content without i18n).
	Defaults map[string]string `yaml:"defaults" validate:"dive,keys,webhookdefault,endkeys,required"`
	// ObjectType of the refreshes the templates make: File (default) or Directory.
	ObjectType string `yaml:"objectType" validate:"omitempty,oneof=File Directory"`
	// ReplayWindow bounds the age of a signed timestamp (default 5m).
	ReplayWindow time.Duration `yaml:"replayWindow" validate:"gte=0,lte=24h"`
	// MaxPaths bounds the paths of one generic request (default 100).
	MaxPaths int `yaml:"maxPaths" validate:"gte=0,lte=1000"`
	// Wait makes the request wait, within the answer timeout, for its
	// refresh tasks to finish, and report their final status.
	Wait bool `yaml:"wait"`
	// NotifyCompleted sends the sinks that ask for completed a notice when
	// the route's refresh tasks end well.
	NotifyCompleted bool `yaml:"notifyCompleted"`
	// The options below are for kind: vod (ApsaraVideo VOD's callback).
	//
	// CallbackURL is the callback URL exactly as configured in VOD, which
	// its signature covers; default https:// + the Host header + the path.
	CallbackURL string `yaml:"callbackURL" validate:"omitempty,httpurl"`
	// Forward passes each verified callback on to this URL, the body
	// unchanged and re-signed for it with the same key.
	Forward string `yaml:"forward" validate:"omitempty,httpurl"`
	// Streams says which transcoded streams a transcode event refreshes:
	// auto (the default: those whose file name does not carry the job ID),
	// always or never.
	Streams string `yaml:"streams" validate:"omitempty,oneof=auto always never"`
	// Mode is how a video's folder is purged: paths (the default: one
	// Directory refresh per URL template) or playUrls (RefreshMediaPlayUrls,
	// for videos that still exist).
	Mode string `yaml:"mode" validate:"omitempty,oneof=paths playUrls"`
	// Formats, Definitions and Slices are for mode: playUrls: the play
	// URLs of a video RefreshMediaPlayUrls refreshes (none named: all
	// formats, all definitions), and how many HLS segments of each m3u8
	// playlist besides it (0: the playlist alone).
	Formats     []string `yaml:"formats" validate:"dive,oneof=mp4 m3u8 mp3 flv mpd"`
	Definitions []string `yaml:"definitions" validate:"dive,oneof=FD LD SD HD OD 2K 4K SQ HQ AUTO"`
	Slices      int      `yaml:"slices" validate:"gte=0,lte=20"`
}

// MediaFormats and MediaDefinitions are the formats and definitions a
// playUrls route may name (RefreshMediaPlayUrls' Formats and Definitions).
var (
	MediaFormats     = []string{"mp4", "m3u8", "mp3", "flv", "mpd"}
	MediaDefinitions = []string{"FD", "LD", "SD", "HD", "OD", "2K", "4K", "SQ", "HQ", "AUTO"}
)

// MediaURLs is what the quota counts for one video refreshed by its ID on
// the route. Whether RefreshMediaPlayUrls draws on the daily URL quota is
// not documented, so it is counted as if it did: one URL per format and
// definition asked for (every one of MediaFormats and MediaDefinitions
// when the route names none), and for an m3u8 playlist its slices
// segments besides it. The call asks for the newest stream of each
// (ResultType Single), so no more URLs are refreshed than counted.
func (w *WebhookRoute) MediaURLs() int {
	formats := w.Formats
	if len(formats) == 0 {
		formats = MediaFormats
	}
	defs := len(w.Definitions)
	if defs == 0 {
		defs = len(MediaDefinitions)
	}
	per := len(formats)
	if slices.Contains(formats, "m3u8") {
		per += w.Slices
	}
	return per * defs
}

// PlayURLs reports whether the route refreshes videos that still exist by
// media ID (mode: playUrls).
func (w *WebhookRoute) PlayURLs() bool { return w.Mode == "playUrls" }

// ModelTemplates are a route's templates for one kind of content.
type ModelTemplates struct {
	URLs    []string `yaml:"urls" validate:"dive,required"`
	Related []string `yaml:"related" validate:"dive,required"`
}

// HMACConfig describes a GitHub-style signature header.
type HMACConfig struct {
	Header   string  `yaml:"header"`                                         // default X-Hub-Signature-256
	Prefix   *string `yaml:"prefix"`                                         // default "sha256=" with the default header, else none
	Encoding string  `yaml:"encoding" validate:"omitempty,oneof=hex base64"` // default hex
}

// HTTPConfig sets the HTTP trigger's limits.
type HTTPConfig struct {
	// MaxBodyBytes caps a request body (default 1 MiB).
	MaxBodyBytes int `yaml:"maxBodyBytes" validate:"gte=0"`
	// Budget bounds the time to answer, retries included (default 1.5s,
	// inside Ghost's 2 s). See AnswerTimeout.
	Budget time.Duration `yaml:"budget" validate:"gte=0"`
	// DedupeWindow is how long a delivery is remembered (default 10m; the
	// handler keeps it for twice the longest replay window when that is
	// longer, so that a replayed signature is recognised while it verifies).
	DedupeWindow time.Duration `yaml:"dedupeWindow" validate:"gte=0"`
}

// Defaults for webhook routes and the HTTP trigger.
const (
	DefaultReplayWindow  = 5 * time.Minute
	DefaultMaxPaths      = 100
	DefaultMaxBody       = 4 << 20
	DefaultAnswerTimeout = 1500 * time.Millisecond
	DefaultDedupeWindow  = 10 * time.Minute
)

// MaxBody returns the largest request body accepted.
func (c *HTTPConfig) MaxBody() int { return orDefault(c.MaxBodyBytes, DefaultMaxBody) }

// AnswerTimeout returns the time an HTTP request has to be answered in,
// retries included (the document's http.budget).
func (c *HTTPConfig) AnswerTimeout() time.Duration { return orDefault(c.Budget, DefaultAnswerTimeout) }

// Dedupe returns how long a delivery ID is remembered.
func (c *HTTPConfig) Dedupe() time.Duration { return orDefault(c.DedupeWindow, DefaultDedupeWindow) }

// Window returns the route's replay window.
func (w *WebhookRoute) Window() time.Duration { return orDefault(w.ReplayWindow, DefaultReplayWindow) }

// PathLimit returns the most paths one generic request may name.
func (w *WebhookRoute) PathLimit() int { return orDefault(w.MaxPaths, DefaultMaxPaths) }

// RefreshType returns the object type of the route's template refreshes.
func (w *WebhookRoute) RefreshType() string { return orDefault(w.ObjectType, TypeFile) }

// checkWebhooks checks what tags cannot: that paths are unique. Whether a
// route of its kind needs URL templates is for refresh to say, from the
// table of kinds.
func (c *Config) checkWebhooks() []string {
	var problems []string
	seen := make(map[string]bool, len(c.Webhooks))
	for i, w := range c.Webhooks {
		if seen[w.Path] {
			problems = append(problems, fmt.Sprintf("webhooks[%d].path: %q is used by another route", i, w.Path))
		}
		seen[w.Path] = true
	}
	return problems
}
