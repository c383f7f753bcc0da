// Package config is vodrefresh's configuration as plain data: the types a
// YAML or JSON document decodes into, loading from the environment,
// validation of every field with validator/v10, and what a deployment
// needs beyond that (an OSS trigger filter that covers the rules, real CDN
// domains). It holds no compiled state and no secrets: refresh compiles
// the rules, and the webhook secrets are read from the environment by the
// handler.
//
// It imports change (the names of webhook kinds and schemes, which routes
// are checked against), and no other package of vodrefresh.
package config

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Default batch sizes: the most paths per RefreshVodObjectCaches call, and
// the most bytes of its encoded ObjectPath. The API states no size limit;
// 60 KiB keeps the signed request line, security token included, under
// 64 KiB, and still carries about 800 URLs of 70 bytes.
const (
	DefaultFileBatch      = 1000
	DefaultDirectoryBatch = 100
	DefaultQueryBytes     = 60 << 10
)

// Object types accepted by RefreshVodObjectCaches.
const (
	TypeFile      = "File"
	TypeDirectory = "Directory"
	// TypeMedia is a video refreshed by its ID (RefreshMediaPlayUrls), on
	// a route with mode: playUrls.
	TypeMedia = "Media"
)

// Config is the function's configuration, read from YAML or JSON.
type Config struct {
	// Domains is the allowlist of CDN bases (scheme://host[:port]); every
	// ObjectPath must start with one of them.
	Domains []string `yaml:"domains" validate:"required,min=1,dive,required,cdnbase"`
	// KeyEncoding says how OSS events spell object keys: raw (the default)
	// or url (percent-encoded once, decoded before use).
	KeyEncoding string `yaml:"keyEncoding" validate:"omitempty,oneof=raw url"`
	// AllowRootDirectory lets a Directory rule refresh the bare domain root.
	AllowRootDirectory bool `yaml:"allowRootDirectory"`
	// Batch sets how many paths go into one API call.
	Batch BatchConfig `yaml:"batch"`
	// OSS maps bucket objects to CDN URLs.
	OSS []OSSRule `yaml:"oss" validate:"required_without=Webhooks,dive"`
	// Webhooks are the HTTP trigger's routes.
	Webhooks []WebhookRoute `yaml:"webhooks" validate:"required_without=OSS,dive"`
	// HTTP sets limits for the HTTP trigger.
	HTTP HTTPConfig `yaml:"http"`
	// Quota is the quota budgeting policy.
	Quota QuotaConfig `yaml:"quota"`
	// Notify tells an operator what finished, what failed and what waits
	// for the reset.
	Notify NotifyConfig `yaml:"notify"`
}

// BatchConfig sets the batch sizes; zero means the default.
type BatchConfig struct {
	Files       int `yaml:"files" validate:"omitempty,min=1,max=1000"`
	Directories int `yaml:"directories" validate:"omitempty,min=1,max=100"`
	// QueryBytes caps the ObjectPath parameter of one call, as it travels
	// percent-encoded in the query string (default 60 KiB).
	QueryBytes int `yaml:"queryBytes" validate:"omitempty,min=2048,max=1048576"`
}

// OSSRule maps objects of one bucket, filtered by key prefix and suffix, to
// one or more CDN URL templates.
type OSSRule struct {
	Bucket     string   `yaml:"bucket" validate:"required,ossbucket"`
	Prefix     string   `yaml:"prefix"`
	Suffix     string   `yaml:"suffix"`
	URLs       []string `yaml:"urls" validate:"required,min=1,dive,required"`
	ObjectType string   `yaml:"objectType" validate:"omitempty,oneof=File Directory"`
	// Wait makes the invocation wait, within its deadline, for its refresh
	// tasks to finish, and report their final status.
	Wait bool `yaml:"wait"`
	// Prefetch warms the CDN (PreloadVodObjectCaches) with created objects'
	// URLs once their refresh went through. File rules only.
	Prefetch bool `yaml:"prefetch"`
	// NotifyCompleted sends the sinks that ask for completed a notice when
	// the rule's refresh tasks end well.
	NotifyCompleted bool `yaml:"notifyCompleted"`
	// Video is video-aware planning for a File rule: auto (the default)
	// recognises HLS and DASH playlists and their media segments; off
	// treats every object as a plain file.
	Video string `yaml:"video" validate:"omitempty,oneof=auto off"`
	// Playlist is what a created or changed playlist refreshes: folder (the
	// default: one directory refresh of the folder that holds it, which
	// covers its segments) or url (the playlist's own URL alone).
	Playlist string `yaml:"playlist" validate:"omitempty,oneof=folder url"`
}

// VideoAware reports whether the rule plans HLS and DASH output as video.
func (r *OSSRule) VideoAware() bool {
	return r.Video != "off" && orDefault(r.ObjectType, TypeFile) == TypeFile
}

// Environment variables that carry the configuration.
const (
	EnvConfigFile = "REFRESH_CONFIG_FILE"
	EnvConfig     = "REFRESH_CONFIG"
)

// Load reads the configuration named by REFRESH_CONFIG_FILE, or given inline
// in REFRESH_CONFIG, and validates its fields. Like Parse, it returns the
// decoded configuration beside an invalid one's error.
func Load(getenv func(string) string) (*Config, error) {
	file, inline := getenv(EnvConfigFile), getenv(EnvConfig)
	switch {
	case file != "" && inline != "":
		return nil, fmt.Errorf("configuration: set %s or %s, not both", EnvConfigFile, EnvConfig)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("configuration: %w", err)
		}
		cfg, err := Parse(b)
		if err != nil {
			return cfg, fmt.Errorf("configuration %s: %w", file, err)
		}
		return cfg, nil
	case inline != "":
		cfg, err := Parse([]byte(inline))
		if err != nil {
			return cfg, fmt.Errorf("configuration in %s: %w", EnvConfig, err)
		}
		return cfg, nil
	}
	return nil, fmt.Errorf("configuration: neither %s nor %s is set", EnvConfigFile, EnvConfig)
}

// Parse decodes a YAML (or JSON) document and validates its fields. An
// unknown field or a value of the wrong kind is named by its path in the
// document, with the nearest valid name; problems come in a stable order:
// those of the document's shape in document order, then those of the
// fields' values in the order of the fields.
//
// When the document decodes but its values are invalid, Parse returns the
// decoded configuration too, beside the *Error, so that a caller that
// checks more of it (refresh compiles the templates) can report every
// problem at once. The configuration is nil whenever the document does not
// decode.
func Parse(doc []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("not valid YAML or JSON: %s%s", strings.TrimPrefix(err.Error(), "yaml: "), flowTemplateHint(doc))
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, errors.New("the document is empty")
	}
	if problems := checkShape(&root); len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	var cfg Config
	if err := root.Decode(&cfg); err != nil { // such as a key written twice
		return nil, fmt.Errorf("not valid YAML or JSON: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := cfg.Validate(); err != nil {
		return &cfg, err
	}
	return &cfg, nil
}

// flowTemplateHint says how to fix the commonest YAML mistake in a
// configuration: a template written unquoted in a [ ] list, such as
// urls: [https://cdn.example.com/{key}], where YAML reads the { as the start
// of a mapping and stops with a bare "did not find expected ',' or ']'".
// It names the first line of doc that has an unquoted { inside a plain
// value of a [ ] list, or returns "" when none has.
func flowTemplateHint(doc []byte) string {
	for i, line := range strings.Split(string(doc), "\n") {
		if v, ok := unquotedBraceInFlow(line); ok {
			return fmt.Sprintf("; line %d: %s is in a [ ] list unquoted, where YAML reads { as the start of a mapping: "+
				"quote the template (\"%s\"), or list it on a line of its own after \"- \"", i+1, v, v)
		}
	}
	return ""
}

// unquotedBraceInFlow returns the first plain (unquoted) value of a [ ]
// list on line that holds a { after its first character, such as
// https://cdn.example.com/{key}.
func unquotedBraceInFlow(line string) (string, bool) {
	if c := strings.IndexByte(line, '#'); c >= 0 && !strings.ContainsAny(line[:c], "'\"") {
		line = line[:c]
	}
	open := strings.IndexByte(line, '[')
	if open < 0 {
		return "", false
	}
	for _, item := range strings.Split(strings.TrimRight(line[open+1:], " ]"), ",") {
		item = strings.TrimSpace(item)
		if item == "" || strings.ContainsRune("'\"{[", rune(item[0])) {
			continue // quoted, or a flow mapping or list of its own
		}
		if strings.Contains(item, "{") {
			return strings.TrimRight(item, "] "), true
		}
	}
	return "", false
}

// FileBatch returns the number of URLs per call.
func (c *Config) FileBatch() int { return orDefault(c.Batch.Files, DefaultFileBatch) }

// DirectoryBatch returns the number of directories per call.
func (c *Config) DirectoryBatch() int { return orDefault(c.Batch.Directories, DefaultDirectoryBatch) }

// QueryBytes returns the most bytes of encoded ObjectPath per call.
func (c *Config) QueryBytes() int { return orDefault(c.Batch.QueryBytes, DefaultQueryBytes) }

// Error is an invalid configuration: one line per problem, each naming the
// field by its path in the document.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}
